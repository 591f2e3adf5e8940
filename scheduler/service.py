"""``accords serve``: the background service.

An APScheduler 3 ``BackgroundScheduler`` with its jobs in the project's
database (``apscheduler_jobs``), one job per enabled source (id
``crawl:<source>``), ``coalesce`` on, one instance per source at a time, a
misfire grace time, and a thread pool of ``max_concurrent_crawls``. At start
it marks runs left ``running`` as ``abandoned`` and reconciles the jobs with
the config (adds, removes, reschedules; unchanged jobs keep their next run
time). It logs to stdout, serves ``/metrics`` and ``/healthz``, and on
SIGTERM/SIGINT lets running crawls finish for ``shutdown_grace`` seconds,
abandons the rest and exits 0.

On PostgreSQL only the ``serve`` holding the scheduler lock schedules; others
wait as hot standbys (scheduler/leader.py). With ``[distributed] enabled`` the
jobs send each due crawl to the workers (scheduler/distributed) instead of
starting a local child.
"""

from __future__ import annotations

import logging
import random
import signal
import sys
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from apscheduler.util import obj_to_ref, undefined
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from crawler.config import AccordsConfig
from crawler.schedule import Schedule, parse_schedule
from scheduler import jobs
from scheduler.distributed import dispatch
from scheduler.distributed.app import masked_broker
from scheduler.leader import SchedulerLock, schedulers
from scheduler.metrics import serve_http
from storage.migrate import upgrade
from storage.runs import mark_abandoned
from storage.session import database

logger = logging.getLogger("accords.service")
JOB_PREFIX = "crawl:"
JOBS_TABLE = "apscheduler_jobs"
#: how often the active scheduler checks that it still holds the scheduler lock
LOCK_CHECK_SECONDS = 1.0


@dataclass
class Reconciled:
    added: list[str] = field(default_factory=list)
    rescheduled: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


class _Scheduler(BackgroundScheduler):
    """APScheduler 3 makes one more pass over due jobs after ``shutdown()`` has closed its executors and
    logs "Error submitting job ... cannot schedule new futures after shutdown" (apscheduler#285): skip it."""

    def _process_jobs(self) -> float | None:
        return None if self.state == STATE_STOPPED else super()._process_jobs()


def build_scheduler(config: AccordsConfig, engine: Engine) -> BackgroundScheduler:
    service = config.service
    return _Scheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename=JOBS_TABLE)},
        executors={"default": ThreadPoolExecutor(service.max_concurrent_crawls)},
        job_defaults={"coalesce": True, "max_instances": 1,
                      "misfire_grace_time": int(service.misfire_grace_time)},
        timezone=UTC,
    )


def trigger_for(schedule: Schedule, jitter: float) -> BaseTrigger:
    if schedule.interval is not None:
        return IntervalTrigger(seconds=schedule.interval, jitter=int(jitter) or None, timezone=UTC)
    assert schedule.crontab is not None
    minute, hour, day, month, day_of_week = schedule.crontab.split()
    return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=day_of_week,
                       jitter=int(jitter) or None, timezone=UTC)


def reconcile(scheduler: BackgroundScheduler, config: AccordsConfig) -> Reconciled:
    """Make the stored jobs match the config's enabled sources."""
    changes = Reconciled()
    existing = {job.id: job for job in scheduler.get_jobs()}
    wanted: set[str] = set()
    jitter = config.service.jitter
    job_function = dispatch.dispatch_crawl if config.distributed.enabled else jobs.crawl_source
    for source in config.enabled_sources:
        schedule = parse_schedule(config.schedule_of(source))
        job_id = JOB_PREFIX + source.name
        wanted.add(job_id)
        signature = f"{source.name} | {schedule.text} | jitter {jitter:g}s"
        arguments = (str(config.path), source.name)
        job = existing.get(job_id)
        if (job is not None and job.name == signature and tuple(job.args) == arguments
                and job.func_ref == obj_to_ref(job_function)):
            changes.kept.append(source.name)
            continue
        scheduler.add_job(job_function, trigger_for(schedule, jitter), args=arguments, id=job_id,
                          name=signature, replace_existing=True,
                          next_run_time=_first_run(schedule, jitter) if job is None else undefined)
        (changes.added if job is None else changes.rescheduled).append(source.name)
    for job_id in sorted(existing.keys() - wanted):
        if job_id.startswith(JOB_PREFIX):
            scheduler.remove_job(job_id)
            changes.removed.append(job_id.removeprefix(JOB_PREFIX))
    return changes


