from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import articles
from storage.articles import ArticleRow, iter_articles, record_irrelevant, seen_among, seen_url_keys, store_articles
from storage.models import Article, SeenUrl, Story, UrlOutcome
from storage.runs import ensure_source, start_run
from tests.support.plans import sqlite_plans

FETCHED = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def row(canonical: str, *keys: str, published: datetime | None = None) -> ArticleRow:
    return ArticleRow(
        canonical_url=canonical, url=canonical + "?utm_source=x", title="Accords", body="Body text.",
        word_count=2, relevance_score=3.0, fetched_at=FETCHED, authors=["Jane Doe"],
        published_at=published, tags=["UAE"], matched_terms={"Abraham Accords": {"title": 1}},
        url_keys=keys,
    )


def test_store_once_per_canonical_url_and_remember_every_url(session: Session) -> None:
    source_id = ensure_source(session, "site", "en")
    run_id = start_run(session, source_id)
    first = store_articles(session, source_id, run_id, [
        row("https://e.com/a", "https://e.com/old/a"),
        row("https://e.com/a", "https://e.com/a?print=1"),
        row("https://e.com/b"),
    ])
    assert first.stored == ("https://e.com/a", "https://e.com/b")
    assert first.duplicates == ("https://e.com/a",)
    again = store_articles(session, source_id, run_id, [row("https://e.com/b", "https://e.com/b2")])
    assert (again.stored, again.duplicates) == ((), ("https://e.com/b",))

    assert session.scalars(select(Article.canonical_url).order_by(Article.id)).all() == [
        "https://e.com/a", "https://e.com/b"]
    stored = session.scalars(select(Article).where(Article.canonical_url == "https://e.com/a")).one()
    assert (stored.authors, stored.tags, stored.matched_terms) == (
        ["Jane Doe"], ["UAE"], {"Abraham Accords": {"title": 1}})
    assert stored.fetched_at == FETCHED
    assert seen_url_keys(session, source_id) == {
        "https://e.com/a", "https://e.com/old/a", "https://e.com/a?print=1", "https://e.com/b",
        "https://e.com/b2"}
    b2 = session.scalars(select(SeenUrl).where(SeenUrl.url_key == "https://e.com/b2")).one()
    assert b2.article_id == session.scalars(select(Article.id).where(Article.canonical_url == "https://e.com/b")).one()


