"""Full-text search over stored articles, the same API on SQLite (FTS5) and PostgreSQL (tsvector).

Query syntax, on both databases (PostgreSQL's ``websearch_to_tsquery`` rules):
words are all required; ``"a phrase"`` in double quotes must appear as is;
``OR`` between two parts accepts either; ``-word`` excludes. Anything else
(FTS operators, brackets, stray quotes, ``*``) is read as plain words, so no
query can make the database raise a syntax error. Results are ranked (title
matches weigh most) and carry a snippet with the matches in ``[brackets]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, column, func, literal_column, select, table, text
from sqlalchemy.orm import Session

from storage.models import Article, ArticleCountry, Source

SNIPPET_WORDS = 24
#: the SQLite FTS5 table made by migration 0007
_FTS = table("articles_fts", column("rowid"))
MAX_LIMIT = 1000
_TOKEN = re.compile(r'"[^"]*"?|\S+')
_WORD = re.compile(r"\w+")


class SearchError(ValueError):
    """The query has nothing to search for; the message says why."""


@dataclass(frozen=True)
class SearchFilters:
    source: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    language: str | None = None
    country: str | None = None
    limit: int = 20


@dataclass(frozen=True)
class SearchHit:
    article_id: int
    canonical_url: str
    title: str
    source: str
    published_at: datetime | None
    language: str | None
    score: float
    snippet: str


def search(session: Session, query: str, filters: SearchFilters = SearchFilters()) -> list[SearchHit]:
    """Ranked matches of ``query``; ``SearchError`` when it contains no word."""
    if not _WORD.search(query):
        raise SearchError(f"nothing to search for in {query!r}: give at least one word")
    limit = max(1, min(filters.limit, MAX_LIMIT))
    expression = fts5_query(query)  # also rejects a query of exclusions only, on both databases
    if session.get_bind().dialect.name == "postgresql":
        return _postgres(session, query, filters, limit)
    return _sqlite(session, expression, filters, limit)


def fts5_query(query: str) -> str:
    """The user's query as a safe FTS5 expression (every word and phrase quoted)."""
    groups: list[list[str]] = [[]]
    negated: list[str] = []
    for token in _TOKEN.findall(query):
        if token == "OR":
            if groups[-1]:
                groups.append([])
            continue
        exclude = token.startswith("-") and len(token) > 1
        words = _WORD.findall(token)
        if not words:
            continue
        term = '"' + " ".join(words) + '"'
        if exclude:
            negated.append(term)
        else:
            groups[-1].append(term)
    alternatives = [" AND ".join(group) for group in groups if group]
    if not alternatives:
        raise SearchError("nothing to search for: every word is excluded")
    expression = " OR ".join(f"({alternative})" for alternative in alternatives)
    return expression + "".join(f" NOT {term}" for term in negated)


def _filtered(statement: Select[Any], filters: SearchFilters) -> Select[Any]:
    day = func.coalesce(Article.published_at, Article.first_seen_at)
    if filters.source:
        statement = statement.where(Source.name == filters.source)
    if filters.since:
        statement = statement.where(day >= filters.since)
    if filters.until:
        statement = statement.where(day < filters.until)
    if filters.language:
        statement = statement.where(Article.language == filters.language)
    if filters.country:
        statement = statement.where(Article.id.in_(
            select(ArticleCountry.article_id).where(ArticleCountry.country_code == filters.country.upper())))
    return statement


def _columns() -> tuple[Any, ...]:
    return (Article.id, Article.canonical_url, Article.title, Source.name, Article.published_at, Article.language)


def _sqlite(session: Session, expression: str, filters: SearchFilters, limit: int) -> list[SearchHit]:
    rank: Any = literal_column("bm25(articles_fts, 10.0, 5.0, 1.0)")
    snippet: Any = literal_column(f"snippet(articles_fts, 2, '[', ']', '…', {SNIPPET_WORDS})")
    statement = (
        select(*_columns(), rank, snippet)
        .select_from(_FTS)
        .join(Article, _FTS.c.rowid == Article.id)
        .join(Source, Source.id == Article.source_id)
        .where(text("articles_fts MATCH :expression").bindparams(expression=expression))
        .order_by(rank, Article.id)
        .limit(limit)
    )
    return [_hit(row, -float(row[6])) for row in session.execute(_filtered(statement, filters)).all()]


def _postgres(session: Session, query: str, filters: SearchFilters, limit: int) -> list[SearchHit]:
    tsquery = func.websearch_to_tsquery(text("'simple'"), query)
    rank = func.ts_rank_cd(literal_column("articles.search_vector"), tsquery)
    snippet = func.ts_headline(
        text("'simple'"), Article.body, tsquery,
        f"StartSel=[, StopSel=], MaxWords={SNIPPET_WORDS}, MinWords={SNIPPET_WORDS // 2}, FragmentDelimiter=…",
    )
    statement = (
        select(*_columns(), rank, snippet)
        .join(Source, Source.id == Article.source_id)
        .where(literal_column("articles.search_vector").op("@@")(tsquery))
        .order_by(rank.desc(), Article.id)
        .limit(limit)
    )
    return [_hit(row, float(row[6])) for row in session.execute(_filtered(statement, filters)).all()]


def _hit(row: Any, score: float) -> SearchHit:
    article_id, url, title, source, published_at, language, _, snippet = row
    return SearchHit(article_id, url, title, source, published_at, language, round(score, 4),
                     " ".join(str(snippet).split()))
