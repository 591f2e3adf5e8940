"""The tables, as SQLAlchemy 2 typed ORM models.

Every schema change goes through an Alembic migration in ``storage/migrations``.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Annotated, Any

from sqlalchemy import BigInteger, Enum, ForeignKey, Index, LargeBinary, MetaData, String, Text, UniqueConstraint, true
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage._types import PortableJSON, UTCDateTime

#: Stable constraint names, so migrations can refer to them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MAX_URL_LENGTH = 2048


def utc_now() -> datetime:
    return datetime.now(UTC)


intpk = Annotated[int, mapped_column(primary_key=True)]
utc_timestamp = Annotated[datetime, mapped_column(UTCDateTime())]
url = Annotated[str, mapped_column(String(MAX_URL_LENGTH))]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: PortableJSON, list[str]: PortableJSON}


class RunStatus(enum.StrEnum):
    """What became of one crawl of one source."""

    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"
    TIMEOUT = "timeout"
    ABANDONED = "abandoned"


class DispatchState(enum.StrEnum):
    """Where a crawl sent to the workers (``[distributed]``) is."""

    WAITING = "waiting"  # due, not yet taken by the broker (the broker is down)
    QUEUED = "queued"  # in the broker's queue
    STARTED = "started"  # a worker runs it
    DONE = "done"
    SKIPPED = "skipped"  # another worker was crawling the source at the time
    FAILED = "failed"  # the worker could not run the crawl (the error is in ``last_error``)


class FrontierState(enum.StrEnum):
    """Where a discovered article URL is (the ``frontier`` table)."""

    NEW = "new"  # discovered, not fetched yet
    FETCHED = "fetched"  # fetched (stored, or judged not an article or off-topic)
    FAILED = "failed"  # the last attempt failed; tried again at ``next_attempt_at``
    SKIPPED = "skipped"  # given up: a block page, unresolvable, or too many failed attempts


class UrlOutcome(enum.StrEnum):
    """Why an article URL need not be downloaded again."""

    STORED = "stored"
    IRRELEVANT = "irrelevant"


def _string_enum(enum_class: type[enum.Enum]) -> Enum:
    """Stored as its values in a VARCHAR, so adding a value needs no database type change."""
    return Enum(enum_class, native_enum=False, length=16,
                values_callable=lambda members: [member.value for member in members])


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(100), unique=True)
    language: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[utc_timestamp] = mapped_column(default=utc_now)

    runs: Mapped[list[CrawlRun]] = relationship(back_populates="source")


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[intpk]
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    canonical_url: Mapped[url] = mapped_column(unique=True)
    url: Mapped[url]
    site_name: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    authors: Mapped[list[str]] = mapped_column(default=list)
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    modified_at: Mapped[datetime | None]
    language: Mapped[str | None] = mapped_column(String(16))
    description: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    word_count: Mapped[int]
    tags: Mapped[list[str]] = mapped_column(default=list)
    section: Mapped[str | None] = mapped_column(String(200))
    image_url: Mapped[str | None] = mapped_column(String(MAX_URL_LENGTH))
    #: field name → where its value came from (jsonld, opengraph, trafilatura…), for audits.
    field_sources: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    relevance_score: Mapped[float]
    #: false once ``accords rescore`` finds the article no longer matches the topic (it is kept).
    relevant: Mapped[bool] = mapped_column(default=True, server_default=true())
    relevance_rule: Mapped[str | None] = mapped_column(String(200))
    matched_terms: Mapped[dict[str, Any]] = mapped_column(default=dict)
    first_seen_at: Mapped[utc_timestamp] = mapped_column(default=utc_now, index=True)
    fetched_at: Mapped[utc_timestamp]
    #: SHA-256 of the folded body; equal hashes are exact duplicates.
    content_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id"), index=True)
    #: the article this one copies (exactly or nearly), if any.
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"), index=True)

    source: Mapped[Source] = relationship()
    duplicate_of: Mapped[Article | None] = relationship(remote_side="Article.id")
    countries: Mapped[list[ArticleCountry]] = relationship(
        order_by="(ArticleCountry.mentions.desc(), ArticleCountry.country_code)",
        cascade="all, delete-orphan",
    )


class Story(Base):
    """Articles that are copies of one another; the origin is the earliest published."""

    __tablename__ = "stories"

    id: Mapped[intpk]
    #: articles.id of the earliest-published article (no FK: the two tables point at each other)
    origin_article_id: Mapped[int] = mapped_column(index=True)
    created_at: Mapped[utc_timestamp] = mapped_column(default=utc_now)


class ArticleBand(Base):
    """MinHash LSH band keys: articles sharing a key are near-duplicate candidates.

    On PostgreSQL the foreign key is not in the database (migration 0011: its check per inserted row was
    43% of inserting them); a trigger on ``articles`` deletes a deleted article's band keys instead.
    """

    __tablename__ = "article_bands"

    band_key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True,
                                            index=True)


class ArticleVersion(Base):
    """An article's text as fetched at one time; a new row whenever a re-visit finds it changed."""

    __tablename__ = "article_versions"

    id: Mapped[intpk]
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    fetched_at: Mapped[utc_timestamp]
    #: the fields that differ from the previous version (empty for the first)
    changed_fields: Mapped[list[str]] = mapped_column(default=list)
    body_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    modified_at: Mapped[datetime | None]

    __table_args__ = (UniqueConstraint("article_id", "version"),)


