"""Downloader middlewares."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest

from crawler.config import SourceConfig
from crawler.urls import canonical_url

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler


class SourceScopeMiddleware:
    """Drop requests (redirect targets included) outside the source's domains.

    Unlike Scrapy's OffsiteMiddleware, a domain written with a port only admits
    that port, so several sites on one host stay apart. Requests whose meta has
    ``accords_unscoped`` (configured feeds, sitemaps, start URLs) pass.
    Reads no settings; counts ``offsite/filtered``.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SourceScopeMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if request.meta.get("accords_unscoped") or request.meta.get("dont_obey_robotstxt"):
            return
        source: SourceConfig | None = getattr(self.crawler.spider, "source", None)
        if source is not None and not source.admits(request.url):
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("offsite/filtered")
            denied = f" or on a denied one {list(source.denied_domains)}" if source.denied_domains else ""
            raise IgnoreRequest(f"{request.url} is outside the source's domains {list(source.scope)}{denied}")


class SeenRedirectMiddleware:
    """Drop a redirect whose target is an article URL already stored or judged off-topic.

    The spider skips known URLs before requesting them; this catches the ones
    only a redirect reveals (``/old-path/story`` → ``/2026/11/story.html``), with
    one database lookup off the reactor thread per redirect.
    Reads no settings; counts ``accords/skipped_seen``.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SeenRedirectMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        if not request.meta.get("redirect_urls") or request.meta.get("accords_entry"):
            return
        spider = self.crawler.spider
        if getattr(spider, "run", None) is None:
            return
        key = canonical_url(request.url, spider.rules)  # type: ignore[union-attr]
        if await asyncio.to_thread(spider.already_seen, [key]):  # type: ignore[union-attr]
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("accords/skipped_seen")
            raise IgnoreRequest(f"{request.url} was already stored or judged off-topic")
