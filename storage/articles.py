"""Writing and reading articles and the URLs already decided."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from storage._filters import filter_articles
from storage._locks import lock_story_filing
from storage._membership import one_of
from storage._upsert import insert_ignoring_conflicts, insert_new_rows
from storage.models import Article, ArticleCountry, ArticleHtml, SeenUrl, UrlOutcome, utc_now
from storage.pages import RawPage, page_row
from storage.stories import (
    CopyFinder,
    DuplicateCheck,
    Match,
    discard_stories,
    join_story,
    make_stories,
    record_version,
    start_stories,
    store_bands,
    store_many_bands,
)


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
    content_hash: str | None = None
    #: MinHash LSH band keys of the body (crawler/fingerprint.py)
    band_keys: tuple[int, ...] = ()
    url_keys: tuple[str, ...] = ()
    #: the page as downloaded, kept when the source has ``keep_html = true``.
    page: RawPage | None = None


#: URL keys per ``seen_among`` query (under SQLite's and PostgreSQL's limits on bound parameters)
SEEN_CHUNK = 1000
#: what reading an article for display or export loads with it
ARTICLE_LOADS = (joinedload(Article.source), selectinload(Article.countries), joinedload(Article.duplicate_of))

#: ArticleRow fields that are ``articles`` columns.
ARTICLE_COLUMNS = tuple(
    f.name for f in fields(ArticleRow) if f.name not in ("url_keys", "page", "countries", "band_keys")
)
#: columns a re-fetch updates when the article changed (its identity, story and first sighting stay)
REFRESHED_COLUMNS = tuple(c for c in ARTICLE_COLUMNS if c not in ("canonical_url",))


@dataclass(frozen=True)
class StoreResult:
    stored: tuple[str, ...]
    #: rows whose canonical URL was already stored (or repeated in the batch) and unchanged
    duplicates: tuple[str, ...]
    #: stored articles that copy another (exactly or nearly): they joined its story
    copies: tuple[str, ...] = ()
    #: already stored articles whose title or body changed: a new version was saved
    updated: tuple[str, ...] = ()


def store_articles(
    session: Session, source_id: int, run_id: int | None, rows: Sequence[ArticleRow],
    check: DuplicateCheck | None = None,
) -> StoreResult:
    """Store new articles (one row per canonical URL) in their stories, save new versions of changed
    ones, and remember every URL they were reached at.

    Call it first in its transaction: it takes the story-filing lock (storage/_locks.py).
    """
    lock_story_filing(session, source_id)
    first: dict[str, ArticleRow] = {}
    url_keys: dict[str, set[str]] = {}
    for row in rows:
        first.setdefault(row.canonical_url, row)
        url_keys.setdefault(row.canonical_url, {row.canonical_url}).update(row.url_keys)
    existing = {a.canonical_url: a
                for a in session.scalars(select(Article).where(one_of(session, Article.canonical_url, list(first))))}
    now = utc_now()
    stored: list[str] = []
    copies: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    for canonical, article in existing.items():  # first, so that the new ones meet their latest text
        (updated if _refresh(session, article, first[canonical]) else unchanged).append(canonical)
    new = [row for canonical, row in first.items() if canonical not in existing]
    finder = CopyFinder(session, new, check)
    inserted, own_story = _insert_new(session, source_id, run_id, new, now)
    unchanged += [row.canonical_url for row in new if row.canonical_url not in inserted]  # stored meanwhile elsewhere
    new = [row for row in new if row.canonical_url in inserted]
    matches: list[Match | None] = []
    for row in new:  # each meets the stored articles and the batch's earlier ones
        matches.append(finder.find(row))
        finder.add(row, inserted[row.canonical_url])
    story_of = own_story | start_stories(session, [
        inserted[row.canonical_url] for row, match in zip(new, matches, strict=True)
        if match is None and inserted[row.canonical_url] not in own_story])
    unused_stories: list[int] = []  # those made for articles that turned out to be copies
    for row, match in zip(new, matches, strict=True):
        if match is not None:
            article_id = inserted[row.canonical_url]
            story_id = match.story_id if match.story_id is not None else story_of[match.article_id]
            join_story(session, session.get_one(Article, article_id), story_id)
            story_of[article_id] = story_id
            if article_id in own_story:
                unused_stories.append(own_story[article_id])
        (copies if match else stored).append(row.canonical_url)
    session.flush()  # the copies' new story_id, before their unused stories go
    discard_stories(session, unused_stories)
    bands = [(inserted[row.canonical_url], row.band_keys) for row in new]
    extras = [(inserted[row.canonical_url], row) for row in new]
    store_many_bands(session, bands)
    _store_extras(session, extras)
    ids = dict(session.execute(select(Article.canonical_url, Article.id)
                              .where(one_of(session, Article.canonical_url, list(first)))).all())
    seen = [
        {"url_key": key, "source_id": source_id, "article_id": ids.get(canonical),
         "outcome": UrlOutcome.STORED.value, "first_seen_at": now}
        for canonical, keys in url_keys.items()
        for key in sorted(keys)
    ]
    insert_ignoring_conflicts(session, SeenUrl.__table__, seen, ["url_key"])
    repeated = [row.canonical_url for row in rows if row is not first[row.canonical_url]]
    return StoreResult(stored=tuple(sorted(stored + copies)), duplicates=tuple(unchanged + repeated),
                       copies=tuple(copies), updated=tuple(updated))


def _insert_new(session: Session, source_id: int, run_id: int | None, rows: Sequence[ArticleRow],
                now: datetime) -> tuple[dict[str, int], dict[int, int]]:
    """Insert new articles in one statement: canonical URL → id of each one inserted, and article id → the
    story made for it (PostgreSQL; empty on SQLite). A row whose canonical URL another process stored
    meanwhile is skipped.

    On PostgreSQL each article is inserted already in a story of its own, made just before it for the id
    the articles' sequence gives it: updating the new rows' ``story_id`` afterwards cost a quarter of the
    server's time to insert them (every index of ``articles``, the full-text one included, takes a second
    entry for an updated row). An article that turns out to copy another joins that one's story and its
    own is discarded. On SQLite the update is cheap, and ``start_stories`` files the articles afterwards.
    """
    values = [{**{name: getattr(row, name) for name in ARTICLE_COLUMNS},
               "source_id": source_id, "crawl_run_id": run_id, "first_seen_at": now} for row in rows]
    if not values or session.get_bind().dialect.name != "postgresql":
        return dict(insert_ignoring_conflicts(session, Article.__table__, values, ["canonical_url"],
                                              returning=["canonical_url", "id"])), {}
    ids = session.scalars(select(func.nextval(func.pg_get_serial_sequence("articles", "id")))
                          .select_from(func.generate_series(1, len(values)))).all()
    own_story = make_stories(session, ids)
    for value, article_id in zip(values, ids, strict=True):
        value.update(id=article_id, story_id=own_story[article_id])
    inserted = dict(insert_ignoring_conflicts(session, Article.__table__, values, ["canonical_url"],
                                              returning=["canonical_url", "id"]))
    stored = set(inserted.values())
    discard_stories(session, [own_story.pop(article_id) for article_id in ids if article_id not in stored])
    return inserted, own_story


def _refresh(session: Session, article: Article, row: ArticleRow) -> bool:
    """A stored article fetched again: keep a version and show the latest text if it changed."""
    changed = record_version(session, article, row.title, row.body, row.content_hash or "", row.fetched_at,
                             row.modified_at)
    if not changed:
        return False
    for name in REFRESHED_COLUMNS:
        setattr(article, name, getattr(row, name))
    store_bands(session, article.id, row.band_keys, replace=True)
    return True


def _store_extras(session: Session, articles: Sequence[tuple[int, ArticleRow]]) -> None:
    """The kept pages and the country mentions of the articles just inserted, one statement each."""
    pages = [page_row(article_id, row.page) for article_id, row in articles if row.page is not None]
    insert_new_rows(session, ArticleHtml.__table__, pages, ["article_id"])
    mentions = [{"article_id": article_id, "country_code": code, "mentions": count}
                for article_id, row in articles for code, count in row.countries.items()]
    insert_new_rows(session, ArticleCountry.__table__, mentions, ["article_id", "country_code"])


def record_irrelevant(session: Session, source_id: int, url_keys: Iterable[str]) -> None:
    """Remember article URLs judged off-topic, so they are not downloaded again."""
    now = utc_now()
    rows = [
        {"url_key": key, "source_id": source_id, "outcome": UrlOutcome.IRRELEVANT.value,
         "first_seen_at": now}
        for key in dict.fromkeys(url_keys)
    ]
    insert_ignoring_conflicts(session, SeenUrl.__table__, rows, ["url_key"])


def seen_url_keys(session: Session, source_id: int, revisit_since: datetime | None = None) -> set[str]:
    """Every URL key a crawl of this source need not download again (the crawl asks ``seen_among``).

    With ``revisit_since``, the URLs of articles published (undated: first seen) since then are left
    out, so they are fetched again and their changes kept as versions.
    """
    keys = set(session.scalars(select(SeenUrl.url_key).where(SeenUrl.source_id == source_id)))
    if revisit_since is not None:
        recent = select(SeenUrl.url_key).join(Article, Article.id == SeenUrl.article_id).where(
            SeenUrl.source_id == source_id,
            func.coalesce(Article.published_at, Article.first_seen_at) >= revisit_since,
        )
        keys -= set(session.scalars(recent))
    return keys


def seen_among(session: Session, source_id: int, url_keys: Iterable[str],
               revisit_since: datetime | None = None) -> set[str]:
    """Which of ``url_keys`` a crawl of this source need not download again (``seen_url_keys``, for these
    keys only: one indexed lookup per ``SEEN_CHUNK`` keys, whatever the size of the store)."""
    keys = sorted(set(url_keys))
    seen: set[str] = set()
    for start in range(0, len(keys), SEEN_CHUNK):
        # By the unique url_key alone, the source compared here: with ``source_id = ?`` in the query, SQLite
        # (no statistics) walks the source's index instead, every URL of the source (1M: 4 ms per key).
        statement = select(SeenUrl.url_key, SeenUrl.source_id).where(
            one_of(session, SeenUrl.url_key, keys[start : start + SEEN_CHUNK]))
        if revisit_since is not None:  # an article dated in the window is fetched again
            dated = func.coalesce(Article.published_at, Article.first_seen_at)
            statement = statement.outerjoin(Article, Article.id == SeenUrl.article_id).where(
                or_(dated.is_(None), dated < revisit_since))
        seen.update(key for key, source in session.execute(statement) if source == source_id)
    return seen


def recent_articles(session: Session, limit: int) -> list[Article]:
    statement = (
        select(Article)
        .options(*ARTICLE_LOADS)
        .order_by(Article.first_seen_at.desc(), Article.id.desc())
        .limit(limit)
    )
    return list(session.scalars(statement))


def iter_articles(session: Session, since: datetime | None = None, until: datetime | None = None,
                  source: str | None = None, country: str | None = None) -> Iterator[Article]:
    """All articles, in storage order, streamed in chunks.

    ``since`` keeps articles published at or after it (undated ones: first seen at or after it).
    """
    statement = select(Article).options(*ARTICLE_LOADS)
    statement = filter_articles(statement.order_by(Article.id), source, since, until, country)
    yield from session.scalars(statement.execution_options(yield_per=500))


def article_ids(session: Session, source: str | None = None, since: datetime | None = None) -> list[int]:
    """Ids of stored articles, optionally of one source and published (else first seen) since a time."""
    return list(session.scalars(filter_articles(select(Article.id), source, since).order_by(Article.id)))


def articles_by_ids(session: Session, ids: Sequence[int]) -> list[Article]:
    statement = (select(Article).options(*ARTICLE_LOADS)
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


def iter_articles_by_story(session: Session, since: datetime | None = None, until: datetime | None = None,
                           source: str | None = None, country: str | None = None) -> Iterator[Article]:
    """Articles grouped by story (stories in order of creation), streamed in chunks."""
    statement = select(Article).options(*ARTICLE_LOADS).where(Article.story_id.is_not(None))
    statement = filter_articles(statement.order_by(Article.story_id, Article.id), source, since, until, country)
    yield from session.scalars(statement.execution_options(yield_per=500))


def find_article(session: Session, canonical: str, url: str) -> Article | None:
    """The stored article for a URL, by its canonical form, its fetched URL or any URL it was reached at."""
    article = session.scalar(select(Article).where(Article.canonical_url.in_([canonical, url])))
    if article is not None:
        return article
    article_id = session.scalar(select(SeenUrl.article_id).where(SeenUrl.url_key.in_([canonical, url])))
    return session.get(Article, article_id) if article_id is not None else None
