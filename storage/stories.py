"""Stories, duplicates and versions: how a new article joins the stored ones.

- An article whose ``content_hash`` equals a stored one is an exact copy of it.
- Otherwise the stored articles sharing one of its MinHash band keys are its
  near-duplicate candidates (at most ``MAX_CANDIDATES``, by an index lookup: the
  cost does not grow with the number of stored articles); the most similar one
  at or above the threshold is the article it copies.
- A copy joins the story of the article it copies; anything else starts a story
  of its own. A story's origin is its earliest-published article, and every
  other article of the story points at it (``duplicate_of_id``).
- A stored article fetched again with a changed title or body gets a new
  ``article_versions`` row (the first version is saved then too) and the
  article row shows the latest text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from storage._upsert import insert_ignoring_conflicts
from storage.models import Article, ArticleBand, ArticleVersion, Story, utc_now

if TYPE_CHECKING:
    from storage.articles import ArticleRow

MAX_CANDIDATES = 50
VERSIONED_FIELDS = ("title", "body")


class DuplicateCheck(Protocol):
    """How similar two bodies are (0..1), and from what similarity one copies the other."""

    @property
    def threshold(self) -> float: ...

    def similarity(self, body: str, other: str) -> float: ...


@dataclass(frozen=True)
class Match:
    article_id: int
    story_id: int
    similarity: float


def find_copy_source(session: Session, row: ArticleRow, check: DuplicateCheck | None) -> Match | None:
    """The stored article ``row`` copies, if any."""
    if row.content_hash:
        exact = session.execute(
            select(Article.id, Article.story_id)
            .where(Article.content_hash == row.content_hash, Article.story_id.is_not(None))
            .order_by(Article.id).limit(1)
        ).first()
        if exact is not None:
            return Match(exact.id, exact.story_id, 1.0)
    if check is None or not row.band_keys:
        return None
    candidates = session.scalars(
        select(ArticleBand.article_id).where(ArticleBand.band_key.in_(row.band_keys))
        .group_by(ArticleBand.article_id).order_by(func.count().desc(), ArticleBand.article_id)
        .limit(MAX_CANDIDATES)
    ).all()
    best: Match | None = None
    for candidate in session.execute(
        select(Article.id, Article.story_id, Article.body)
        .where(Article.id.in_(candidates), Article.story_id.is_not(None))
    ).all():
        score = check.similarity(row.body, candidate.body)
        if score >= check.threshold and (best is None or score > best.similarity):
            best = Match(candidate.id, candidate.story_id, score)
    return best


def start_story(session: Session, article_id: int) -> None:
    """Put a new article that copies nothing in a story of its own (two statements, no ORM load)."""
    story_id = session.execute(
        insert(Story).values(origin_article_id=article_id, created_at=utc_now()).returning(Story.id)
    ).scalar_one()
    session.execute(update(Article).where(Article.id == article_id).values(story_id=story_id),
                    execution_options={"synchronize_session": False})


def join_story(session: Session, article: Article, match: Match) -> None:
    """Put a new article in the story it copies.

    Every copy points at its story's origin, the earliest-published article; a
    copy published earlier than the origin becomes the origin itself.
    """
    story = session.get_one(Story, match.story_id)
    origin = session.get_one(Article, story.origin_article_id)
    article.story_id = story.id
    if _published_before(article, origin):
        story.origin_article_id = article.id
        session.execute(update(Article).where(Article.story_id == story.id, Article.id != article.id)
                        .values(duplicate_of_id=article.id))
        article.duplicate_of_id = None
    else:
        article.duplicate_of_id = origin.id


def _published_before(article: Article, origin: Article) -> bool:
    if article.published_at is None:
        return False
    return origin.published_at is None or article.published_at < origin.published_at


def store_bands(session: Session, article_id: int, band_keys: Sequence[int], replace: bool = False) -> None:
    if replace:
        session.execute(delete(ArticleBand).where(ArticleBand.article_id == article_id))
    rows = [{"band_key": key, "article_id": article_id} for key in dict.fromkeys(band_keys)]
    insert_ignoring_conflicts(session, ArticleBand.__table__, rows, ["band_key", "article_id"])


def record_version(session: Session, article: Article, title: str, body: str, body_hash: str,
                   fetched_at: datetime, modified_at: datetime | None) -> list[str]:
    """Save a new version if the title or body changed; returns the changed fields."""
    changed = [name for name, value in (("title", title), ("body", body)) if getattr(article, name) != value]
    if not changed:
        return []
    latest = session.scalar(select(func.max(ArticleVersion.version)).where(ArticleVersion.article_id == article.id))
    if latest is None:
        session.add(ArticleVersion(article_id=article.id, version=1, fetched_at=article.fetched_at, changed_fields=[],
                                   body_hash=article.content_hash or "", title=article.title, body=article.body,
                                   modified_at=article.modified_at))
        latest = 1
    session.add(ArticleVersion(article_id=article.id, version=latest + 1, fetched_at=fetched_at,
                               changed_fields=changed, body_hash=body_hash, title=title, body=body,
                               modified_at=modified_at))
    return changed


def versions_of(session: Session, article_id: int) -> list[ArticleVersion]:
    return list(session.scalars(
        select(ArticleVersion).where(ArticleVersion.article_id == article_id).order_by(ArticleVersion.version)
    ))
