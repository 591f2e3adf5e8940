"""Crawl runs: one row per crawl of one source, with its counts and errors."""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from storage._upsert import insert_ignoring_conflicts
from storage.models import CrawlRun, RunStatus, Source, utc_now
from storage.processes import process_alive

#: the statuses of a run that ended on its own and wrote its counts
_FINISHED = (RunStatus.OK, RunStatus.FAILED)


@dataclass(frozen=True)
class RunCounts:
    pages_fetched: int = 0
    articles_stored: int = 0
    duplicates_skipped: int = 0
    errors: int = 0


def ensure_source(session: Session, name: str, language: str | None) -> int:
    """The id of the source called ``name``, created on first use (two crawls may create it at once)."""
    source = session.scalar(select(Source).where(Source.name == name))
    if source is None:
        insert_ignoring_conflicts(session, Source.__table__, [{"name": name, "language": language,
                                                               "created_at": utc_now()}], ["name"])
        source = session.scalars(select(Source).where(Source.name == name)).one()
    if source.language != language:
        source.language = language
    return source.id


def start_run(session: Session, source_id: int) -> int:
    """A new ``running`` run of the source, recorded as this process's."""
    host, pid = this_process()
    run = CrawlRun(source_id=source_id, status=RunStatus.RUNNING, started_at=utc_now(), host=host, pid=pid)
    session.add(run)
    session.flush()
    return run.id


def finish_run(
    session: Session,
    run_id: int,
    status: RunStatus,
    counts: RunCounts,
    stats: dict[str, Any],
    error_text: str | None = None,
) -> None:
    run = session.get_one(CrawlRun, run_id)
    run.status = status
    run.finished_at = utc_now()
    run.pages_fetched = counts.pages_fetched
    run.articles_stored = counts.articles_stored
    run.duplicates_skipped = counts.duplicates_skipped
    run.errors = counts.errors
    run.stats = stats
    run.error_text = error_text


def get_run(session: Session, run_id: int, source_id: int) -> int:
    """A run the service created for this source (``accords crawl --run-id``)."""
    run = session.get(CrawlRun, run_id)
    if run is None or run.source_id != source_id or run.status is not RunStatus.RUNNING:
        raise ValueError(f"crawl run {run_id} is not a running run of this source")
    run.host, run.pid = this_process()  # the crawl process takes it over from the service
    return run.id


def close_if_running(session: Session, run_id: int, status: RunStatus, error_text: str) -> bool:
    """Give a run still marked ``running`` its final status (the crawl process died or was stopped)."""
    run = session.get_one(CrawlRun, run_id)
    if run.status is not RunStatus.RUNNING:
        return False
    run.status = status
    run.finished_at = utc_now()
    run.error_text = "\n".join(filter(None, [error_text, run.error_text]))
    return True


def force_status(session: Session, run_id: int, status: RunStatus, error_text: str) -> None:
    """Overwrite a run's status (a crawl stopped by the service is abandoned, whatever it wrote)."""
    run = session.get_one(CrawlRun, run_id)
    run.status = status
    run.finished_at = run.finished_at or utc_now()
    run.error_text = "\n".join(filter(None, [error_text, run.error_text]))


def mark_abandoned(session: Session, source_id: int | None = None) -> list[tuple[int, str]]:
    """Runs left ``running`` by a crawl process that is gone (killed, crashed, its machine rebooted):
    mark them ``abandoned``. Runs of this machine whose process still lives are left alone; so are
    other machines' runs, whose processes cannot be checked from here.
    """
    host, _ = this_process()
    query = (select(CrawlRun, Source.name).join(Source)
             .where(CrawlRun.status == RunStatus.RUNNING, or_(CrawlRun.host == host, CrawlRun.host.is_(None))))
    if source_id is not None:
        query = query.where(CrawlRun.source_id == source_id)
    abandoned = []
    for run, name in session.execute(query).all():
        if run.pid is not None and process_alive(run.pid):
            continue
        run.status = RunStatus.ABANDONED
        run.finished_at = utc_now()
        gone = f"its crawl process ({run.pid} on {run.host}) is gone" if run.pid else "its crawl process is gone"
        run.error_text = "\n".join(filter(None, [f"left running: {gone}", run.error_text]))
        abandoned.append((run.id, name))
    return abandoned


def last_pages_parsed(session: Session, names: Sequence[str]) -> dict[str, int]:
    """Pages the last run of each source in ``names`` that ended on its own (``ok`` or ``failed``: a
    ``timeout`` or ``abandoned`` run's process was killed before it wrote its counts) handed to extraction
    (its ``accords/pages_parsed`` stat; its pages fetched, feeds and sitemaps included, when the stat is
    missing). A source missing from the answer has no such run (a new source: its first crawl reads its
    sitemaps whole)."""
    finished = (select(func.max(CrawlRun.id)).join(Source)
                .where(Source.name.in_(names), CrawlRun.status.in_(_FINISHED))
                .group_by(CrawlRun.source_id))
    rows = session.execute(select(Source.name, CrawlRun.stats, CrawlRun.pages_fetched).join(CrawlRun)
                           .where(CrawlRun.id.in_(finished)))
    return {name: int(stats.get("accords/pages_parsed", fetched)) for name, stats, fetched in rows}


def this_process() -> tuple[str, int]:
    return socket.gethostname()[:255], os.getpid()


def run_summary(session: Session, run_id: int) -> tuple[RunStatus, RunCounts, str | None]:
    run = session.get_one(CrawlRun, run_id)
    counts = RunCounts(run.pages_fetched, run.articles_stored, run.duplicates_skipped, run.errors)
    return run.status, counts, run.error_text
