"""Job functions the service schedules; importing this module starts nothing.

``crawl_source(config_path, source)`` records a ``crawl_runs`` row, runs
``accords crawl SOURCE --run-id N`` in a child process (Twisted's reactor
cannot be restarted, and a child keeps memory growth and crashes away from the
service), kills it after ``[service] crawl_timeout`` (run ``timeout``), and
marks the run ``failed`` when the child dies without closing it.
``stop_all(grace)`` lets running crawls finish for ``grace`` seconds, then
stops the rest and marks their runs ``abandoned``. The timeout is the source's
``crawl_timeout``, else ``[service] crawl_timeout``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from crawler.config import load_config
from scheduler.orphans import child_environment
from storage.models import RunStatus
from storage.runs import close_if_running, ensure_source, force_status, run_summary, start_run
from storage.session import database

logger = logging.getLogger("accords.jobs")

#: seconds a child gets to exit after SIGTERM before it is killed
TERMINATE_WAIT = 10.0
STDERR_TAIL = 2000


@dataclass
class _Crawl:
    source: str
    run_id: int
    process: subprocess.Popen[bytes]
    abandoned: bool = False


_active: dict[int, _Crawl] = {}
_lock = threading.Lock()
_stopping = threading.Event()


def running_crawls() -> list[str]:
    with _lock:
        return sorted(crawl.source for crawl in _active.values())


def crawl_source(config_path: str, source: str, on_run: Callable[[int], None] | None = None,
                 die_with_parent: bool = False) -> RunStatus:
    """Run one crawl of ``source`` in a child process and make sure its run is closed.

    ``on_run(run_id)``: called once the run is recorded, before the crawl starts (a worker links it
    to its task). ``die_with_parent``: the child is killed when this process dies (a worker).
    """
    config = load_config(config_path)
    source_config = config.source(source)
    db = database(config.database.url)
    with db.Session.begin() as session:
        run_id = start_run(session, ensure_source(session, source, source_config.language))
    if on_run is not None:
        on_run(run_id)
    if _stopping.is_set():
        with db.Session.begin() as session:
            force_status(session, run_id, RunStatus.ABANDONED, "the service was stopping")
        return RunStatus.ABANDONED
    command = [sys.executable, "-m", "scheduler.cli", "--config", config_path, "crawl", source,
               "--run-id", str(run_id)]
    timeout = config.timeout_of(source_config)
    logger.info("source %s: run %d started", source, run_id)
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=output, stderr=output,
                                   start_new_session=True, env=child_environment() if die_with_parent else None)
        crawl = _Crawl(source, run_id, process)
        with _lock:
            _active[run_id] = crawl
        try:
            code = _wait(process, timeout)
        finally:
            with _lock:
                _active.pop(run_id, None)
            _kill_leftovers(process.pid)
        output.seek(0)
        tail = output.read().decode("utf-8", "replace")[-STDERR_TAIL:].strip()
    with db.Session.begin() as session:
        if crawl.abandoned:
            force_status(session, run_id, RunStatus.ABANDONED, "the service stopped; the crawl was abandoned")
        elif code is None:
            close_if_running(session, run_id, RunStatus.TIMEOUT, f"killed after the {timeout:g} s crawl timeout")
        elif close_if_running(session, run_id, RunStatus.FAILED, f"crawl process exited with code {code}"):
            logger.warning("source %s: crawl process exited with code %s:\n%s", source, code, tail)
        status, counts, error = run_summary(session, run_id)
    logger.info("source %s: run %d %s - %d pages, %d stored, %d duplicates, %d errors%s", source, run_id,
                status.value, counts.pages_fetched, counts.articles_stored, counts.duplicates_skipped,
                counts.errors, f" ({error.splitlines()[0]})" if error and status is not RunStatus.OK else "")
    return status


def _kill_leftovers(group: int) -> None:
    """SIGKILL whatever a finished crawl left in its process group (extraction workers of a crawl that crashed)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signal.SIGKILL)


def _wait(process: subprocess.Popen[bytes], timeout: float) -> int | None:
    """The exit code, or None when the crawl was killed for running past ``timeout``."""
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _terminate(process)
        return None


def _terminate(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the crawl's process group, then SIGKILL if it is still there."""
    for sig, wait in ((signal.SIGTERM, TERMINATE_WAIT), (signal.SIGKILL, None)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def stop_all(grace: float) -> list[str]:
    """Stop taking crawls; wait up to ``grace`` s for running ones, then abandon the rest."""
    _stopping.set()
    deadline = time.monotonic() + grace
    while running_crawls() and time.monotonic() < deadline:
        time.sleep(0.2)
    with _lock:
        left = list(_active.values())
    for crawl in left:
        crawl.abandoned = True
        _terminate(crawl.process)
    return [crawl.source for crawl in left]


def reset() -> None:
    """Accept crawls again (a service started after another in the same process, as in tests)."""
    _stopping.clear()
