"""The scheduler lock and the per-source lock: PostgreSQL session advisory locks that die with their holder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from scheduler.leader import SchedulerLock, schedulers
from storage._locks import SOURCE_LOCK_CLASS, release_session_lock, try_session_lock
from storage.session import make_engine
from tests.support.databases import throwaway_database
from tests.support.service import wait_for


@pytest.fixture
def postgres_url(tmp_path: Path) -> Iterator[str]:
    with throwaway_database("postgresql", tmp_path) as url:
        yield url


def test_one_scheduler_holds_the_lock_and_a_standby_takes_it_when_the_holder_goes(postgres_url: str) -> None:
    first, second = SchedulerLock(postgres_url), SchedulerLock(postgres_url)
    try:
        here = f"{os.uname().nodename} pid {os.getpid()}"
        assert schedulers(second.connection).active is None
        assert (first.try_take(), second.try_take()) == (True, False)
        assert schedulers(second.connection) == type(schedulers(second.connection))(active=here, standbys=1)
        assert first.still_held()

        first.close()  # its connection closes, as when its process dies
        assert not first.still_held()
        # the server frees the lock as the closed connection's backend exits, a moment after the close
        wait_for(second.try_take, 10, "the standby to take the lock of the closed connection")
        assert second.held
        assert schedulers(second.connection).standbys == 0
    finally:
        first.close()
        second.close()


def test_a_source_lock_keeps_a_second_worker_off_until_released(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    try:
        with engine.connect() as one, engine.connect() as two:
            assert try_session_lock(one, SOURCE_LOCK_CLASS, 7)
            assert not try_session_lock(two, SOURCE_LOCK_CLASS, 7)
            assert try_session_lock(two, SOURCE_LOCK_CLASS, 8)  # another source
            release_session_lock(one, SOURCE_LOCK_CLASS, 7)
            assert try_session_lock(two, SOURCE_LOCK_CLASS, 7)
    finally:
        engine.dispose()
