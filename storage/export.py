"""Exports of stored articles as JSON Lines or CSV, streamed row by row.

The field names are a stable interface: later versions add fields, never rename.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from itertools import groupby
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
    "story_id",
    "duplicate_of",
)
#: ``--story-level``: one row per story
STORY_FIELDS: tuple[str, ...] = (
    "story_id",
    "origin_url",
    "title",
    "source",
    "published_at",
    "articles",
    "copies",
    "outlets",
    "canonical_urls",
)
EXPORT_FORMATS = ("jsonl", "csv", "parquet")


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
        "story_id": article.story_id,
        "duplicate_of": article.duplicate_of.canonical_url if article.duplicate_of else None,
    }


def story_records(articles: Iterable[Article]) -> Iterator[dict[str, Any]]:
    """One record per story from articles ordered by story (the story's origin first is not required)."""
    for story_id, group in groupby(articles, key=lambda a: a.story_id):
        members = list(group)
        origin = next((a for a in members if a.duplicate_of_id is None), members[0])
        yield {
            "story_id": story_id,
            "origin_url": origin.canonical_url,
            "title": origin.title,
            "source": origin.source.name,
            "published_at": _iso(origin.published_at),
            "articles": len(members),
            "copies": len(members) - 1,
            "outlets": sorted({a.source.name for a in members}),
            "canonical_urls": [a.canonical_url for a in members],
        }


def export_fields(requested: Sequence[str] | None, story_level: bool) -> tuple[str, ...]:
    """The export's columns: all of them, or the ``requested`` ones in that order."""
    available = STORY_FIELDS if story_level else EXPORT_FIELDS
    if not requested:
        return available
    unknown = [name for name in requested if name not in available]
    if unknown:
        kind = "story " if story_level else ""
        raise ValueError(f"unknown {kind}export field(s): {', '.join(unknown)} (available: {', '.join(available)})")
    return tuple(dict.fromkeys(requested))


def export_rows(articles: Iterable[Article], story_level: bool = False) -> Iterator[dict[str, Any]]:
    return story_records(articles) if story_level else map(export_record, articles)


def write_records(records: Iterable[dict[str, Any]], names: Sequence[str], output: IO[str], format: str) -> int:
    if format not in ("jsonl", "csv"):
        raise ValueError(f"unknown export format {format!r} (expected one of {', '.join(EXPORT_FORMATS)})")
    writer = csv.DictWriter(output, fieldnames=list(names), lineterminator="\n") if format == "csv" else None
    if writer is not None:
        writer.writeheader()
    count = 0
    for count, record in enumerate(records, start=1):  # noqa: B007
        record = {name: record[name] for name in names}
        if writer is None:
            output.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
                             for k, v in record.items()})
    return count


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
