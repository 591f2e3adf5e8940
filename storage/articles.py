"""Writing and reading articles and the URLs already decided."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from storage._filters import filter_articles
from storage._upsert import insert_ignoring_conflicts
from storage.models import Article, ArticleCountry, ArticleHtml, SeenUrl, UrlOutcome, utc_now
from storage.pages import RawPage, page_row


@dataclass(frozen=True)
class ArticleRow:
    """One article ready to store; ``url_keys`` are every URL it was reached at."""

    canonical_url: str
    url: str
    title: str
    body: str
    word_count: int
    relevance_score: float
    fetched_at: datetime
    site_name: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    modified_at: datetime | None = None
    language: str | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    section: str | None = None
    image_url: str | None = None
    field_sources: dict[str, str] = field(default_factory=dict)
    matched_terms: dict[str, Any] = field(default_factory=dict)
    relevance_rule: str | None = None
    #: ISO country code → mentions
    countries: dict[str, int] = field(default_factory=dict)
    url_keys: tuple[str, ...] = ()
    #: the page as downloaded, kept when the source has ``keep_html = true``.
    page: RawPage | None = None


#: ArticleRow fields that are ``articles`` columns.
ARTICLE_COLUMNS = tuple(
    f.name for f in fields(ArticleRow) if f.name not in ("url_keys", "page", "countries")
)


@dataclass(frozen=True)
class StoreResult:
    stored: tuple[str, ...]
    duplicates: tuple[str, ...]


def store_articles(
    session: Session, source_id: int, run_id: int | None, rows: Sequence[ArticleRow]
) -> StoreResult:
    """Insert new articles (one row per canonical URL) and remember every URL they were reached at.

    A row whose canonical URL is already stored (or repeated in ``rows``) is a duplicate.
    """
    first: dict[str, ArticleRow] = {}
    url_keys: dict[str, set[str]] = {}
    for row in rows:
        first.setdefault(row.canonical_url, row)
        url_keys.setdefault(row.canonical_url, {row.canonical_url}).update(row.url_keys)
    now = utc_now()
    values = []
    for row in first.values():
        columns = {name: getattr(row, name) for name in ARTICLE_COLUMNS}
        values.append(
            {**columns, "source_id": source_id, "crawl_run_id": run_id, "first_seen_at": now}
        )
    inserted = insert_ignoring_conflicts(
        session, Article.__table__, values, ["canonical_url"], returning=["canonical_url", "id"]
    )
    stored = {canonical_url for (canonical_url, _) in inserted}
    pages = [page_row(article_id, page) for canonical, article_id in inserted
             if (page := first[canonical].page) is not None]
    insert_ignoring_conflicts(session, ArticleHtml.__table__, pages, ["article_id"])
    mentions = [{"article_id": article_id, "country_code": code, "mentions": count}
                for canonical, article_id in inserted for code, count in first[canonical].countries.items()]
    insert_ignoring_conflicts(session, ArticleCountry.__table__, mentions, ["article_id", "country_code"])
    ids = dict(
        session.execute(
            select(Article.canonical_url, Article.id).where(Article.canonical_url.in_(first))
        ).all()
    )
    seen = [
        {"url_key": key, "source_id": source_id, "article_id": ids.get(canonical),
         "outcome": UrlOutcome.STORED.value, "first_seen_at": now}
        for canonical, keys in url_keys.items()
        for key in sorted(keys)
    ]
    insert_ignoring_conflicts(session, SeenUrl.__table__, seen, ["url_key"])
    duplicates = tuple(
        row.canonical_url
        for row in rows
        if not (row.canonical_url in stored and row is first[row.canonical_url])
    )
    return StoreResult(stored=tuple(sorted(stored)), duplicates=duplicates)


def record_irrelevant(session: Session, source_id: int, url_keys: Iterable[str]) -> None:
    """Remember article URLs judged off-topic, so they are not downloaded again."""
    now = utc_now()
    rows = [
        {"url_key": key, "source_id": source_id, "outcome": UrlOutcome.IRRELEVANT.value,
         "first_seen_at": now}
        for key in dict.fromkeys(url_keys)
    ]
    insert_ignoring_conflicts(session, SeenUrl.__table__, rows, ["url_key"])


def seen_url_keys(session: Session, source_id: int) -> set[str]:
    """URL keys a crawl of this source need not download again."""
    return set(session.scalars(select(SeenUrl.url_key).where(SeenUrl.source_id == source_id)))


def recent_articles(session: Session, limit: int) -> list[Article]:
    statement = (
        select(Article)
        .options(joinedload(Article.source), selectinload(Article.countries))
        .order_by(Article.first_seen_at.desc(), Article.id.desc())
        .limit(limit)
    )
    return list(session.scalars(statement))


def iter_articles(session: Session, since: datetime | None = None) -> Iterator[Article]:
    """All articles, in storage order, streamed in chunks.

    ``since`` keeps articles published at or after it (undated ones: first seen at or after it).
    """
    statement = select(Article).options(joinedload(Article.source), selectinload(Article.countries))
    statement = filter_articles(statement.order_by(Article.id), None, since)
    yield from session.scalars(statement.execution_options(yield_per=500))


def article_ids(session: Session, source: str | None = None, since: datetime | None = None) -> list[int]:
    """Ids of stored articles, optionally of one source and published (else first seen) since a time."""
    return list(session.scalars(filter_articles(select(Article.id), source, since).order_by(Article.id)))


def articles_by_ids(session: Session, ids: Sequence[int]) -> list[Article]:
    statement = (select(Article).options(joinedload(Article.source), selectinload(Article.countries))
                 .where(Article.id.in_(ids)).order_by(Article.id))
    return list(session.scalars(statement))


def update_article(article: Article, values: dict[str, Any], countries: dict[str, int]) -> list[str]:
    """Set changed ``values`` and country mentions on a stored article; returns what changed."""
    changed = [name for name, value in values.items() if getattr(article, name) != value]
    for name in changed:
        setattr(article, name, values[name])
    if {c.country_code: c.mentions for c in article.countries} != countries:
        article.countries = [ArticleCountry(country_code=code, mentions=count)
                             for code, count in countries.items()]
        changed.append("countries")
    return changed
