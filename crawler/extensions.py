"""Scrapy extensions."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import signals
from twisted.internet.threads import deferToThread

from crawler._run import RunOutcome, run_outcome
from storage.retry import DatabaseUnavailable, with_retries
from storage.runs import finish_run
from storage.session import database

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)


class CrawlRunRecorder:
    """Closes the run's ``crawl_runs`` row with its status, counts, Scrapy stats and errors.

    The outcome is also left on ``spider.run_outcome`` for the CLI's summary.
    Reads no settings.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRunRecorder:
        recorder = cls(crawler)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def spider_closed(self, spider: Spider, reason: str) -> Deferred[None] | None:
        run = getattr(spider, "run", None)
        if run is None:
            logger.error("source %s: the crawl ended before its run was recorded", spider.name)
            return None
        assert self.crawler.stats is not None
        stats = {k: _jsonable(v) for k, v in self.crawler.stats.get_stats().items()}
        outcome = run_outcome(run, stats, reason)
        spider.run_outcome = outcome  # type: ignore[attr-defined]
        return deferToThread(self._save, spider, outcome, stats)

    def _save(self, spider: Spider, outcome: RunOutcome, stats: dict[str, object]) -> None:
        config = spider.config  # type: ignore[attr-defined]
        run_id = spider.run.run_id  # type: ignore[attr-defined]
        db = database(config.database.url)

        def transaction() -> None:
            with db.Session.begin() as session:
                finish_run(session, run_id, outcome.status, outcome.counts, stats, outcome.error_text)

        try:
            with_retries(transaction, config.database.retry_seconds, f"recording crawl run {run_id}")
        except DatabaseUnavailable as error:  # left ``running``: the next crawl of the source marks it abandoned
            logger.error("source %s: %s", spider.name, error)


def _jsonable(value: object) -> object:
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    return str(value)
