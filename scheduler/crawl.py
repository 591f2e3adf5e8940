"""Run crawls of configured sources in this process, reporting each source as it finishes.

Twisted's reactor cannot be restarted, so ``run_crawls`` can be called once per process.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from scrapy.crawler import AsyncCrawlerProcess, Crawler
from scrapy.settings import Settings

from crawler._run import RunOutcome
from crawler.config import AccordsConfig, SourceConfig
from crawler.settings import CONFIG_SETTING, RUN_ID_SETTING
from crawler.spiders.news import NewsSpider
from storage.models import RunStatus
from storage.runs import RunCounts


@dataclass(frozen=True)
class SourceResult:
    source: str
    status: RunStatus
    counts: RunCounts
    error_text: str | None


def crawl_settings_for(config: AccordsConfig, log_level: str, run_id: int | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set(CONFIG_SETTING, str(config.path), priority="cmdline")
    settings.set("LOG_LEVEL", log_level, priority="cmdline")
    if run_id is not None:
        settings.set(RUN_ID_SETTING, run_id, priority="cmdline")
    return settings


#: the cyclic garbage collector's first threshold in a crawl process (Python's default: 700). A crawl
#: allocates many short-lived containers per response (Twisted's Deferreds, asyncio's futures, Scrapy's
#: requests and their dicts), and with the default the collector ran about 1,750 times in a 2,400-page
#: crawl, 2 s of CPU, 1.2 s of it in full passes over the ~170,000 objects of Scrapy, Twisted and
#: SQLAlchemy; with 10,000 from the crawl's start, about 350 times (most while the process imports) and
#: 0.5 s: the crawl process's CPU fell from 4.3-4.6 to 3.7-3.9 ms per page at the same peak memory
#: (bench/README.md, twelfth round)
GC_THRESHOLD = 10_000


#: Loggers whose messages the end-of-source report already carries (unreachable hosts, retries).
_REPORTED_LOGGERS = ("scrapy.downloadermiddlewares.robotstxt", "scrapy.downloadermiddlewares.retry")


def run_crawls(
    config: AccordsConfig,
    sources: Sequence[SourceConfig],
    on_finished: Callable[[SourceResult], None],
    log_level: str = "ERROR",
    run_id: int | None = None,
) -> list[SourceResult]:
    """Crawl ``sources`` concurrently; ``on_finished`` is called as each one ends.

    ``run_id``: the ``crawl_runs`` row to record a single source's crawl in (the service's).
    """
    process = AsyncCrawlerProcess(crawl_settings_for(config, log_level, run_id))
    if log_level != "DEBUG" and logging.getLevelName(log_level) >= logging.ERROR:
        for name in _REPORTED_LOGGERS:
            logging.getLogger(name).setLevel(logging.CRITICAL)
    results: list[SourceResult] = []

    def finished(crawler: Crawler, source: SourceConfig, task: asyncio.Task[None]) -> None:
        result = _result(crawler, source, task)
        results.append(result)
        on_finished(result)

    for source in sources:
        crawler = process.create_crawler(NewsSpider)
        task = process.crawl(crawler, source=source.name)
        task.add_done_callback(partial(finished, crawler, source))
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
    process.start()
    return results


def _result(crawler: Crawler, source: SourceConfig, task: asyncio.Task[None]) -> SourceResult:
    outcome: RunOutcome | None = getattr(crawler.spider, "run_outcome", None)
    if outcome is not None:
        return SourceResult(source.name, outcome.status, outcome.counts, outcome.error_text)
    error = task.exception() if not task.cancelled() else None
    reason = f"{type(error).__name__}: {error}" if error else "the crawl ended before it started"
    return SourceResult(source.name, RunStatus.FAILED, RunCounts(), reason)
