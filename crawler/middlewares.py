"""Downloader middlewares."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.utils.httpobj import urlparse_cached
from w3lib import html

from crawler._encoding import FetchedBody, scrapy_text
from crawler.config import SourceConfig
from crawler.urls import canonical_url

if TYPE_CHECKING:
    from scrapy import Request, Spider
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


class HeadMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's ``MetaRefreshMiddleware`` (same settings, same redirects), decoding only the page's head.

    Scrapy's looks for a ``<meta http-equiv="refresh">`` in a page's first 4,096 characters
    (``scrapy.utils.response.get_meta_refresh``), but decodes the whole page to get them. The crawl
    process then held every page's text, though the extraction workers decode the page themselves
    (``crawler.analysis``). This one decodes the first ``HEAD_BYTES`` bytes, which hold those
    characters, and the whole page only when they do not (a page shorter than that, or whose
    charset takes more bytes per character).
    """

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Request | Response:  # Scrapy's signature; never passed
        if (request.meta.get("dont_redirect", False) or request.method == "HEAD"
                or not isinstance(response, HtmlResponse) or urlparse_cached(request).scheme not in {"http", "https"}):
            return response
        head = head_text(response)
        base_url = html.get_base_url(head, response.url, response.encoding)
        interval, url = html.get_meta_refresh(head, base_url, response.encoding, ignore_tags=self._ignore_tags)
        if not url:
            return response
        redirected = self._redirect_request_using_get(request, response, url)
        if urlparse_cached(redirected).scheme not in {"http", "https"}:
            return response
        if interval is not None and interval < self._maxdelay:
            return self._redirect(redirected, request, "meta refresh")
        return response


#: what Scrapy's ``get_meta_refresh`` and ``get_base_url`` read of a page, in characters
HEAD_CHARS = 4096
#: what ``head_text`` decodes: four bytes a character, the most UTF-8 takes, twice over
HEAD_BYTES = 8 * HEAD_CHARS
#: replacement characters the cut last character of the bytes decoded can give, at most
_CUT_CHARACTER = 8


def head_text(response: TextResponse) -> str:
    """``response.text[:HEAD_CHARS]``, from the first ``HEAD_BYTES`` bytes when they decode to more characters."""
    if len(response.body) > HEAD_BYTES:
        head = scrapy_text(FetchedBody(response.body[:HEAD_BYTES], response.encoding))
        if len(head) >= HEAD_CHARS + _CUT_CHARACTER:
            return head[:HEAD_CHARS]
    return response.text[:HEAD_CHARS]
