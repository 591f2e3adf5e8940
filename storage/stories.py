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

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import repeat
from typing import TYPE_CHECKING, Protocol, TypeVar

from sqlalchemy import case, delete, func, insert, select, update
from sqlalchemy.orm import Session

from storage._membership import one_of
from storage._upsert import insert_ignoring_conflicts, insert_new_columns
from storage.models import Article, ArticleBand, ArticleVersion, Story, utc_now

if TYPE_CHECKING:
    from storage.articles import ArticleRow

T = TypeVar("T")
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
    #: None: ``article_id`` is an article of the batch being stored, whose story is not filed yet
    story_id: int | None
    similarity: float


#: values per ``IN (...)`` list: well under SQLite's 32,766 bound parameters
IN_CHUNK = 2000


class CopyFinder:
    """The article each new article of a batch copies, if any, decided as one by one.

    - A stored article with the same ``content_hash`` (the first stored) is an exact copy's source.
    - Otherwise the candidates are the ``MAX_CANDIDATES`` articles sharing most band keys with it
      (ties: the first stored); the most similar one at or above the threshold is the source.

    Three queries serve the whole batch (stored articles with the batch's content hashes, stored
    band keys the batch shares, the candidates' bodies) instead of up to three per article. The
    articles earlier in the batch are candidates too, from memory: ``add`` each one after its ``find``
    (its match then names no story: the batch's stories are filed after the matching), and write the
    batch's band keys once at its end.
    """

    def __init__(self, session: Session, rows: Sequence[ArticleRow], check: DuplicateCheck | None) -> None:
        self._check = check
        self._exact: dict[str, Match] = {}
        self._stored_with: dict[int, list[int]] = {}
        self._batch_with: dict[int, list[int]] = {}
        #: article id → (story id, body), for the stored candidates and the batch's articles (no story yet)
        self._bodies: dict[int, tuple[int | None, str]] = {}
        hashes = [h for h in dict.fromkeys(row.content_hash for row in rows) if h]
        for chunk in _chunks(hashes):
            for found in session.execute(
                select(Article.id, Article.story_id, Article.content_hash)
                .where(one_of(session, Article.content_hash, chunk), Article.story_id.is_not(None))
            ):
                known = self._exact.get(found.content_hash)
                if known is None or found.id < known.article_id:
                    self._exact[found.content_hash] = Match(found.id, found.story_id, 1.0)
        if check is None:
            return
        for keys in _chunks(list({key for row in rows for key in row.band_keys})):
            for band in session.execute(
                select(ArticleBand.band_key, ArticleBand.article_id).where(one_of(session, ArticleBand.band_key, keys))
            ):
                self._stored_with.setdefault(band.band_key, []).append(band.article_id)
        wanted = sorted({article_id for row in rows if row.content_hash not in self._exact
                         for article_id in self._candidates(row.band_keys)})
        for ids in _chunks(wanted):
            for found in session.execute(
                select(Article.id, Article.story_id, Article.body)
                .where(one_of(session, Article.id, ids), Article.story_id.is_not(None))
            ):
                self._bodies[found.id] = (found.story_id, found.body)

    def find(self, row: ArticleRow) -> Match | None:
        """The stored article (or earlier article of the batch) ``row`` copies."""
        if row.content_hash and row.content_hash in self._exact:
            return self._exact[row.content_hash]
        check = self._check
        if check is None or not row.band_keys:
            return None
        best: Match | None = None
        for article_id in sorted(self._candidates(row.band_keys)):
            if article_id not in self._bodies:
                continue
            story_id, body = self._bodies[article_id]
            score = check.similarity(row.body, body)
            if score >= check.threshold and (best is None or score > best.similarity):
                best = Match(article_id, story_id, score)
        return best

    def add(self, row: ArticleRow, article_id: int) -> None:
        """``row`` was stored as ``article_id``: a candidate for the rest of the batch."""
        if row.content_hash:
            self._exact.setdefault(row.content_hash, Match(article_id, None, 1.0))
        for key in dict.fromkeys(row.band_keys):
            self._batch_with.setdefault(key, []).append(article_id)
        self._bodies[article_id] = (None, row.body)

    def _candidates(self, band_keys: Sequence[int]) -> list[int]:
        """The ``MAX_CANDIDATES`` articles sharing most of ``band_keys``, ties in storage order."""
        shared: Counter[int] = Counter()
        for key in dict.fromkeys(band_keys):  # most keys are shared with no article: skip those cheaply
            for sharing in (self._stored_with.get(key), self._batch_with.get(key)):
                if sharing:
                    shared.update(sharing)
        return [article_id for article_id, _ in sorted(shared.items(), key=lambda item: (-item[1], item[0]))
                [:MAX_CANDIDATES]]


