"""Item pipelines: judge each article against the topic, then store it.

``TopicPipeline`` sets ``item.verdict`` and the country mentions.
``StoragePipeline`` writes relevant articles in batches of ``ACCORDS_BATCH_SIZE``
on a dedicated database thread (so the crawl never waits on the database), each
in its story (copies and near-copies of a stored article join that article's
story; ``[dedup] threshold``; see storage/stories.py), records the URLs of
off-topic articles so they are not downloaded again, and drops those items.

A write that fails because the database is down, locked or full is retried
for ``[database] retry_seconds`` (storage/retry.py); items keep arriving and
wait in the batch meanwhile. When the budget runs out, the crawl is stopped
with the finish reason ``database_unavailable`` (the run ends ``failed``); the
articles not written were not marked as seen, so the next run fetches them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from scrapy.exceptions import DropItem

from crawler.fingerprint import BodySimilarity, fingerprint
from crawler.gazetteer import gazetteer
from crawler.relevance import TopicMatcher
from crawler.settings import BATCH_SIZE_SETTING, DEFAULT_BATCH_SIZE
from storage.articles import ArticleRow, StoreResult, record_irrelevant, store_articles
from storage.retry import DatabaseUnavailable, with_retries
from storage.session import database

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.items import ArticleItem
    from crawler.spiders.news import NewsSpider

logger = logging.getLogger(__name__)

#: finish reason of a crawl whose database stayed unavailable past ``[database] retry_seconds``
DATABASE_UNAVAILABLE_REASON = "database_unavailable"


class TopicPipeline:
    """Scores each article against the config's ``[topic]``. Reads no settings."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._matcher: TopicMatcher | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TopicPipeline:
        return cls(crawler)

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        if item.verdict is not None:  # judged by the extraction worker already
            return item
        if self._matcher is None:
            spider: NewsSpider = self.crawler.spider  # type: ignore[assignment]
            self._matcher = TopicMatcher(spider.config.topic)
        article = item.article
        item.verdict = self._matcher.judge(article.title, article.description, article.body, article.language)
        item.countries = dict(gazetteer().count(article.title, article.description or "", article.body))
        return item


class StoragePipeline:
    """Batches writes to the database. Reads ``ACCORDS_BATCH_SIZE``."""

    def __init__(self, crawler: Crawler, batch_size: int) -> None:
        self.crawler = crawler
        self.batch_size = batch_size
        self._rows: list[ArticleRow] = []
        self._irrelevant: list[str] = []
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="accords-db")
        self._unavailable: DatabaseUnavailable | None = None
        self._closing: asyncio.Future[None] | None = None
        self._spider_closing = False
        self._database_seconds = 0.0
        #: CPU time of this process's database thread inside those transactions
        self._database_cpu_seconds = 0.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoragePipeline:
        batch_size = crawler.settings.getint(BATCH_SIZE_SETTING, DEFAULT_BATCH_SIZE)
        return cls(crawler, max(1, batch_size))

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        verdict = item.verdict
        stats = self.crawler.stats
        assert verdict is not None and stats is not None, "TopicPipeline must run first"
        if not verdict.relevant:
            self._irrelevant.extend(item.url_keys)
            stats.inc_value("accords/irrelevant")
            raise DropItem(f"not about the topic ({verdict.rule}): {item.article.url}", log_level="DEBUG")
        self._rows.append(_row(item))
        if len(self._rows) >= self.batch_size:
            await self._flush()
        return item

    async def close_spider(self) -> None:
        self._spider_closing = True
        try:
            await self._flush()
        finally:
            self._executor.shutdown(wait=True)

    async def _flush(self) -> None:
        rows, self._rows = self._rows, []
        irrelevant, self._irrelevant = self._irrelevant, []
        if not rows and not irrelevant:
            return
        stats = self.crawler.stats
        assert stats is not None
        if self._unavailable is None:
            loop = asyncio.get_running_loop()
            try:
                result = await loop.run_in_executor(self._executor, self._write, rows, irrelevant)
            except DatabaseUnavailable as error:
                self._give_up(error)
            else:
                stats.inc_value("accords/articles_stored", len(result.stored))
                stats.inc_value("accords/duplicates", len(result.duplicates))
                stats.inc_value("accords/copies", len(result.copies))
                stats.inc_value("accords/updated", len(result.updated))
                return
        stats.inc_value("accords/not_stored", len(rows))

    def _write(self, rows: list[ArticleRow], irrelevant: list[str]) -> StoreResult:
        spider: NewsSpider = self.crawler.spider  # type: ignore[assignment]
        db = database(spider.config.database.url)
        check = BodySimilarity(spider.config.dedup.threshold)

        def transaction() -> StoreResult:
            started, started_cpu = time.perf_counter(), time.thread_time()
            with db.Session.begin() as session:
                result = store_articles(session, spider.run.source_id, spider.run.run_id, rows, check)
                record_irrelevant(session, spider.run.source_id, irrelevant)
            self._database_seconds += time.perf_counter() - started
            self._database_cpu_seconds += time.thread_time() - started_cpu
            stats = self.crawler.stats
            assert stats is not None
            stats.set_value("accords/database_seconds", round(self._database_seconds, 3))
            stats.set_value("accords/database_cpu_seconds", round(self._database_cpu_seconds, 3))
            return result

        return with_retries(transaction, spider.config.database.retry_seconds,
                            f"storing {len(rows)} articles of {spider.source.name}", on_retry=self._count_retry)

    def _count_retry(self, _reason: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("accords/database_retries")

    def _give_up(self, error: DatabaseUnavailable) -> None:
        """Stop the crawl: whatever it fetches from now on could not be stored."""
        self._unavailable = error
        spider: NewsSpider = self.crawler.spider  # type: ignore[assignment]
        spider.run.add_error(f"{error}; the articles not stored are fetched again by the next run")
        logger.error("source %s: %s", spider.source.name, error)
        assert self.crawler.engine is not None
        if not self._spider_closing:
            self._closing = asyncio.ensure_future(
                self.crawler.engine.close_spider_async(reason=DATABASE_UNAVAILABLE_REASON))


def _row(item: ArticleItem) -> ArticleRow:
    article, verdict = item.article, item.verdict
    assert verdict is not None
    content_hash, band_keys = item.content_hash, item.band_keys
    if content_hash is None:
        prints = fingerprint(article.body)
        content_hash, band_keys = prints.content_hash, prints.band_keys
    return ArticleRow(
        content_hash=content_hash,
        band_keys=band_keys,
        canonical_url=article.canonical_url,
        url=article.url,
        title=article.title,
        body=article.body,
        word_count=article.word_count,
        relevance_score=verdict.score,
        fetched_at=item.fetched_at,
        site_name=article.site_name,
        authors=list(article.authors),
        published_at=article.published_at,
        modified_at=article.modified_at,
        language=article.language,
        description=article.description,
        tags=list(article.tags),
        section=article.section,
        image_url=article.image_url,
        field_sources=dict(article.field_sources),
        matched_terms=dict(verdict.matched_terms),
        relevance_rule=verdict.rule,
        countries=item.countries,
        url_keys=item.url_keys,
        page=item.page,
    )
