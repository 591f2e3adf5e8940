"""Per-source health figures: recent runs, last success, articles in recent windows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Article, CrawlRun, RunStatus, Source, utc_now


@dataclass(frozen=True)
class RunBrief:
    status: RunStatus
    started_at: datetime
    #: article pages seen for the first time (stored or judged off-topic)
    new_articles: int
    #: pages parsed, and of those the bot challenges, consent walls and paywall stubs
    pages_parsed: int = 0
    blocked: int = 0


@dataclass(frozen=True)
class SourceHealth:
    name: str
    recent_runs: tuple[RunBrief, ...]  # newest first
    last_success_at: datetime | None
    articles_24h: int
    articles_7d: int
    runs_by_status: dict[str, int]
    articles_total: int
    pages_total: int


def _brief(run: CrawlRun) -> RunBrief:
    stats = run.stats or {}
    return RunBrief(run.status, run.started_at, run.articles_stored + int(stats.get("accords/irrelevant", 0)),
                    int(stats.get("accords/pages_parsed", 0)), int(stats.get("accords/blocked", 0)))


def source_health(session: Session, name: str, recent: int) -> SourceHealth:
    source_id = session.scalar(select(Source.id).where(Source.name == name))
    if source_id is None:
        return SourceHealth(name, (), None, 0, 0, {}, 0, 0)
    runs = session.scalars(
        select(CrawlRun).where(CrawlRun.source_id == source_id, CrawlRun.status != RunStatus.RUNNING)
        .order_by(CrawlRun.id.desc()).limit(recent)
    ).all()
    briefs = tuple(_brief(run) for run in runs)
    last_success = session.scalar(
        select(func.max(CrawlRun.finished_at)).where(CrawlRun.source_id == source_id,
                                                     CrawlRun.status == RunStatus.OK)
    )
    now = utc_now()
    by_status = dict(session.execute(
        select(CrawlRun.status, func.count()).where(CrawlRun.source_id == source_id).group_by(CrawlRun.status)
    ).all())
    totals = session.execute(
        select(func.coalesce(func.sum(CrawlRun.articles_stored), 0), func.coalesce(func.sum(CrawlRun.pages_fetched), 0))
        .where(CrawlRun.source_id == source_id)
    ).one()
    return SourceHealth(
        name=name,
        recent_runs=briefs,
        last_success_at=last_success,
        articles_24h=_articles_since(session, source_id, now - timedelta(hours=24)),
        articles_7d=_articles_since(session, source_id, now - timedelta(days=7)),
        runs_by_status={status.value: count for status, count in by_status.items()},
        articles_total=int(totals[0]),
        pages_total=int(totals[1]),
    )


def _articles_since(session: Session, source_id: int, since: datetime) -> int:
    return int(session.scalar(
        select(func.count()).select_from(Article).where(Article.source_id == source_id, Article.first_seen_at >= since)
    ) or 0)

