from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from crawler.middlewares import SeenRedirectMiddleware
from crawler.urls import QueryRules

STORED = "https://e.com/2026/11/story.html"


@dataclass
class SpiderStandIn:
    """What the middleware reads of the news spider: its run, its URL rules and the seen check."""

    run: object | None = object()
    rules: QueryRules = field(default_factory=QueryRules)
    asked: list[list[str]] = field(default_factory=list)

    def already_seen(self, url_keys: list[str]) -> set[str]:
        self.asked.append(url_keys)
        return {key for key in url_keys if key == STORED}


@dataclass
class CrawlerStandIn:
    spider: SpiderStandIn
    settings: Settings = field(default_factory=Settings)
    stats: Any = None

    def __post_init__(self) -> None:
        self.stats = MemoryStatsCollector(self)  # type: ignore[arg-type]


def _redirected(url: str, **meta: Any) -> Request:
    return Request(url, meta={"redirect_urls": ["https://e.com/old-path/story"], **meta})


def test_a_redirect_to_a_stored_article_is_dropped_and_counted() -> None:
    crawler = CrawlerStandIn(SpiderStandIn())
    middleware = SeenRedirectMiddleware(crawler)  # type: ignore[arg-type]
    with pytest.raises(IgnoreRequest, match="already stored or judged off-topic"):
        asyncio.run(middleware.process_request(_redirected(STORED + "?utm_source=rss")))
    assert crawler.spider.asked == [[STORED]]  # asked by its canonical key
    assert crawler.stats.get_value("accords/skipped_seen") == 1


def test_other_requests_pass_and_only_redirects_are_looked_up() -> None:
    crawler = CrawlerStandIn(SpiderStandIn())
    middleware = SeenRedirectMiddleware(crawler)  # type: ignore[arg-type]
    assert asyncio.run(middleware.process_request(_redirected("https://e.com/2026/11/new.html"))) is None
    assert asyncio.run(middleware.process_request(Request(STORED))) is None  # not a redirect: checked before
    assert asyncio.run(middleware.process_request(_redirected(STORED, accords_entry=True))) is None  # a feed
    assert crawler.spider.asked == [["https://e.com/2026/11/new.html"]]
    assert crawler.stats.get_value("accords/skipped_seen") is None


def test_before_the_run_is_open_nothing_is_looked_up() -> None:
    crawler = CrawlerStandIn(SpiderStandIn(run=None))
    middleware = SeenRedirectMiddleware(crawler)  # type: ignore[arg-type]
    assert asyncio.run(middleware.process_request(_redirected(STORED))) is None
    assert crawler.spider.asked == []
