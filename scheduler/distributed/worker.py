"""``accords worker [--concurrency N]``: a Celery worker that runs crawl tasks.

Each task runs as the crawl child process the single-machine service uses (``scheduler.jobs``), with
the same timeouts and run records, holding the source's PostgreSQL advisory lock for as long as it
runs: a second task for a source being crawled (a crawl longer than its schedule, a task delivered
twice) is recorded as ``skipped``, not run beside the first. Tasks run on threads: the crawling
itself happens in the child processes, which die with the worker (``scheduler.orphans``).
"""

from __future__ import annotations

import logging
import socket
import sys

from sqlalchemy.exc import SQLAlchemyError

from crawler.config import AccordsConfig, ConfigError
from scheduler import jobs
from scheduler.distributed.app import CRAWL_TASK, celery_app
from storage import dispatches
from storage._locks import SOURCE_LOCK_CLASS, release_session_lock, try_session_lock
from storage.migrate import upgrade
from storage.models import DispatchState
from storage.runs import ensure_source, this_process
from storage.session import database

logger = logging.getLogger("accords.worker")


def crawl_dispatched(config: AccordsConfig, source: str, dispatch_id: int) -> str:
    """Run the dispatched crawl of ``source`` unless it has run already or another worker is crawling
    the source; returns the outcome."""
    db = database(config.database.url)
    with db.Session() as session:
        if dispatches.state_of(session, dispatch_id) in dispatches.FINISHED:
            logger.info("source %s: dispatch %d has run already (a repeat delivery): ignored", source, dispatch_id)
            return "repeat"
    try:
        source_config = config.source(source)
    except ConfigError as exc:
        _finish(config, dispatch_id, DispatchState.FAILED, f"this worker's config: {exc}")
        logger.error("dispatch %d: %s", dispatch_id, exc)
        return "failed"
    with db.Session.begin() as session:
        source_id = ensure_source(session, source, source_config.language)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as lock:
        if not try_session_lock(lock, SOURCE_LOCK_CLASS, source_id):
            return _source_busy(config, source, dispatch_id)
        try:
            return _crawl_holding_lock(config, source, dispatch_id)
        finally:
            try:
                release_session_lock(lock, SOURCE_LOCK_CLASS, source_id)
            except SQLAlchemyError:
                lock.invalidate()  # never hand a connection that may still hold the lock back to the pool


def _source_busy(config: AccordsConfig, source: str, dispatch_id: int) -> str:
    with database(config.database.url).Session() as session:
        running_already = dispatches.state_of(session, dispatch_id) is DispatchState.STARTED
    if running_already:  # a copy of the task whose crawl another worker is running now
        logger.info("source %s: dispatch %d is being crawled by another worker: this copy is ignored", source,
                    dispatch_id)
        return "repeat"
    _finish(config, dispatch_id, DispatchState.SKIPPED, "another worker was crawling the source")
    logger.info("source %s: another worker is crawling it; dispatch %d skipped", source, dispatch_id)
    return "skipped"


def _crawl_holding_lock(config: AccordsConfig, source: str, dispatch_id: int) -> str:
    db = database(config.database.url)
    host, pid = this_process()
    try:
        with db.Session.begin() as session:
            left = dispatches.take_delivery(session, dispatch_id, f"{host} pid {pid}")
    except dispatches.RepeatDelivery as exc:
        logger.info("source %s: %s (a repeat delivery): ignored", source, exc)
        return "repeat"
    if left is not None:
        logger.warning("source %s: run %d was left by a worker that died; crawling again", source, left)

    def link(run_id: int) -> None:
        with db.Session.begin() as session:
            dispatches.record_run(session, dispatch_id, run_id)

    try:
        status = jobs.crawl_source(str(config.path), source, on_run=link, die_with_parent=True)
    except Exception as exc:
        _finish(config, dispatch_id, DispatchState.FAILED, f"{type(exc).__name__}: {exc}")
        raise
    _finish(config, dispatch_id, DispatchState.DONE)
    return status.value


def _finish(config: AccordsConfig, dispatch_id: int, state: DispatchState, error: str | None = None) -> None:
    with database(config.database.url).Session.begin() as session:
        dispatches.finish(session, dispatch_id, state, error)


def run_worker(config: AccordsConfig, concurrency: int) -> int:
    """Serve crawl tasks from ``[distributed] queue`` until stopped (SIGTERM: finish running crawls first)."""
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, force=True,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    upgrade(database(config.database.url).engine)
    app = celery_app(config)

    @app.task(name=CRAWL_TASK)
    def crawl(source: str, dispatch_id: int) -> str:
        return crawl_dispatched(config, source, dispatch_id)

    host, pid = this_process()
    logger.info("worker %d on %s: %d crawl(s) at once from queue %r", pid, host, concurrency,
                config.distributed.queue)
    app.worker_main([
        "worker", "--pool=threads", f"--concurrency={concurrency}", f"--queues={config.distributed.queue}",
        f"--hostname=accords-{pid}@{socket.gethostname()}", "--loglevel=INFO", "--without-gossip",
        "--without-mingle", "--without-heartbeat",
    ])
    return 0
