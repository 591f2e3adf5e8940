"""Re-derive stored articles with the current code and config, updating rows in place.

- ``reprocess``: re-extract from the kept HTML (``keep_html = true`` sources), then re-judge;
- ``rescore``: re-judge the stored text against the current ``[topic]`` rules.

An article's canonical URL (its identity) never changes. Articles that no
longer match the topic are kept and marked ``relevant = false``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crawler._limits import FieldLimits
from crawler.config import AccordsConfig, SourceConfig
from crawler.gazetteer import gazetteer
from crawler.normalize import NormalizedArticle, normalize
from crawler.relevance import TopicMatcher
from crawler.urls import QueryRules
from storage.articles import article_ids, articles_by_ids, update_article
from storage.pages import article_ids_with_pages, articles_with_pages
from storage.session import Database, database

BATCH_SIZE = 200
REEXTRACTED_FIELDS = (
    "url", "site_name", "title", "authors", "published_at", "modified_at", "language", "description",
    "body", "word_count", "tags", "section", "image_url", "field_sources",
)


@dataclass
class ReprocessReport:
    articles: int = 0
    changed_articles: int = 0
    now_relevant: int = 0
    now_off_topic: int = 0
    field_changes: Counter[str] = field(default_factory=Counter)

    def add(self, was_relevant: bool, changed: list[str], relevant: bool) -> None:
        self.articles += 1
        self.changed_articles += bool(changed)
        self.field_changes.update(changed)
        self.now_relevant += relevant and not was_relevant
        self.now_off_topic += was_relevant and not relevant


class _Judge:
    """The topic verdict and country mentions of an article's text, as column values."""

    def __init__(self, config: AccordsConfig) -> None:
        self._matcher = TopicMatcher(config.topic)

    def __call__(self, title: str, description: str | None, body: str,
                 language: str | None) -> tuple[dict[str, Any], dict[str, int]]:
        verdict = self._matcher.judge(title, description, body, language)
        values = {"relevance_score": verdict.score, "matched_terms": verdict.matched_terms,
                  "relevance_rule": verdict.rule, "relevant": verdict.relevant}
        return values, dict(gazetteer().count(title, description or "", body))


def reprocess(config: AccordsConfig, source: str | None = None,
              since: datetime | None = None) -> ReprocessReport:
    """Re-extract every article with kept HTML (of ``source``, published since ``since``)."""
    db = database(config.database.url)
    judge = _Judge(config)
    sources = {s.name: s for s in config.sources}
    report = ReprocessReport()
    with db.Session() as session:
        ids = article_ids_with_pages(session, source=source, since=since)
    for chunk in _chunks(ids):
        with db.Session.begin() as session:
            for article, page in articles_with_pages(session, chunk):
                normalized = _normalize(page.url, page.text, page.headers, sources.get(article.source.name),
                                        config.crawl.field_limits)
                values = {name: getattr(normalized, name) for name in REEXTRACTED_FIELDS}
                verdict, countries = judge(normalized.title, normalized.description, normalized.body,
                                           normalized.language)
                was_relevant = article.relevant
                report.add(was_relevant, update_article(article, values | verdict, countries),
                           verdict["relevant"])
    return report


def rescore(config: AccordsConfig, source: str | None = None,
            since: datetime | None = None) -> ReprocessReport:
    """Re-judge every stored article (of ``source``, published since ``since``) against the topic."""
    db = database(config.database.url)
    judge = _Judge(config)
    report = ReprocessReport()
    with db.Session() as session:
        ids = article_ids(session, source=source, since=since)
    for chunk in _chunks(ids):
        _rescore_chunk(db, chunk, judge, report)
    return report


def _rescore_chunk(db: Database, ids: Sequence[int], judge: _Judge, report: ReprocessReport) -> None:
    with db.Session.begin() as session:
        for article in articles_by_ids(session, ids):
            verdict, countries = judge(article.title, article.description, article.body, article.language)
            was_relevant = article.relevant
            report.add(was_relevant, update_article(article, verdict, countries), verdict["relevant"])


def _normalize(url: str, html: str, headers: dict[str, str], source: SourceConfig | None,
               limits: FieldLimits) -> NormalizedArticle:
    if source is None:  # the source has left the config: default rules
        return normalize(url, html, headers, limits=limits)
    return normalize(url, html, headers, rules=QueryRules(source.keep_query_params, source.drop_query_params),
                     language_hint=source.language, timezone=source.tzinfo, limits=limits)


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), BATCH_SIZE):
        yield ids[start : start + BATCH_SIZE]


