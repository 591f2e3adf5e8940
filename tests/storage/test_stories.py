from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.fingerprint import BodySimilarity, fingerprint
from storage.articles import ArticleRow, store_articles
from storage.migrate import upgrade
from storage.models import Article, ArticleVersion, Story
from storage.runs import ensure_source
from storage.session import make_engine

BODY = " ".join(f"Paragraph {i} reports the ministers' agreement on the regional water summit." for i in range(25))
PUBLISHED = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
CHECK = BodySimilarity(0.5)


def row(url: str, body: str = BODY, published: datetime = PUBLISHED, title: str = "Water summit") -> ArticleRow:
    prints = fingerprint(body)
    return ArticleRow(canonical_url=url, url=url, title=title, body=body, word_count=len(body.split()),
                      relevance_score=3.0, fetched_at=PUBLISHED + timedelta(hours=5), published_at=published,
                      content_hash=prints.content_hash, band_keys=prints.band_keys)


def test_copies_join_the_story_of_the_earliest_published(session: Session) -> None:
    source_id = ensure_source(session, "wire", None)
    first = store_articles(session, source_id, None, [row("https://b.example/copy", published=PUBLISHED)], CHECK)
    assert (first.stored, first.copies) == (("https://b.example/copy",), ())
    earlier = store_articles(session, source_id, None, [
        row("https://a.example/original", published=PUBLISHED - timedelta(hours=2)),
        row("https://c.example/near", body=BODY + " Analysts expect more meetings next year.", title="Analysis"),
        row("https://d.example/other", body="A football match report about a derby. " * 20, title="Derby"),
    ], CHECK)
    assert set(earlier.copies) == {"https://a.example/original", "https://c.example/near"}
    articles = {a.canonical_url: a for a in session.scalars(select(Article))}
    original = articles["https://a.example/original"]
    story = session.get_one(Story, original.story_id)
    assert story.origin_article_id == original.id
    assert {url: (a.story_id == story.id, a.duplicate_of_id) for url, a in articles.items()} == {
        "https://a.example/original": (True, None),
        "https://b.example/copy": (True, original.id),
        "https://c.example/near": (True, original.id),
        "https://d.example/other": (False, None),
    }


def test_a_changed_article_gets_versions(session: Session) -> None:
    source_id = ensure_source(session, "wire", None)
    store_articles(session, source_id, None, [row("https://a.example/live")], CHECK)
    unchanged = store_articles(session, source_id, None, [row("https://a.example/live")], CHECK)
    assert (unchanged.updated, unchanged.duplicates) == ((), ("https://a.example/live",))
    edited = store_articles(session, source_id, None, [row("https://a.example/live", body=BODY + " Update: signed.",
                                                           title="Water summit signed")], CHECK)
    assert edited.updated == ("https://a.example/live",)
    versions = session.execute(select(ArticleVersion.version, ArticleVersion.changed_fields, ArticleVersion.title)
                               .order_by(ArticleVersion.version)).all()
    assert [tuple(v) for v in versions] == [(1, [], "Water summit"), (2, ["title", "body"], "Water summit signed")]
    assert session.scalar(select(Article.title)) == "Water summit signed"


def test_concurrent_writers_file_copies_into_one_story(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    with Session(engine) as session, session.begin():
        source_id = ensure_source(session, "wire", None)
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def store(index: int) -> None:
        try:
            barrier.wait()
            with Session(engine) as session, session.begin():
                store_articles(session, source_id, None, [row(f"https://site{index}.example/story")], CHECK)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=store, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with Session(engine) as session:
        assert errors == []
        assert session.scalar(select(func.count()).select_from(Article)) == 4
        assert session.scalar(select(func.count()).select_from(Story)) == 1
        assert session.scalar(select(func.count(Article.id)).where(Article.duplicate_of_id.is_(None))) == 1
    engine.dispose()
