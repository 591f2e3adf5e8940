"""Scrapy settings for Accords Monitor (``scrapy.cfg`` points here).

Politeness defaults: robots.txt obeyed, AutoThrottle on, at most 2 concurrent
requests per domain, a 30 s download timeout, 2 retries and a User-Agent that
names the project. The config file's ``[crawl]`` table overrides them.

Project settings (all prefixed ``ACCORDS_``):
- ``ACCORDS_CONFIG``: path of the config file (default: ``$ACCORDS_CONFIG`` or ./accords.toml);
- ``ACCORDS_BATCH_SIZE``: articles written to the database per transaction (default 50);
- ``ACCORDS_RUN_ID``: record the crawl in this existing ``crawl_runs`` row (set by the service).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crawler.config import DEFAULT_USER_AGENT

if TYPE_CHECKING:
    from crawler.config import CrawlConfig

CONFIG_SETTING = "ACCORDS_CONFIG"
RUN_ID_SETTING = "ACCORDS_RUN_ID"
BATCH_SIZE_SETTING = "ACCORDS_BATCH_SIZE"
DEFAULT_BATCH_SIZE = 50

BOT_NAME = "accords"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

ACCORDS_CONFIG = None
ACCORDS_RUN_ID = None
ACCORDS_BATCH_SIZE = DEFAULT_BATCH_SIZE

USER_AGENT = DEFAULT_USER_AGENT
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
#: what one response yields (an article, or a listing's requests) handled at once. Scrapy's default,
#: 100, starts 101 asyncio tasks for every response (``_parallel_asyncio``), for pages that yield one
#: article at most and requests that are queued without waiting: with 4, a 2,400-page crawl's own
#: process took 11.6-12.5 s of CPU instead of 15.6-17.5 (bench/README.md, seventh round)
CONCURRENT_ITEMS = 4
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 2
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
REDIRECT_MAX_TIMES = 10
#: longer URLs cannot be stored (articles.url is 2,048 characters)
URLLENGTH_LIMIT = 2048
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"

DOWNLOADER_MIDDLEWARES = {
    # Replaced by a scope check that also tells sites apart by port.
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "crawler.middlewares.SourceScopeMiddleware": 50,
    "crawler.middlewares.SeenRedirectMiddleware": 60,
    # Reads only the head of a page for a meta refresh, not the whole page decoded (Scrapy's order, 580).
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.middlewares.HeadMetaRefreshMiddleware": 580,
}
ITEM_PIPELINES = {
    "crawler.pipelines.TopicPipeline": 100,
    "crawler.pipelines.StoragePipeline": 300,
}
EXTENSIONS = {
    "crawler.extensions.CrawlRunRecorder": 500,
}


def crawl_settings(crawl: CrawlConfig) -> dict[str, Any]:
    """The Scrapy settings the config file's ``[crawl]`` table sets."""
    return {
        "USER_AGENT": crawl.user_agent,
        "ROBOTSTXT_OBEY": crawl.obey_robots_txt,
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrent_requests_per_domain,
        "DOWNLOAD_DELAY": crawl.download_delay,
        "AUTOTHROTTLE_START_DELAY": max(crawl.download_delay, 0.1),
        "DOWNLOAD_TIMEOUT": crawl.download_timeout,
        "RETRY_TIMES": crawl.retry_times,
        "DOWNLOAD_MAXSIZE": int(crawl.max_response_mb * 1024 * 1024),
        "DOWNLOAD_WARNSIZE": int(crawl.max_response_mb * 1024 * 1024 / 2),
        "AUTOTHROTTLE_ENABLED": crawl.autothrottle,
    }
