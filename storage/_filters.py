"""Filters shared by the article queries."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from sqlalchemy import Select, func

from storage.models import Article, Source

T = TypeVar("T")


def filter_articles(statement: Select[T], source: str | None, since: datetime | None) -> Select[T]:
    """Keep one source's articles, and those published (undated: first seen) at or after ``since``."""
    if source is not None:
        statement = statement.join(Source, Source.id == Article.source_id).where(Source.name == source)
    if since is not None:
        statement = statement.where(func.coalesce(Article.published_at, Article.first_seen_at) >= since)
    return statement
