"""The analyst views (migration 0006), and the README's example query for each, on both databases."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from crawler.fingerprint import BodySimilarity, fingerprint
from storage.articles import ArticleRow, store_articles
from storage.runs import ensure_source

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
DAY = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
BODY = " ".join(f"Sentence {i} about the Abraham Accords water summit in Abu Dhabi." for i in range(20))


def row(url: str, body: str, published: datetime, language: str, countries: dict[str, int]) -> ArticleRow:
    prints = fingerprint(body)
    return ArticleRow(canonical_url=url, url=url, title=f"Title of {url}", body=body, word_count=len(body.split()),
                      relevance_score=4.0, fetched_at=published, published_at=published, language=language,
                      countries=countries, matched_terms={"Abraham Accords": {"title": 1, "body": 2}},
                      content_hash=prints.content_hash, band_keys=prints.band_keys, relevance_rule="terms")


@pytest.fixture
def seeded(session: Session) -> Session:
    wire, daily = ensure_source(session, "wire", "en"), ensure_source(session, "daily", "fr")
    check = BodySimilarity(0.5)
    store_articles(session, wire, None, [row("https://w/1", BODY, DAY, "en", {"AE": 2, "IL": 1})], check)
    store_articles(session, daily, None, [row("https://d/1", BODY, DAY + timedelta(hours=2), "fr", {"AE": 1})], check)
    other = "Une autre histoire sur les accords d'Abraham et le Maroc. " * 15
    store_articles(session, daily, None, [row("https://d/2", other, DAY + timedelta(days=1), "fr", {"MA": 3})], check)
    return session


def rows(session: Session, sql: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in session.execute(text(sql)).all()]


def test_story_overview(seeded: Session) -> None:
    result = rows(seeded, "SELECT origin_url, articles, copies, outlet_count, outlets FROM story_overview "
                          "ORDER BY origin_url")
    assert [r[:4] for r in result] == [("https://d/2", 1, 0, 1), ("https://w/1", 2, 1, 2)]
    assert {o.strip() for o in str(result[1][4]).split(",")} == {"daily", "wire"}


def test_daily_counts(seeded: Session) -> None:
    assert [(str(d), s, n) for d, s, n in rows(seeded, "SELECT day, source, articles FROM daily_source_counts "
                                                       "ORDER BY day, source")] == [
        ("2026-11-27", "daily", 1), ("2026-11-27", "wire", 1), ("2026-11-28", "daily", 1)]
    assert [(str(d), lang, n) for d, lang, n in rows(
        seeded, "SELECT day, language, articles FROM daily_language_counts ORDER BY day, language")] == [
        ("2026-11-27", "en", 1), ("2026-11-27", "fr", 1), ("2026-11-28", "fr", 1)]
    assert [(str(d), c, n, m) for d, c, n, m in rows(
        seeded, "SELECT day, country_code, articles, mentions FROM daily_country_counts ORDER BY day, country_code")] \
        == [("2026-11-27", "AE", 2, 3), ("2026-11-27", "IL", 1, 1), ("2026-11-28", "MA", 1, 3)]


def test_article_terms(seeded: Session) -> None:
    assert rows(seeded, "SELECT canonical_url, term, in_title, in_description, in_body FROM article_terms "
                        "ORDER BY canonical_url") == [
        ("https://d/1", "Abraham Accords", 1, 0, 2), ("https://d/2", "Abraham Accords", 1, 0, 2),
        ("https://w/1", "Abraham Accords", 1, 0, 2)]


def readme_view_examples() -> list[str]:
    section = README.split("### Analyst views", 1)[1].split("### More example queries", 1)[0]
    return re.findall(r"```sql\n(.*?)```", section, re.DOTALL)


def readme_other_examples() -> list[str]:
    section = README.split("### More example queries", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sql\n(.*?)```", section, re.DOTALL)


def test_readme_has_an_example_for_every_view() -> None:
    examples = "\n".join(readme_view_examples())
    for view in ("story_overview", "daily_source_counts", "daily_language_counts", "daily_country_counts",
                 "article_terms"):
        assert view in examples


@pytest.mark.parametrize("example", readme_view_examples(), ids=lambda sql: sql.split("FROM ")[1].split()[0])
def test_readme_view_examples_run(seeded: Session, example: str) -> None:
    assert rows(seeded, example)


@pytest.mark.parametrize("example", readme_other_examples(), ids=lambda sql: sql.splitlines()[0][3:40])
def test_readme_other_examples_run(seeded: Session, example: str) -> None:
    rows(seeded, example)  # runs on both databases (some return nothing on this data: no runs, no versions)