class ArticleCountry(Base):
    """A country an article mentions (gazetteer match), with how many times."""

    __tablename__ = "article_countries"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    country_code: Mapped[str] = mapped_column(String(2), primary_key=True, index=True)
    mentions: Mapped[int]


class ArticleHtml(Base):
    """The page an article was extracted from, zlib-compressed, for ``accords reprocess``."""

    __tablename__ = "article_html"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    url: Mapped[url]
    encoding: Mapped[str] = mapped_column(String(40))
    headers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    fetched_at: Mapped[utc_timestamp]


class SeenUrl(Base):
    """Every article URL already decided (stored or judged irrelevant): not downloaded again."""

    __tablename__ = "seen_urls"

    id: Mapped[intpk]
    url_key: Mapped[url] = mapped_column(unique=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"))
    outcome: Mapped[UrlOutcome] = mapped_column(_string_enum(UrlOutcome))
    first_seen_at: Mapped[utc_timestamp] = mapped_column(default=utc_now)

    __table_args__ = (Index("ix_seen_urls_source_id", "source_id"),)


class CrawlRun(Base):
    __tablename__ = "crawl_runs"

    id: Mapped[intpk]
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    started_at: Mapped[utc_timestamp] = mapped_column(default=utc_now)
    finished_at: Mapped[datetime | None]
    status: Mapped[RunStatus] = mapped_column(_string_enum(RunStatus), default=RunStatus.RUNNING)
    pages_fetched: Mapped[int] = mapped_column(default=0)
    articles_stored: Mapped[int] = mapped_column(default=0)
    duplicates_skipped: Mapped[int] = mapped_column(default=0)
    errors: Mapped[int] = mapped_column(default=0)
    error_text: Mapped[str | None] = mapped_column(Text)
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: the machine and process running the crawl (``running`` runs whose process is gone are abandoned)
    host: Mapped[str | None] = mapped_column(String(255))
    pid: Mapped[int | None]

    source: Mapped[Source] = relationship(back_populates="runs")

    __table_args__ = (Index("ix_crawl_runs_source_id_started_at", "source_id", "started_at"),)


class CrawlDispatch(Base):
    """One due crawl the active scheduler hands to the workers through the broker (``[distributed]``).

    The row is written before the task is sent, so a crawl the broker did not take is sent again
    later (by this scheduler or the standby that takes over), and a task delivered again after its
    worker died finds the run that worker left.
    """

    __tablename__ = "crawl_dispatches"

    id: Mapped[intpk]
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    state: Mapped[DispatchState] = mapped_column(_string_enum(DispatchState), default=DispatchState.WAITING)
    due_at: Mapped[utc_timestamp] = mapped_column(default=utc_now)
    sent_at: Mapped[datetime | None]
    send_attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    #: how many times a worker took the task (more than 1: its first worker died)
    deliveries: Mapped[int] = mapped_column(default=0)
    worker: Mapped[str | None] = mapped_column(String(255))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))

    __table_args__ = (Index("ix_crawl_dispatches_state_due_at", "state", "due_at"),)


class FrontierUrl(Base):
    """Every article URL a source's crawls discovered, and what became of it.

    A crawl records what its feeds, sitemaps, services and pages list before fetching any of it,
    then takes the due URLs from here: an interrupted crawl resumes where it stopped, and a URL
    that fails is tried again later with exponential back-off, a bounded number of times.
    """

    __tablename__ = "frontier"

    id: Mapped[intpk]
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    url: Mapped[url]
    url_key: Mapped[str] = mapped_column(String(MAX_URL_LENGTH))
    #: how it was found: feed, sitemap, link, gdelt, google_news
    found_via: Mapped[str] = mapped_column(String(16))
    first_seen_at: Mapped[utc_timestamp] = mapped_column(default=utc_now)
    state: Mapped[FrontierState] = mapped_column(_string_enum(FrontierState), default=FrontierState.NEW)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[utc_timestamp] = mapped_column(default=utc_now)

    __table_args__ = (
        UniqueConstraint("source_id", "url_key"),
        Index("ix_frontier_source_id_state", "source_id", "state"),
    )


class HttpValidator(Base):
    """The ``ETag`` and ``Last-Modified`` of a source's feed or sitemap, sent back as
    ``If-None-Match``/``If-Modified-Since`` so an unchanged one answers 304 and costs no parsing."""

    __tablename__ = "http_validators"

    id: Mapped[intpk]
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    url: Mapped[url]
    etag: Mapped[str | None] = mapped_column(String(1024))
    last_modified: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[utc_timestamp] = mapped_column(default=utc_now)

    __table_args__ = (UniqueConstraint("source_id", "url"),)
