"""One engine and one ``sessionmaker`` per database URL.

SQLite runs in WAL mode with a busy timeout and foreign keys on, a page cache
sized to the database (``SQLITE_CACHE_KIB``) and its WAL checkpoints on a thread of their own
(``storage/_checkpoints.py``); PostgreSQL connections are checked before use so
a restarted server does not break a run.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from storage._checkpoints import SAFETY_NET_PAGES, WAL_SIZE_LIMIT_BYTES, Checkpointer, notifying_connection

SQLITE_BUSY_TIMEOUT_MS = 30_000
#: SQLite's page cache per connection grows with the database (1/256 of the file) between its default
#: 2 MiB and 32 MiB: enough for the inner pages of a million-article band index (9 GB file), so a band-key
#: lookup or insert reads one page from the OS instead of three (1M articles: band insert 1.1-1.4 ms per
#: article with 2 or 16 MiB, 0.64 ms with 32 MiB), while a small store's crawl keeps SQLite's default
SQLITE_CACHE_KIB = (2 * 1024, 32 * 1024)
SQLITE_CACHE_SHARE = 256
_checkpointers: weakref.WeakKeyDictionary[Engine, Checkpointer] = weakref.WeakKeyDictionary()


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
        path = parsed.database if parsed.database != ":memory:" and not parsed.query.get("uri") else None
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        checkpointer = Checkpointer(path, SQLITE_BUSY_TIMEOUT_MS) if path else None
        if checkpointer is not None:
            options["connect_args"] = {**options.get("connect_args", {}),
                                       "factory": notifying_connection(checkpointer)}
        engine = create_engine(parsed, **options)
        event.listen(engine, "connect", _configure_sqlite)
        if checkpointer is not None:
            _checkpointers[engine] = checkpointer
            event.listen(engine, "engine_disposed", partial(_disposed, checkpointer))
        return engine
    return create_engine(parsed, pool_pre_ping=True, **options)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    page_count = cursor.execute("PRAGMA page_count").fetchone()[0]
    page_size = cursor.execute("PRAGMA page_size").fetchone()[0]
    cursor.execute(f"PRAGMA cache_size=-{sqlite_cache_kib(page_count * page_size)}")
    cursor.execute(f"PRAGMA wal_autocheckpoint={SAFETY_NET_PAGES}")
    cursor.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT_BYTES}")
    cursor.close()


def sqlite_cache_kib(database_bytes: int) -> int:
    """The page cache for an SQLite database of this size, KiB (``SQLITE_CACHE_KIB``)."""
    smallest, largest = SQLITE_CACHE_KIB
    return max(smallest, min(largest, database_bytes // SQLITE_CACHE_SHARE // 1024))


def _disposed(checkpointer: Checkpointer, _engine: Engine) -> None:
    checkpointer.close()


def checkpointer_of(engine: Engine) -> Checkpointer | None:
    """The WAL checkpointer of an engine made by ``make_engine`` for an SQLite file (``None`` otherwise)."""
    return _checkpointers.get(engine)
