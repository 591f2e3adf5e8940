from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from crawler.fingerprint import BodySimilarity, fingerprint
from storage.articles import ArticleRow, store_articles
from storage.migrate import upgrade
from storage.models import Article, ArticleBand, ArticleVersion, Story
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
    assert session.scalar(select(func.count()).select_from(Story)) == 2  # none left for the copies


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


OTHER = " ".join(f"Line {i} covers the football derby and the transfer window of the city clubs." for i in range(25))
THIRD = " ".join(f"Item {i} explains the new airline route and the visa rules for travellers." for i in range(25))


def mixed_rows() -> list[ArticleRow]:
    """Originals, their exact and near copies, teasers and unrelated stories, copies before and after originals."""
    return [
        row("https://a.example/water", published=PUBLISHED),
        row("https://b.example/football", body=OTHER, published=PUBLISHED, title="Derby"),
        row("https://c.example/water-copy", published=PUBLISHED + timedelta(hours=1)),
        row("https://d.example/water-near", body=BODY + " Analysts expect more meetings.", title="Analysis"),
        row("https://e.example/flights", body=THIRD, published=PUBLISHED + timedelta(hours=3), title="Flights"),
        row("https://f.example/flights-earlier", body="Update. " + THIRD, published=PUBLISHED, title="Flights"),
        row("https://g.example/football-teaser", body=" ".join(OTHER.split()[:70]), title="Derby teaser"),
        row("https://h.example/unrelated", body="A recipe for lemon cake with almonds and honey. " * 12,
            title="Cake"),
    ]


def story_partition(session: Session) -> tuple[frozenset[frozenset[str]], dict[str, str | None]]:
    """Which URLs share a story, and the URL each article points at as its story's origin."""
    articles = list(session.scalars(select(Article)))
    by_id = {a.id: a.canonical_url for a in articles}
    stories: dict[int, set[str]] = {}
    for article in articles:
        assert article.story_id is not None
        stories.setdefault(article.story_id, set()).add(article.canonical_url)
    return (frozenset(frozenset(urls) for urls in stories.values()),
            {a.canonical_url: by_id.get(a.duplicate_of_id) if a.duplicate_of_id else None for a in articles})


def test_a_batch_files_its_articles_as_storing_them_one_by_one_would(session: Session) -> None:
    source_id = ensure_source(session, "wire", None)
    stored_before = [row("https://z.example/water-wire", published=PUBLISHED + timedelta(hours=2))]
    with session.begin_nested() as one_by_one:
        for each in [*stored_before, *mixed_rows()]:
            store_articles(session, source_id, None, [each], CHECK)
        expected = story_partition(session)
        one_by_one.rollback()
    store_articles(session, source_id, None, stored_before, CHECK)
    result = store_articles(session, source_id, None, mixed_rows(), CHECK)
    assert story_partition(session) == expected
    assert expected[0] == frozenset({
        frozenset({"https://z.example/water-wire", "https://a.example/water", "https://c.example/water-copy",
                   "https://d.example/water-near"}),
        frozenset({"https://b.example/football", "https://g.example/football-teaser"}),
        frozenset({"https://e.example/flights", "https://f.example/flights-earlier"}),
        frozenset({"https://h.example/unrelated"}),
    })
    assert expected[1]["https://e.example/flights"] == "https://f.example/flights-earlier"
    assert set(result.copies) == {"https://a.example/water", "https://c.example/water-copy",
                                  "https://d.example/water-near", "https://f.example/flights-earlier",
                                  "https://g.example/football-teaser"}
    bands = dict(session.execute(select(ArticleBand.article_id, func.count()).group_by(ArticleBand.article_id)).all())
    assert {a.canonical_url: bands[a.id] for a in session.scalars(select(Article))} == {
        r.canonical_url: len(set(r.band_keys)) for r in [*stored_before, *mixed_rows()]}


