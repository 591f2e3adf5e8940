from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from storage import _checkpoints
from storage._checkpoints import SAFETY_NET_PAGES, WAL_SIZE_LIMIT_BYTES, Checkpointer
from storage.session import checkpointer_of, make_engine

ROWS = 2_000


def _write_rows(url: str, first: int = 0) -> tuple[Engine, Checkpointer]:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT)"))
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO notes (id, body) VALUES (:id, :body)"),
                           [{"id": first + i, "body": "x" * 500} for i in range(ROWS)])
    checkpointer = checkpointer_of(engine)
    assert checkpointer is not None
    return engine, checkpointer


def _rows_in_database_file_alone(database: Path, copy: Path) -> int:
    """The rows a reader finds in the main database file without its WAL (what a checkpoint put there)."""
    shutil.copyfile(database, copy)
    with sqlite3.connect(copy) as connection:
        tables = connection.execute("SELECT count(*) FROM sqlite_master WHERE name = 'notes'").fetchone()[0]
        return connection.execute("SELECT count(*) FROM notes").fetchone()[0] if tables else 0


def test_commits_reach_the_database_file_through_the_background_checkpoint(tmp_path: Path) -> None:
    database = tmp_path / "a.db"
    engine, checkpointer = _write_rows(f"sqlite:///{database}")
    assert checkpointer.wait_idle(30)
    assert checkpointer.totals.checkpoints >= 1
    assert checkpointer.totals.pages > ROWS * 500 // 4096  # the inserted pages were copied back
    # the engine's connection is still open (its pool), so no close-time checkpoint did this
    assert _rows_in_database_file_alone(database, tmp_path / "copy.db") == ROWS
    engine.dispose()


def test_the_writers_own_automatic_checkpoint_is_only_a_safety_net(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA wal_autocheckpoint")).scalar() == SAFETY_NET_PAGES
        assert connection.execute(text("PRAGMA journal_size_limit")).scalar() == WAL_SIZE_LIMIT_BYTES
        assert connection.execute(text("PRAGMA cache_size")).scalar() == -2048  # a small file: SQLite's default
    engine.dispose()


def test_the_checkpointer_hears_of_a_commit_once_its_rows_are_in_the_wal(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    database = tmp_path / "a.db"
    engine, checkpointer = _write_rows(f"sqlite:///{database}")
    assert checkpointer.wait_idle(30)
    rows_seen_when_told: list[int] = []
    told = Checkpointer.committed

    def committed(self: Checkpointer) -> None:
        with sqlite3.connect(database) as reader:  # another connection: it sees committed rows only
            rows_seen_when_told.append(reader.execute("SELECT count(*) FROM notes").fetchone()[0])
        told(self)

    monkeypatch.setattr(Checkpointer, "committed", committed)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO notes (id, body) VALUES (:id, :body)"),
                           [{"id": ROWS + i, "body": "y" * 500} for i in range(ROWS)])
    assert rows_seen_when_told == [2 * ROWS]
    assert checkpointer.wait_idle(30)
    assert _rows_in_database_file_alone(database, tmp_path / "copy.db") == 2 * ROWS
    engine.dispose()


def test_the_thread_stops_when_idle_and_starts_again_at_the_next_commit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_checkpoints, "IDLE_SECONDS", 0.05)
    monkeypatch.setattr(_checkpoints, "INTERVAL_SECONDS", 0.0)
    database = tmp_path / "a.db"
    url = f"sqlite:///{database}"
    engine, checkpointer = _write_rows(url)
    assert checkpointer.wait_idle(30)
    deadline = time.monotonic() + 10
    while checkpointer._thread is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert checkpointer._thread is None
    checkpoints = checkpointer.totals.checkpoints

    with engine.begin() as connection:
        connection.execute(text("INSERT INTO notes (id, body) VALUES (:id, :body)"),
                           [{"id": ROWS + i, "body": "y" * 500} for i in range(ROWS)])
    assert checkpointer.wait_idle(30)
    assert checkpointer.totals.checkpoints > checkpoints
    assert _rows_in_database_file_alone(database, tmp_path / "copy.db") == 2 * ROWS
    engine.dispose()


def test_a_database_that_cannot_be_opened_leaves_the_checkpoints_to_the_writers(tmp_path: Path) -> None:
    checkpointer = Checkpointer(str(tmp_path / "missing" / "a.db"), busy_timeout_ms=100)
    checkpointer.committed()
    assert checkpointer.wait_idle(10)
    assert checkpointer._thread is None
    assert checkpointer.totals.checkpoints == 0


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_in_memory_databases_have_no_checkpointer(url: str) -> None:
    engine = make_engine(url)
    assert checkpointer_of(engine) is None
    engine.dispose()


def test_disposing_the_engine_stops_the_thread_and_releases_the_file(tmp_path: Path) -> None:
    database = tmp_path / "a.db"
    engine, checkpointer = _write_rows(f"sqlite:///{database}")
    engine.dispose()
    assert checkpointer._thread is None
    # no connection of this process is left on the file: leaving WAL mode needs it to ourselves
    with sqlite3.connect(database, timeout=0) as connection:
        assert connection.execute("PRAGMA journal_mode=DELETE").fetchone() == ("delete",)
    assert _rows_in_database_file_alone(database, tmp_path / "copy.db") == ROWS