def _first_run(schedule: Schedule, jitter: float) -> datetime | object:
    """A new interval source's first crawl comes soon, spread over the jitter so sources do not start
    together; a cron source waits for its first cron time."""
    if schedule.interval is None:
        return undefined
    delay = random.uniform(0, min(jitter, schedule.interval))
    return datetime.now(UTC) + timedelta(seconds=delay)


def serve(config: AccordsConfig, listen: str | None = None) -> int:
    """Run until SIGTERM/SIGINT (exit 0), or until the scheduler lock is lost (exit 1)."""
    _log_to_stdout()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda number, frame: stop.set())
    role = _Role(stop)
    upgrade(database(config.database.url).engine)  # on PostgreSQL, schedulers starting together migrate in turn
    server = serve_http(config, listen or config.service.listen, healthy=role.healthy, describe=role.describe)
    logger.info("listening on http://%s:%d (/metrics, /healthz)", server.server_address[0], server.server_port)
    lock = SchedulerLock(config.database.url) if _backend(config) == "postgresql" else None
    try:
        if lock is not None and not _wait_for_lock(lock, config, stop):
            logger.info("stopped (standby)")
            return 0
        return _run_active(config, stop, role, lock)
    finally:
        server.shutdown()
        server.server_close()
        if lock is not None:
            lock.close()


class _Role:
    """What ``/healthz`` says: a standby is healthy; an active service is while its scheduler runs."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop
        self.scheduler: BackgroundScheduler | None = None

    def healthy(self) -> bool:
        return not self.stop.is_set() and (self.scheduler is None or self.scheduler.running)

    def describe(self) -> str:
        return "standby" if self.scheduler is None else "ok"


def _backend(config: AccordsConfig) -> str:
    return make_url(config.database.url).get_backend_name()


def _wait_for_lock(lock: SchedulerLock, config: AccordsConfig, stop: threading.Event) -> bool:
    """Take the scheduler lock, waiting as a standby while another ``serve`` holds it; False if stopped."""
    if lock.try_take():
        return True
    active = schedulers(lock.connection).active
    logger.info("standby: the scheduler lock is held by %s; taking over when it is released",
                f"the scheduler on {active}" if active else "another accords serve")
    while not stop.wait(config.distributed.standby_poll_seconds):
        if lock.try_take():
            logger.info("took over: the scheduler lock was released, this scheduler is now active")
            return True
    return False


def _run_active(config: AccordsConfig, stop: threading.Event, role: _Role, lock: SchedulerLock | None) -> int:
    db = database(config.database.url)
    with db.Session.begin() as session:
        for run_id, source in mark_abandoned(session):
            logger.warning("source %s: run %d was left running by a crawl process that is gone: marked abandoned",
                           source, run_id)
    jobs.reset()
    sender = _start_sending(config, stop)
    scheduler = build_scheduler(config, db.engine)
    scheduler.start(paused=True)
    changes = reconcile(scheduler, config)
    logger.info("jobs: %d kept, %d added, %d rescheduled, %d removed%s", len(changes.kept),
                len(changes.added), len(changes.rescheduled), len(changes.removed),
                f" ({', '.join(changes.removed)})" if changes.removed else "")
    role.scheduler = scheduler
    scheduler.resume()
    for job in sorted(scheduler.get_jobs(), key=lambda j: j.id):
        logger.info("source %s: %s, next run %s", job.args[1], job.name.split(" | ")[1],
                    job.next_run_time.isoformat() if job.next_run_time else "paused")
    lost = False
    while not stop.wait(LOCK_CHECK_SECONDS):
        if lock is not None and not lock.still_held():
            logger.error("lost the scheduler lock (its database connection broke): stopping, a standby may "
                         "already be active")
            lost = True
            break
    logger.info("stopping: waiting up to %g s for %d running crawl(s)", config.service.shutdown_grace,
                len(jobs.running_crawls()))
    scheduler.pause()
    abandoned = jobs.stop_all(config.service.shutdown_grace)
    scheduler.shutdown(wait=True)
    if sender is not None:
        stop.set()
        dispatch.install(None)
        sender.close()
    if abandoned:
        logger.warning("abandoned running crawl(s) of: %s", ", ".join(abandoned))
    logger.info("stopped")
    return 1 if lost else 0


def _start_sending(config: AccordsConfig, stop: threading.Event) -> dispatch.Sender | None:
    """In ``[distributed]`` mode: send what waits now, and keep retrying what the broker refuses."""
    if not config.distributed.enabled:
        return None
    sender = dispatch.Sender(config)
    dispatch.install(sender)
    logger.info("distributed: crawls go to the workers through %s, queue %r", masked_broker(config),
                config.distributed.queue)
    sender.send_waiting()
    sender.keep_sending(stop)
    return sender


def _log_to_stdout() -> None:
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, force=True,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
