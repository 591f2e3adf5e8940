"""Serializing the writers that file articles into stories, chosen per dialect in one place.

Two crawls (threads of one process, or processes of the service, or several
machines) storing copies of one story at the same moment would each see no
match and start two stories. The story-filing transaction therefore begins by
taking a lock every such writer takes: a transaction-level advisory lock on
PostgreSQL, the database's write lock on SQLite (a first write, before any
read, so the transaction's snapshot already includes every earlier writer).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

#: pg_advisory_xact_lock key for "filing articles into stories" ('ACST' in ASCII)
STORY_LOCK_KEY = 0x41435354


def lock_story_filing(session: Session, source_id: int) -> None:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": STORY_LOCK_KEY})
    elif dialect == "sqlite":
        session.execute(text("UPDATE sources SET name = name WHERE id = :id"), {"id": source_id})
    else:
        raise NotImplementedError(f"no story-filing lock for the {dialect!r} database")
