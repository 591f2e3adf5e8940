"""Filters shared by the article queries."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from sqlalchemy import Select, func, select

from storage.models import Article, ArticleCountry, Source

T = TypeVar("T")


def filter_articles(
    statement: Select[T], source: str | None, since: datetime | None, until: datetime | None = None,
    country: str | None = None,
) -> Select[T]:
    """Keep one source's articles, those published (undated: first seen) in [``since``, ``until``),
    and those mentioning ``country``."""
    day = func.coalesce(Article.published_at, Article.first_seen_at)
    if source is not None:
        statement = statement.where(Article.source_id.in_(select(Source.id).where(Source.name == source)))
    if since is not None:
        statement = statement.where(day >= since)
    if until is not None:
        statement = statement.where(day < until)
    if country is not None:
        statement = statement.where(Article.id.in_(
            select(ArticleCountry.article_id).where(ArticleCountry.country_code == country.upper())))
    return statement
