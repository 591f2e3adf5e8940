"""Full-text search on both databases: ranking, phrases, OR, exclusion, filters, snippets, hostile queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from storage.articles import ArticleRow, store_articles
from storage.models import Article
from storage.runs import ensure_source
from storage.search import SearchError, SearchFilters, fts5_query, search

DAY = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
ARTICLES = [
    ("https://a/1", "wire", "Water summit under the Abraham Accords", "en", {"AE": 2},
     "Ministers agreed a regional water summit in Abu Dhabi. Desalination plants were discussed at length."),
    ("https://a/2", "wire", "Trade figures for the quarter", "en", {"IL": 1},
     "Exports rose while the water summit was mentioned only once by the trade minister in Tel Aviv."),
    ("https://a/3", "daily", "Le sommet de l'eau à Rabat", "fr", {"MA": 1},
     "Les ministres ont discuté du dessalement et du sommet régional de l'eau prévu au printemps."),
    ("https://a/4", "daily", "Football derby ends in a draw", "en", {},
     "The derby ended goalless after a tense second half in front of a full stadium."),
]


@pytest.fixture
def stored(session: Session) -> Session:
    for offset, (url, source, title, language, countries, body) in enumerate(ARTICLES):
        source_id = ensure_source(session, source, None)
        store_articles(session, source_id, None, [ArticleRow(
            canonical_url=url, url=url, title=title, body=body, word_count=len(body.split()), relevance_score=1.0,
            fetched_at=DAY, published_at=DAY + timedelta(days=offset), language=language, countries=countries)])
    return session


def urls(session: Session, query: str, **filters: object) -> list[str]:
    return [hit.canonical_url for hit in search(session, query, SearchFilters(**filters))]  # type: ignore[arg-type]


def test_ranking_puts_title_matches_first(stored: Session) -> None:
    assert urls(stored, "water summit") == ["https://a/1", "https://a/2"]


def test_phrases_or_and_exclusion(stored: Session) -> None:
    assert urls(stored, '"summit in Abu Dhabi"') == ["https://a/1"]
    assert urls(stored, '"Abu Dhabi summit"') == []
    assert sorted(urls(stored, "desalination OR dessalement")) == ["https://a/1", "https://a/3"]
    assert urls(stored, "water summit -exports") == ["https://a/1"]


def test_filters(stored: Session) -> None:
    assert urls(stored, "summit OR sommet", source="daily") == ["https://a/3"]
    assert urls(stored, "summit OR sommet", language="fr") == ["https://a/3"]
    assert urls(stored, "summit", country="ae") == ["https://a/1"]
    assert urls(stored, "summit", since=DAY + timedelta(days=1), until=DAY + timedelta(days=2)) == ["https://a/2"]
    assert urls(stored, "summit", limit=1) == ["https://a/1"]


def test_snippets_highlight_matches(stored: Session) -> None:
    hit = search(stored, "desalination")[0]
    assert "[Desalination]" in hit.snippet
    assert (hit.title, hit.source, hit.language, hit.published_at) == (ARTICLES[0][2], "wire", "en", DAY)
    assert hit.score > 0


def test_updates_are_searchable(stored: Session) -> None:
    stored.execute(update(Article).where(Article.canonical_url == "https://a/4").values(body="Now about hydrogen."))
    assert urls(stored, "hydrogen") == ["https://a/4"]
    assert urls(stored, "goalless") == []


@pytest.mark.parametrize(
    "query",
    ['"unbalanced quote', "water AND (summit", "NEAR(water summit)", "summit*", "title:water", "^water", "a -",
     "OR OR water", "'; DROP TABLE articles; --"],
)
def test_hostile_queries_never_raise_syntax_errors(stored: Session, query: str) -> None:
    search(stored, query)


@pytest.mark.parametrize(("query", "message"), [("", "give at least one word"), ("!!! ???", "give at least one word"),
                                                ("-water", "every word is excluded")])
def test_empty_queries_are_refused_clearly(stored: Session, query: str, message: str) -> None:
    with pytest.raises(SearchError, match=message):
        search(stored, query)


def test_fts5_translation() -> None:
    assert fts5_query('water "abu dhabi" OR rabat -football') == (
        '("water" AND "abu dhabi") OR ("rabat") NOT "football"')
