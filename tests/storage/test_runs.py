"""Crawl runs: which ``running`` runs are abandoned, and who runs them."""

from __future__ import annotations

import os
import socket
import subprocess

from sqlalchemy.orm import Session

from storage.models import CrawlRun, RunStatus
from storage.runs import ensure_source, get_run, mark_abandoned, start_run


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
