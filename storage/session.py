"""One engine and one ``sessionmaker`` per database URL.

SQLite runs in WAL mode with a busy timeout and foreign keys on; PostgreSQL
connections are checked before use so a restarted server does not break a run.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000


@dataclass(frozen=True)
class Database:
    engine: Engine
    Session: sessionmaker[Session]

    @property
    def url(self) -> str:
        """The URL with its password masked, for messages and logs."""
        return masked(self.engine.url.render_as_string(hide_password=False))


SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def masked(url: str) -> str:
    """``url`` with any password replaced by ``***``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable database URL>"


def check_url(url: str) -> str:
    """A supported database URL (``postgresql://`` means psycopg 3); ``ValueError`` says what is wrong."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValueError(f"not a database URL: {url!r} (e.g. 'sqlite:///data/accords.db')") from None
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise ValueError(f"unsupported database {backend!r} in {masked(url)!r}: use sqlite:///PATH or "
                         "postgresql+psycopg://USER@HOST/DB")
    if parsed.drivername == "postgresql":  # the driver the project installs, whatever the default
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


@cache
def database(url: str) -> Database:
    """The process-wide ``Database`` for ``url`` (created on first use)."""
    engine = make_engine(url)
    return Database(engine=engine, Session=sessionmaker(engine, expire_on_commit=False))


def make_engine(url: str, **options: Any) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, **options)
        event.listen(engine, "connect", _configure_sqlite)
        return engine
    return create_engine(parsed, pool_pre_ping=True, **options)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
