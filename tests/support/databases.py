"""Throwaway databases for tests: an SQLite file, or a PostgreSQL database created and dropped here.

PostgreSQL is found at ``$ACCORDS_TEST_POSTGRES_URL`` (default the local server,
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``). Without it the
PostgreSQL variants skip with the reason, except under ``CI=true`` where they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from storage.session import database
from tests.support.environment import in_ci

POSTGRES_ADMIN_URL = os.environ.get(
    "ACCORDS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ("sqlite", "postgresql")


def require_postgres() -> None:
    """Skip (or, under CI, fail) when the PostgreSQL server cannot be reached."""
    try:
        engine = create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except OperationalError as exc:
        reason = (f"PostgreSQL not reachable at {make_url(POSTGRES_ADMIN_URL)!r} "
                  f"({str(exc.orig).strip().splitlines()[0]}); start it or set ACCORDS_TEST_POSTGRES_URL")
        if in_ci():
            pytest.fail(f"CI=true: {reason}")
        pytest.skip(reason)


@contextmanager
def throwaway_database(backend: str, folder: Path) -> Iterator[str]:
    """The URL of an empty database that is removed afterwards."""
    if backend == "sqlite":
        url = f"sqlite:///{folder / 'accords-test.db'}"
        try:
            yield url
        finally:
            _forget(url)
        return
    require_postgres()
    name = f"accords_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        _forget(url)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _forget(url: str) -> None:
    """Close this process's engine for ``url``, if one was made."""
    if database.cache_info().currsize:
        database(url).engine.dispose()
