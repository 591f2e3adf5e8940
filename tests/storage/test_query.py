"""storage.query, the read-only API, on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from crawler.fingerprint import BodySimilarity, fingerprint
from storage.articles import ArticleRow, store_articles
from storage.query import DailyCount, articles, daily_counts, read_session, search, stories, top_stories
from storage.runs import ensure_source

DAY = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
BODY = " ".join(f"Sentence {i} on the water summit in Abu Dhabi." for i in range(20))


def seed(session: Session) -> None:
    check = BodySimilarity(0.5)
    for index, source in enumerate(("wire", "daily")):
        source_id = ensure_source(session, source, None)
        prints = fingerprint(BODY)
        store_articles(session, source_id, None, [ArticleRow(
            canonical_url=f"https://{source}/1", url=f"https://{source}/1", title=f"Summit ({source})", body=BODY,
            word_count=len(BODY.split()), relevance_score=2.0, fetched_at=DAY,
            published_at=DAY + timedelta(days=index), language="en", countries={"AE": 1},
            content_hash=prints.content_hash, band_keys=prints.band_keys)], check)


def test_read_api(session: Session) -> None:
    seed(session)
    assert [r["canonical_url"] for r in articles(session, country="AE")] == ["https://wire/1", "https://daily/1"]
    assert [r["canonical_url"] for r in articles(session, source="daily")] == ["https://daily/1"]
    [story] = list(stories(session))
    assert (story["origin_url"], story["copies"], story["outlets"]) == ("https://wire/1", 1, ["daily", "wire"])
    assert daily_counts(session, by="source") == [DailyCount(date(2026, 11, 20), "wire", 1),
                                                  DailyCount(date(2026, 11, 21), "daily", 1)]
    assert daily_counts(session, by="country", since=date(2026, 11, 21)) == [DailyCount(date(2026, 11, 21), "AE", 1)]
    [top] = top_stories(session)
    assert (top.origin_url, top.articles, top.copies, top.outlet_count, top.outlets, top.published_at) == (
        "https://wire/1", 2, 1, 2, ["daily", "wire"], DAY)
    assert sorted(hit.canonical_url for hit in search(session, "summit")) == ["https://daily/1", "https://wire/1"]


def test_read_session_opens_the_database(migrated_database_url: str) -> None:
    with read_session(migrated_database_url) as session:  # the shared database: tests roll back what they write
        assert (daily_counts(session, by="language"), top_stories(session)) == ([], [])
