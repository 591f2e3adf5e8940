"""Raw HTML of stored articles, kept zlib-compressed for re-extraction (``accords reprocess``).

The pages are compressed with zlib-ng, which writes the zlib format about twice as fast as the
standard library's zlib at the same level and size (``bench/README.md``); any zlib reads them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload
from zlib_ng import zlib_ng

from storage._filters import filter_articles
from storage.models import Article, ArticleHtml

COMPRESSION_LEVEL = 6


@dataclass(frozen=True)
class RawPage:
    """A page as it was downloaded."""

    url: str
    body: bytes
    encoding: str
    fetched_at: datetime
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.body.decode(self.encoding, errors="replace")


def page_row(article_id: int, page: RawPage) -> dict[str, Any]:
    return {
        "article_id": article_id,
        "url": page.url,
        "encoding": page.encoding,
        "headers": page.headers,
        "content": zlib_ng.compress(page.body, COMPRESSION_LEVEL),
        "fetched_at": page.fetched_at,
    }


def stored_page(row: ArticleHtml) -> RawPage:
    return RawPage(url=row.url, body=zlib_ng.decompress(row.content), encoding=row.encoding,
                   fetched_at=row.fetched_at, headers=dict(row.headers))


def article_ids_with_pages(
    session: Session, source: str | None = None, since: datetime | None = None
) -> list[int]:
    """Ids of articles whose HTML is kept, optionally of one source and published since a time."""
    statement = select(Article.id).join(ArticleHtml, ArticleHtml.article_id == Article.id)
    return list(session.scalars(filter_articles(statement, source, since).order_by(Article.id)))


def articles_with_pages(session: Session, ids: Sequence[int]) -> Iterator[tuple[Article, RawPage]]:
    statement = (
        select(Article, ArticleHtml)
        .join(ArticleHtml, ArticleHtml.article_id == Article.id)
        .options(joinedload(Article.source), selectinload(Article.countries))
        .where(Article.id.in_(ids))
        .order_by(Article.id)
    )
    for article, html in session.execute(statement).all():
        yield article, stored_page(html)