def test_an_article_stored_meanwhile_by_another_writer_is_left_as_it_is(
    session: Session, monkeypatch: pytest.MonkeyPatch,
) -> None:
    source_id, other_id = ensure_source(session, "site", "en"), ensure_source(session, "other", "en")
    real_finder = articles.CopyFinder

    def finder_after_another_writer(*args: object) -> object:  # between the lookup of stored URLs and the insert
        monkeypatch.setattr(articles, "CopyFinder", real_finder)
        store_articles(session, other_id, None, [row("https://e.com/b")])
        return real_finder(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(articles, "CopyFinder", finder_after_another_writer)
    result = store_articles(session, source_id, None, [row("https://e.com/a"), row("https://e.com/b"),
                                                       row("https://e.com/c")])
    assert (result.stored, result.duplicates) == (("https://e.com/a", "https://e.com/c"), ("https://e.com/b",))
    stored = session.execute(select(Article.canonical_url, Article.source_id, Article.story_id)
                             .order_by(Article.id)).all()
    assert [(url, source) for url, source, _ in stored] == [
        ("https://e.com/b", other_id), ("https://e.com/a", source_id), ("https://e.com/c", source_id)]
    assert len({story for _, _, story in stored if story is not None}) == 3
    origins = session.scalars(select(Story.origin_article_id).order_by(Story.origin_article_id)).all()
    assert origins == sorted(session.scalars(select(Article.id)).all())  # no story left for the row not stored


def test_seen_among_answers_for_the_asked_keys_as_the_whole_set_does(
        session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(articles, "SEEN_CHUNK", 2)  # several queries for the keys asked
    now = datetime.now(UTC)
    source_id, other_id = ensure_source(session, "site", "en"), ensure_source(session, "other", "en")
    run_id, other_run = start_run(session, source_id), start_run(session, other_id)
    store_articles(session, source_id, run_id, [
        row("https://e.com/old", "https://e.com/old?amp=1", published=now - timedelta(days=10)),
        row("https://e.com/new", published=now - timedelta(hours=1)),
        row("https://e.com/undated"),  # first seen now: in the revisit window
    ])
    record_irrelevant(session, source_id, ["https://e.com/sport"])
    store_articles(session, other_id, other_run, [row("https://o.com/a")])
    asked = ["https://e.com/old", "https://e.com/old?amp=1", "https://e.com/new", "https://e.com/undated",
             "https://e.com/sport", "https://o.com/a", "https://e.com/never", "https://e.com/old"]
    since = now - timedelta(hours=48)

    assert seen_among(session, source_id, asked) == {
        "https://e.com/old", "https://e.com/old?amp=1", "https://e.com/new", "https://e.com/undated",
        "https://e.com/sport"}
    assert seen_among(session, source_id, asked, since) == {
        "https://e.com/old", "https://e.com/old?amp=1", "https://e.com/sport"}
    assert seen_among(session, source_id, asked, since) == seen_url_keys(session, source_id, since) & set(asked)
    assert seen_among(session, source_id, []) == set()


def test_irrelevant_urls_are_remembered_once(session: Session) -> None:
    source_id = ensure_source(session, "site", None)
    record_irrelevant(session, source_id, ["https://e.com/sport", "https://e.com/sport"])
    record_irrelevant(session, source_id, ["https://e.com/sport"])
    outcomes = session.execute(select(SeenUrl.url_key, SeenUrl.outcome)).all()
    assert outcomes == [("https://e.com/sport", UrlOutcome.IRRELEVANT)]


def test_timestamps_come_back_aware_in_utc(session: Session) -> None:
    source_id = ensure_source(session, "site", None)
    local = datetime(2026, 11, 27, 10, 0, tzinfo=UTC) + timedelta(hours=0)
    store_articles(session, source_id, None, [row("https://e.com/t", published=local.astimezone())])
    session.expire_all()
    article = session.scalars(select(Article)).one()
    assert article.published_at == local
    assert article.published_at is not None and article.published_at.utcoffset() == timedelta(0)


def test_export_since_uses_publication_else_first_seen(session: Session) -> None:
    source_id = ensure_source(session, "site", None)
    old = datetime(2026, 1, 1, tzinfo=UTC)
    store_articles(session, source_id, None, [row("https://e.com/old", published=old),
                                              row("https://e.com/new", published=FETCHED),
                                              row("https://e.com/undated")])
    since = datetime(2026, 6, 1, tzinfo=UTC)
    assert [a.canonical_url for a in iter_articles(session, since=since)] == [
        "https://e.com/new", "https://e.com/undated"]


def test_hostile_titles_are_stored_as_data(session: Session) -> None:
    source_id = ensure_source(session, "site", None)
    hostile = "'); DROP TABLE articles;-- <script>alert(1)</script>"
    store_articles(session, source_id, None, [ArticleRow(
        canonical_url="https://e.com/h", url="https://e.com/h", title=hostile, body=hostile, word_count=3,
        relevance_score=1.0, fetched_at=FETCHED)])
    assert session.scalars(select(Article.title)).all() == [hostile]


def test_seen_among_looks_keys_up_by_their_unique_index_on_sqlite(tmp_path: Path) -> None:
    """Not by walking the source's URLs: a million of them made it 4 ms a key (bench/growth.py)."""
    def check(session: Session) -> None:
        source_id = ensure_source(session, "site", "en")
        seen_among(session, source_id, [f"https://e.com/{i}" for i in range(100)], datetime.now(UTC))  # a listing

    plans = [plan for statement, plan in sqlite_plans(tmp_path, check).items() if "seen_urls" in statement]
    assert plans and all(any(step.startswith("SEARCH seen_urls USING INDEX") and "(url_key=?)" in step
                             for step in plan) for plan in plans), plans
    assert not any("source_id" in step for plan in plans for step in plan), plans
