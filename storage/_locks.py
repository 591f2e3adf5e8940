"""Serializing the writers that file articles into stories, chosen per dialect in one place.

Two crawls (threads of one process, or processes of the service, or several
machines) storing copies of one story at the same moment would each see no
match and start two stories. The story-filing transaction therefore begins by
taking a lock every such writer takes: a transaction-level advisory lock on
PostgreSQL, the database's write lock on SQLite (a first write, before any
read, so the transaction's snapshot already includes every earlier writer).
"""

from __future__ import annotations

from sqlalchemy import Connection, text
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


#: pg_try_advisory_lock key held by the active ``accords serve`` for as long as it runs ('ACSV')
SCHEDULER_LOCK_KEY = 0x41435356
#: first of the two keys a worker locks while it crawls a source; the second is the source's id ('ACSR')
SOURCE_LOCK_CLASS = 0x41435352


def try_session_lock(connection: Connection, *key: int) -> bool:
    """Take a session-level PostgreSQL advisory lock on ``key`` (one bigint, or two ints) without waiting.

    It is held until ``release_session_lock`` or until the connection closes, which is what makes it
    safe: a process that dies, however it dies, gives its locks back with its connection.
    """
    arguments = ", ".join(f":k{i}" for i in range(len(key)))
    return bool(connection.scalar(text(f"SELECT pg_try_advisory_lock({arguments})"),
                                  {f"k{i}": part for i, part in enumerate(key)}))


def release_session_lock(connection: Connection, *key: int) -> None:
    arguments = ", ".join(f":k{i}" for i in range(len(key)))
    connection.execute(text(f"SELECT pg_advisory_unlock({arguments})"), {f"k{i}": part for i, part in enumerate(key)})
