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