def _chunks(values: Sequence[T]) -> list[Sequence[T]]:
    return [values[i : i + IN_CHUNK] for i in range(0, len(values), IN_CHUNK)]


def start_stories(session: Session, article_ids: Sequence[int]) -> dict[int, int]:
    """Put new articles that copy nothing each in a story of its own; article id → its story's id.

    Two statements per ``IN_CHUNK`` articles (the stories, then the articles' ``story_id``), no ORM load.
    """
    story_of: dict[int, int] = {}
    for chunk in _chunks(article_ids):
        filed = make_stories(session, chunk)
        session.execute(update(Article).where(one_of(session, Article.id, chunk))
                        .values(story_id=case(filed, value=Article.id)),
                        execution_options={"synchronize_session": False})
        story_of.update(filed)
    return story_of


def make_stories(session: Session, origin_ids: Sequence[int]) -> dict[int, int]:
    """A story for each of these (new) articles, in one statement; article id → its story's id.

    The articles' ``story_id`` is not set: the caller inserts them with it, or updates them.
    """
    if not origin_ids:
        return {}
    now = utc_now()
    created = session.execute(insert(Story).returning(Story.origin_article_id, Story.id),
                              [{"origin_article_id": article_id, "created_at": now} for article_id in origin_ids])
    return dict(created.all())


def discard_stories(session: Session, story_ids: Sequence[int]) -> None:
    """Delete stories made for new articles that were not stored, or that joined another story."""
    for chunk in _chunks(story_ids):
        session.execute(delete(Story).where(one_of(session, Story.id, chunk)),
                        execution_options={"synchronize_session": False})


def join_story(session: Session, article: Article, story_id: int) -> None:
    """Put a new article in the story of the article it copies.

    Every copy points at its story's origin, the earliest-published article; a
    copy published earlier than the origin becomes the origin itself.
    """
    story = session.get_one(Story, story_id)
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


#: the primary key of ``article_bands``
_BAND_KEY = ("band_key", "article_id")


def store_bands(session: Session, article_id: int, band_keys: Sequence[int], replace: bool = False) -> None:
    """A stored article's band keys (with ``replace``, instead of those it had)."""
    if replace:
        session.execute(delete(ArticleBand).where(ArticleBand.article_id == article_id))
    insert_ignoring_conflicts(session, ArticleBand.__table__, [
        {"band_key": key, "article_id": article_id} for key in dict.fromkeys(band_keys)], _BAND_KEY)


def store_many_bands(session: Session, articles: Sequence[tuple[int, Sequence[int]]]) -> None:
    """The band keys of several articles this transaction inserted, in one statement."""
    keys: list[int] = []
    article_ids: list[int] = []
    for article_id, band_keys in articles:
        unique = dict.fromkeys(band_keys)
        keys.extend(unique)
        article_ids.extend(repeat(article_id, len(unique)))
    if keys:
        insert_new_columns(session, ArticleBand.__table__, {"band_key": keys, "article_id": article_ids}, _BAND_KEY)


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
