"""Per-source summaries: last run and article count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Article, CrawlRun, RunStatus, Source


@dataclass(frozen=True)
class SourceSummary:
    name: str
    article_count: int
    last_run_at: datetime | None
    last_status: RunStatus | None


def source_summaries(session: Session) -> dict[str, SourceSummary]:
    """Every source in the database, by name."""
    counts = dict(
        session.execute(
            select(Source.name, func.count(Article.id))
            .join(Article, Article.source_id == Source.id, isouter=True)
            .group_by(Source.name)
        ).all()
    )
    latest = (
        select(CrawlRun.source_id, func.max(CrawlRun.id).label("run_id"))
        .group_by(CrawlRun.source_id)
        .subquery()
    )
    last_runs = {
        name: (started_at, status)
        for name, started_at, status in session.execute(
            select(Source.name, CrawlRun.started_at, CrawlRun.status)
            .join(latest, latest.c.source_id == Source.id)
            .join(CrawlRun, CrawlRun.id == latest.c.run_id)
        ).all()
    }
    return {
        name: SourceSummary(name, count, *last_runs.get(name, (None, None)))
        for name, count in counts.items()
    }
