"""Crawl runs: which ``running`` runs are abandoned, and who runs them."""

from __future__ import annotations

import os
import socket
import subprocess

from sqlalchemy.orm import Session

from storage.models import CrawlRun, RunStatus
from storage.runs import ensure_source, get_run, last_pages_parsed, mark_abandoned, start_run


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def running(session: Session, source_id: int, host: str | None, pid: int | None) -> int:
    run = CrawlRun(source_id=source_id, status=RunStatus.RUNNING, host=host, pid=pid)
    session.add(run)
    session.flush()
    return run.id


def test_runs_whose_process_is_gone_are_abandoned(session: Session) -> None:
    here = socket.gethostname()
    wire, daily = ensure_source(session, "wire", None), ensure_source(session, "daily", None)
    gone = running(session, wire, here, dead_pid())
    alive = running(session, wire, here, os.getpid())
    elsewhere = running(session, wire, "another-machine", dead_pid())
    unknown = running(session, wire, None, None)
    other_source = running(session, daily, here, dead_pid())

    assert mark_abandoned(session, wire) == [(gone, "wire"), (unknown, "wire")]
    statuses = {run_id: session.get_one(CrawlRun, run_id).status
                for run_id in (gone, alive, elsewhere, unknown, other_source)}
    assert statuses == {gone: RunStatus.ABANDONED, alive: RunStatus.RUNNING, elsewhere: RunStatus.RUNNING,
                        unknown: RunStatus.ABANDONED, other_source: RunStatus.RUNNING}
    run = session.get_one(CrawlRun, gone)
    assert run.error_text == f"left running: its crawl process ({run.pid} on {here}) is gone"
    assert run.finished_at is not None
    assert mark_abandoned(session) == [(other_source, "daily")]


def test_a_run_records_the_process_that_runs_it(session: Session) -> None:
    source = ensure_source(session, "wire", None)
    run_id = start_run(session, source)
    run = session.get_one(CrawlRun, run_id)
    assert (run.host, run.pid) == (socket.gethostname(), os.getpid())
    run.pid = 1  # created by the service, then taken over by the crawl process
    assert get_run(session, run_id, source) == run_id
    assert run.pid == os.getpid()


def finished(session: Session, source_id: int, status: RunStatus, parsed: int | None, fetched: int = 0) -> None:
    stats = {} if parsed is None else {"accords/pages_parsed": parsed}
    session.add(CrawlRun(source_id=source_id, status=status, pages_fetched=fetched, stats=stats))
    session.flush()


def test_last_pages_parsed_is_the_last_finished_run_of_each_source(session: Session) -> None:
    wire, daily, slow, stalled, old = (ensure_source(session, name, None)
                                       for name in ("wire", "daily", "slow", "stalled", "old"))
    ensure_source(session, "fresh", None)
    finished(session, wire, RunStatus.OK, 2400, fetched=2403)
    finished(session, wire, RunStatus.OK, 12, fetched=15)
    running(session, wire, None, None)  # the service's run of the crawl now starting
    finished(session, daily, RunStatus.OK, 3)
    finished(session, daily, RunStatus.FAILED, 250)
    finished(session, stalled, RunStatus.ABANDONED, None)
    finished(session, slow, RunStatus.OK, 900)
    finished(session, slow, RunStatus.TIMEOUT, None)  # killed: its counts were never written
    finished(session, old, RunStatus.OK, None, fetched=31)  # a run without the stat: its pages fetched

    assert last_pages_parsed(session, ["wire", "daily", "slow", "fresh", "stalled", "old", "unknown"]) == {
        "wire": 12, "daily": 250, "slow": 900, "old": 31}
    assert last_pages_parsed(session, ["daily"]) == {"daily": 250}
    assert last_pages_parsed(session, []) == {}