def test_deleting_an_article_deletes_its_band_keys_and_its_copies_find_it_no_more(session: Session) -> None:
    source_id = ensure_source(session, "wire", None)
    other_body = "A football match report about a derby and its fans. " * 20
    store_articles(session, source_id, None, [row("https://a.example/gone"),
                                              row("https://b.example/kept", body=other_body, title="Derby")], CHECK)
    gone = session.scalars(select(Article).where(Article.canonical_url == "https://a.example/gone")).one()
    session.execute(text("DELETE FROM seen_urls WHERE article_id = :id"), {"id": gone.id})
    session.execute(text("DELETE FROM articles WHERE id = :id"), {"id": gone.id})  # as a user would, in SQL
    session.expunge_all()
    bands = session.execute(select(ArticleBand.article_id, func.count()).group_by(ArticleBand.article_id)).all()
    kept = session.scalars(select(Article.id).where(Article.canonical_url == "https://b.example/kept")).one()
    assert [tuple(band) for band in bands] == [(kept, len(fingerprint(other_body).band_keys))]
    again = store_articles(session, source_id, None, [row("https://c.example/copy-of-gone")], CHECK)
    assert (again.stored, again.copies) == (("https://c.example/copy-of-gone",), ())


def test_new_articles_are_stored_in_stories_of_their_own_without_updating_them_on_postgresql(
        session: Session) -> None:
    source_id = ensure_source(session, "wire", None)
    statements: list[str] = []
    engine = session.get_bind().engine

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        store_articles(session, source_id, None, [
            row("https://a.example/water", published=PUBLISHED),
            row("https://b.example/derby", body="A football match report about a derby. " * 20, title="Derby"),
            row("https://c.example/water-copy", published=PUBLISHED + timedelta(hours=1)),
        ], CHECK)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    stories = dict(session.execute(select(Story.origin_article_id, Story.id)).all())
    articles = {a.canonical_url: a for a in session.scalars(select(Article))}
    water, derby = articles["https://a.example/water"], articles["https://b.example/derby"]
    assert stories == {water.id: water.story_id, derby.id: derby.story_id}
    assert articles["https://c.example/water-copy"].story_id == water.story_id
    updated = [s for s in statements if s.startswith("UPDATE articles")]
    if session.get_bind().dialect.name == "postgresql":  # only the copy is updated, by joining its story
        assert len(updated) == 1 and "story_id" in updated[0]


def test_new_articles_band_keys_go_in_without_a_conflict_check_on_postgresql(session: Session) -> None:
    """On PostgreSQL ``ON CONFLICT`` made each band-key row a speculative insertion; a new article's keys cannot
    clash, so they are a plain insert there. A re-fetched article's new keys still go through the check."""
    source_id = ensure_source(session, "wire", None)
    statements: list[str] = []
    engine = session.get_bind().engine

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(" ".join(statement.split()))

    other_body = "A football match report about a derby. " * 20
    event.listen(engine, "before_cursor_execute", record)
    try:
        store_articles(session, source_id, None, [row("https://a.example/water"),
                                                  row("https://b.example/derby", body=other_body, title="Derby")], CHECK)
        new = [s for s in statements if s.startswith("INSERT INTO article_bands")]
        statements.clear()
        store_articles(session, source_id, None, [row("https://b.example/derby", body=other_body + " Final score.",
                                                      title="Derby")], CHECK)
        refreshed = [s for s in statements if s.startswith("INSERT INTO article_bands")]
    finally:
        event.remove(engine, "before_cursor_execute", record)
    on_postgresql = session.get_bind().dialect.name == "postgresql"
    assert len(new) == 1 and ("ON CONFLICT" in new[0]) is not on_postgresql
    assert len(refreshed) == 1 and "ON CONFLICT" in refreshed[0]
    ids = dict(session.execute(select(Article.canonical_url, Article.id)).all())
    stored = {(article_id, key) for article_id, key in session.execute(select(ArticleBand.article_id,
                                                                              ArticleBand.band_key))}
    assert stored == {(ids["https://a.example/water"], key) for key in fingerprint(BODY).band_keys} | {
        (ids["https://b.example/derby"], key) for key in fingerprint(other_body + " Final score.").band_keys}
