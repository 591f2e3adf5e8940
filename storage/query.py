"""Read-only queries with typed results: what the CLI and the report use, and what a notebook can use.

    from storage.query import read_session, articles, daily_counts, search, top_stories

    with read_session("sqlite:///data/accords.db") as session:
        rows = list(articles(session, since=datetime(2026, 11, 1, tzinfo=UTC), country="AE"))
        per_day = daily_counts(session, by="language")
        hits = search(session, '"Abraham Accords" water')

``articles`` and ``stories`` yield the export's records (the field names of the
README's export tables), so ``pandas.DataFrame(articles(session))`` works as is.
Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import text
from sqlalchemy.orm import Session

from storage.articles import iter_articles, iter_articles_by_story
from storage.export import export_record, story_records
from storage.search import SearchFilters, SearchHit
from storage.search import search as _search
from storage.session import database

__all__ = ["DailyCount", "SearchFilters", "SearchHit", "StoryOverview", "articles", "daily_counts",
           "read_session", "search", "stories", "top_stories"]

_DAILY_VIEWS = {"source": ("daily_source_counts", "source"), "language": ("daily_language_counts", "language"),
                "country": ("daily_country_counts", "country_code")}


@dataclass(frozen=True)
class DailyCount:
    day: date
    key: str
    articles: int


@dataclass(frozen=True)
class StoryOverview:
    story_id: int
    title: str
    origin_url: str
    published_at: datetime | None
    articles: int
    copies: int
    outlet_count: int
    outlets: list[str]


@contextmanager
def read_session(url: str) -> Iterator[Session]:
    """A session on the database at ``url`` (the project's engine for it), closed afterwards."""
    with database(url).Session() as session:
        yield session


def articles(session: Session, since: datetime | None = None, until: datetime | None = None,
             source: str | None = None, country: str | None = None) -> Iterator[dict[str, Any]]:
    """Export records of the stored articles, oldest first, streamed."""
    return map(export_record, iter_articles(session, since=since, until=until, source=source, country=country))


def stories(session: Session, since: datetime | None = None, until: datetime | None = None,
            source: str | None = None, country: str | None = None) -> Iterator[dict[str, Any]]:
    """Story-level export records, streamed."""
    return story_records(iter_articles_by_story(session, since=since, until=until, source=source, country=country))


def search(session: Session, query: str, filters: SearchFilters = SearchFilters()) -> list[SearchHit]:
    return _search(session, query, filters)


def daily_counts(session: Session, by: Literal["source", "language", "country"],
                 since: date | None = None) -> list[DailyCount]:
    """Relevant articles per day and source, language or country (the ``daily_*_counts`` views)."""
    view, key = _DAILY_VIEWS[by]
    rows = session.execute(text(f"SELECT day, {key}, articles FROM {view} ORDER BY day, {key}")).all()
    counts = [DailyCount(_day(day), str(name), int(count)) for day, name, count in rows]
    return [c for c in counts if since is None or c.day >= since]


def top_stories(session: Session, limit: int = 10, since: datetime | None = None) -> list[StoryOverview]:
    """Stories carried by the most outlets (the ``story_overview`` view)."""
    rows = session.execute(text(
        "SELECT story_id, title, origin_url, published_at, articles, copies, outlet_count, outlets "
        "FROM story_overview ORDER BY outlet_count DESC, articles DESC, story_id DESC"
    )).all()
    found = []
    for story_id, title, url, published, count, copies, outlet_count, outlets in rows:
        published_at = _time(published)
        if since is not None and (published_at is None or published_at < since):
            continue
        found.append(StoryOverview(int(story_id), str(title), str(url), published_at, int(count), int(copies),
                                   int(outlet_count), sorted(o.strip() for o in str(outlets).split(","))))
        if len(found) >= limit:
            break
    return found


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _time(value: Any) -> datetime | None:
    from datetime import UTC

    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
