"""Exports of stored articles as JSON Lines or CSV, streamed row by row.

The field names are a stable interface: later versions add fields, never rename.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from datetime import datetime
from typing import IO, Any

from storage.models import Article

EXPORT_FIELDS: tuple[str, ...] = (
    "id",
    "canonical_url",
    "url",
    "source",
    "site_name",
    "title",
    "authors",
    "published_at",
    "modified_at",
    "language",
    "description",
    "body",
    "word_count",
    "tags",
    "relevance_score",
    "matched_terms",
    "first_seen_at",
    "fetched_at",
    "section",
    "image_url",
    "field_sources",
    "relevant",
    "relevance_rule",
    "countries",
)
EXPORT_FORMATS = ("jsonl", "csv")


def export_record(article: Article) -> dict[str, Any]:
    """One article as the export's field names and JSON-ready values."""
    return {
        "id": article.id,
        "canonical_url": article.canonical_url,
        "url": article.url,
        "source": article.source.name,
        "site_name": article.site_name,
        "title": article.title,
        "authors": list(article.authors),
        "published_at": _iso(article.published_at),
        "modified_at": _iso(article.modified_at),
        "language": article.language,
        "description": article.description,
        "body": article.body,
        "word_count": article.word_count,
        "tags": list(article.tags),
        "relevance_score": article.relevance_score,
        "matched_terms": dict(article.matched_terms),
        "first_seen_at": _iso(article.first_seen_at),
        "fetched_at": _iso(article.fetched_at),
        "section": article.section,
        "image_url": article.image_url,
        "field_sources": dict(article.field_sources),
        "relevant": article.relevant,
        "relevance_rule": article.relevance_rule,
        "countries": {country.country_code: country.mentions for country in article.countries},
    }


def write_export(articles: Iterable[Article], output: IO[str], format: str) -> int:
    """Write every article to ``output``; returns how many were written."""
    if format == "jsonl":
        return _write_jsonl(articles, output)
    if format == "csv":
        return _write_csv(articles, output)
    raise ValueError(f"unknown export format {format!r} (expected one of {', '.join(EXPORT_FORMATS)})")


def _write_jsonl(articles: Iterable[Article], output: IO[str]) -> int:
    count = 0
    for count, article in enumerate(articles, start=1):  # noqa: B007
        output.write(json.dumps(export_record(article), ensure_ascii=False) + "\n")
    return count


def _write_csv(articles: Iterable[Article], output: IO[str]) -> int:
    writer = csv.DictWriter(output, fieldnames=EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for count, article in enumerate(articles, start=1):  # noqa: B007
        record = export_record(article)
        for name in ("authors", "tags", "matched_terms", "field_sources", "countries"):
            record[name] = json.dumps(record[name], ensure_ascii=False)
        writer.writerow(record)
    return count


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
