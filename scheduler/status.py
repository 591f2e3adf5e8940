"""``accords status``: one line per enabled source, and an exit status monitoring can use."""

from __future__ import annotations

from datetime import UTC, datetime

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

from crawler.config import AccordsConfig
from scheduler._tables import render_table
from scheduler.distributed.app import masked_broker
from scheduler.health import source_statuses
from scheduler.leader import schedulers
from scheduler.service import JOB_PREFIX, JOBS_TABLE
from storage import dispatches
from storage.session import database


def next_runs(config: AccordsConfig) -> dict[str, datetime | None]:
    """Next run time of each source's job, as the service stored it."""
    store = SQLAlchemyJobStore(engine=database(config.database.url).engine, tablename=JOBS_TABLE)
    return {job.id.removeprefix(JOB_PREFIX): job.next_run_time for job in store.get_all_jobs()
            if job.id.startswith(JOB_PREFIX)}


def print_status(config: AccordsConfig) -> int:
    """Print the table; 1 when a source is stale, its last run failed or its pages are mostly blocked, else 0."""
    statuses = source_statuses(config)
    scheduled = next_runs(config)
    rows = []
    for status in statuses:
        last = status.health.recent_runs[0] if status.health.recent_runs else None
        rows.append((
            status.source.name,
            status.schedule,
            _time(scheduled.get(status.source.name)),
            _time(last.started_at) if last else None,
            status.last_status.value if status.last_status else None,
            status.health.articles_24h,
            status.health.articles_7d,
            f"STALE: {status.stale_reason}" if status.stale else "no",
        ))
    print(render_table(["source", "schedule", "next run", "last run", "status", "24h", "7d", "stale"], rows))
    problems = [s.source.name for s in statuses if s.stale or s.failing]
    if problems:
        print(f"\n{len(problems)} source(s) stale or failing: {', '.join(problems)}")
    blocked = [s for s in statuses if s.blocked_reason]
    for status in blocked:
        print(f"BLOCKED: {status.source.name}: {status.blocked_reason}")
    distributed_problem = print_distributed(config) if config.distributed.enabled else False
    return 1 if problems or blocked or distributed_problem else 0


def print_distributed(config: AccordsConfig) -> bool:
    """The schedulers, and the crawls waiting for the broker or a worker; True when no scheduler is active
    or the broker refuses crawls."""
    db = database(config.database.url)
    with db.engine.connect() as connection:
        who = schedulers(connection)
    with db.Session() as session:
        queue = dispatches.summary(session)
    print(f"\ndistributed: broker {masked_broker(config)}, queue {config.distributed.queue!r}")
    print(f"scheduler: {'active on ' + who.active if who.active else 'NONE ACTIVE'}, {who.standbys} standby")
    print(f"crawls queued for a worker: {queue.queued}; running on workers: {queue.started}; "
          f"delivered again after a worker died: {queue.redelivered}")
    if who.active is None:
        print("NO ACTIVE SCHEDULER: no accords serve holds the scheduler lock; crawls are not being sent")
    if not queue.waiting:
        return who.active is None
    print(f"BROKER UNREACHABLE: {queue.waiting} due crawl(s) wait to be sent, the oldest due "
          f"{_time(queue.oldest_waiting_due)} ({queue.send_attempts} attempt(s); last error: {queue.last_send_error})")
    return queue.send_attempts > 0 or who.active is None


def _time(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if value else None
