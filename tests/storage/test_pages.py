from __future__ import annotations

import zlib
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.articles import ArticleRow, store_articles
from storage.models import Article, ArticleHtml
from storage.pages import RawPage, articles_with_pages
from storage.runs import ensure_source, start_run

FETCHED = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
HTML = ("<html><head><meta charset='utf-8'><title>Accords</title></head><body><article>"
        + "<p>Les accords d'Abraham, signés à Washington — الاتفاقيات الإبراهيمية.</p>" * 200
        + "</article></body></html>").encode("utf-8")


def store_page(session: Session, body: bytes) -> int:
    source_id = ensure_source(session, "site", "fr")
    page = RawPage(url="https://e.com/a?x=1", body=body, encoding="utf-8", fetched_at=FETCHED,
                   headers={"Content-Type": "text/html"})
    store_articles(session, source_id, start_run(session, source_id), [ArticleRow(
        canonical_url="https://e.com/a", url=page.url, title="Accords", body="Body text.", word_count=2,
        relevance_score=3.0, fetched_at=FETCHED, page=page)])
    return session.scalars(select(Article.id)).one()


def test_a_kept_page_is_stored_in_the_zlib_format_and_read_back_as_downloaded(session: Session) -> None:
    article_id = store_page(session, HTML)
    content = session.scalars(select(ArticleHtml.content)).one()
    assert zlib.decompress(content) == HTML  # the README's promise: any zlib reads the column
    assert len(content) < len(HTML) / 10
    [(article, page)] = list(articles_with_pages(session, [article_id]))
    assert (article.id, page.body, page.encoding, page.url, page.headers) == (
        article_id, HTML, "utf-8", "https://e.com/a?x=1", {"Content-Type": "text/html"})


def test_a_page_compressed_by_the_standard_library_is_read_back(session: Session) -> None:
    """Rows written before zlib-ng was used, or by users' own scripts."""
    article_id = store_page(session, b"placeholder")
    session.execute(update(ArticleHtml).values(content=zlib.compress(HTML, 9)))
    [(_, page)] = list(articles_with_pages(session, [article_id]))
    assert page.body == HTML
