"""Crawl runs: one row per crawl of one source, with its counts and errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import CrawlRun, RunStatus, Source, utc_now


@dataclass(frozen=True)
class RunCounts:
    pages_fetched: int = 0
    articles_stored: int = 0
    duplicates_skipped: int = 0
    errors: int = 0


def ensure_source(session: Session, name: str, language: str | None) -> int:
    """The id of the source called ``name``, created on first use."""
    source = session.scalar(select(Source).where(Source.name == name))
    if source is None:
        source = Source(name=name, language=language)
        session.add(source)
        session.flush()
    elif source.language != language:
        source.language = language
    return source.id


def start_run(session: Session, source_id: int) -> int:
    run = CrawlRun(source_id=source_id, status=RunStatus.RUNNING, started_at=utc_now())
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


def mark_abandoned(session: Session) -> list[tuple[int, str]]:
    """Runs left ``running`` by a service that was killed: mark them ``abandoned``."""
    runs = session.execute(
        select(CrawlRun, Source.name).join(Source).where(CrawlRun.status == RunStatus.RUNNING)
    ).all()
    for run, _ in runs:
        run.status = RunStatus.ABANDONED
        run.finished_at = utc_now()
        run.error_text = "\n".join(filter(None, ["left running by a service that stopped", run.error_text]))
    return [(run.id, name) for run, name in runs]


def run_summary(session: Session, run_id: int) -> tuple[RunStatus, RunCounts, str | None]:
    run = session.get_one(CrawlRun, run_id)
    counts = RunCounts(run.pages_fetched, run.articles_stored, run.duplicates_skipped, run.errors)
    return run.status, counts, run.error_text
