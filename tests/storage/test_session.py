from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from storage import session
from storage.session import make_engine, sqlite_cache_kib


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'nested' / 'a.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30000
    engine.dispose()
    assert (tmp_path / "nested" / "a.db").is_file()


def test_the_sqlite_page_cache_grows_with_the_database_between_2_and_32_mib() -> None:
    mib = 1024 * 1024
    assert sqlite_cache_kib(0) == 2048
    assert sqlite_cache_kib(100 * mib) == 2048  # a small store keeps SQLite's default
    assert sqlite_cache_kib(1024 * mib) == 4096  # 1/256 of the file
    assert sqlite_cache_kib(9 * 1024 * mib) == 32768  # a million articles: capped


def test_a_larger_sqlite_file_gets_a_larger_cache_on_connect(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(session, "SQLITE_CACHE_SHARE", 1)  # so that a 3 MiB file passes the 2 MiB floor
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE filler (body BLOB)"))
        connection.execute(text("INSERT INTO filler WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                                "WHERE i < 3) SELECT zeroblob(1024 * 1024) FROM n"))
        pages = connection.execute(text("PRAGMA page_count")).scalar_one()
    engine.dispose()
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA cache_size")).scalar() == -(pages * 4096 // 1024)
        assert pages * 4096 > 3 * 1024 * 1024
    engine.dispose()
