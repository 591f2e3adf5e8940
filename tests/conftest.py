"""Fixtures shared by the whole suite: databases over both backends, and the local newsroom."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from storage.migrate import upgrade
from storage.session import make_engine
from tests.newsroom.fixture import Newsroom, start_newsroom
from tests.support.databases import BACKENDS, throwaway_database

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def temporary_files_of_started_processes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """``TMPDIR`` for the processes the tests start: a folder of pytest's own, which it deletes with its old
    runs. A crawl that a test kills on purpose cannot remove its extraction forkserver's socket folder
    (``pymp-*``), which would otherwise stay in the system's ``/tmp`` after every run of the suite."""
    folder = tmp_path_factory.mktemp("started-processes-tmp")
    previous = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.environ["TMPDIR"] = previous


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of each backend (not migrated), dropped after the test."""
    with throwaway_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture(scope="session", params=BACKENDS)
def migrated_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """One migrated database per backend for the whole session."""
    with throwaway_database(request.param, tmp_path_factory.mktemp("db")) as url:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url


@pytest.fixture
def session(migrated_database_url: str) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test."""
    engine = make_engine(migrated_database_url)
    connection = engine.connect()
    transaction = connection.begin()
    with Session(bind=connection, join_transaction_mode="create_savepoint") as db_session:
        yield db_session
    transaction.rollback()
    connection.close()
    engine.dispose()


@pytest.fixture(scope="session")
def newsroom() -> Iterator[Newsroom]:
    """The local newsroom (tests/newsroom), its "now" the start of the current hour."""
    with start_newsroom(datetime.now(UTC).replace(minute=0, second=0, microsecond=0)) as running:
        yield running
