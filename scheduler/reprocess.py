"""Re-extract stored articles from their kept HTML with the current code, updating rows in place.

The canonical URL (an article's identity) is left as it is; every other
extracted field, the relevance score and the matched terms are recomputed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crawler.config import AccordsConfig, SourceConfig
from crawler.normalize import NormalizedArticle, normalize
from crawler.relevance import TopicMatcher
from crawler.urls import QueryRules
from storage.articles import update_article
from storage.pages import article_ids_with_pages, articles_with_pages
from storage.session import database

BATCH_SIZE = 200
REEXTRACTED_FIELDS = (
    "url", "site_name", "title", "authors", "published_at", "modified_at", "language", "description",
    "body", "word_count", "tags", "section", "image_url", "field_sources",
)


@dataclass
class ReprocessReport:
    articles: int = 0
    changed_articles: int = 0
    off_topic: int = 0
    field_changes: Counter[str] = field(default_factory=Counter)


def reprocess(
    config: AccordsConfig, source: str | None = None, since: datetime | None = None
) -> ReprocessReport:
    """Re-extract every article with kept HTML (of ``source``, published since ``since``)."""
    db = database(config.database.url)
    matcher = TopicMatcher(config.topic)
    sources = {s.name: s for s in config.sources}
    report = ReprocessReport()
    with db.Session() as session:
        ids = article_ids_with_pages(session, source=source, since=since)
    for chunk in _chunks(ids, BATCH_SIZE):
        with db.Session.begin() as session:
            for article, page in articles_with_pages(session, chunk):
                normalized = _normalize(page.url, page.text, page.headers, sources.get(article.source.name))
                verdict = matcher.judge(normalized.title, normalized.description, normalized.body)
                values: dict[str, Any] = {name: getattr(normalized, name) for name in REEXTRACTED_FIELDS}
                values |= {"relevance_score": verdict.score, "matched_terms": verdict.matched_terms}
                changed = update_article(article, values)
                report.articles += 1
                report.changed_articles += bool(changed)
                report.off_topic += not verdict.relevant
                report.field_changes.update(changed)
    return report


def _normalize(
    url: str, html: str, headers: dict[str, str], source: SourceConfig | None
) -> NormalizedArticle:
    if source is None:  # the source has left the config: default rules
        return normalize(url, html, headers)
    return normalize(url, html, headers, rules=QueryRules(source.keep_query_params, source.drop_query_params),
                     language_hint=source.language, timezone=source.tzinfo)


def _chunks(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
