"""Query sources (``type = "gdelt"`` or ``"google_news"``): a topic search instead of a site's feeds.

GDELT's DOC 2.0 API (``mode=ArtList``, ``format=json``) lists article URLs over a ``timespan``; Google
News' RSS search lists Google redirect URLs, resolved here to the publisher's URL: an old-format ID
holds the URL, a new-format one is resolved in two requests (the article page gives a signature and
a timestamp, ``batchexecute`` answers the URL). A URL that cannot be resolved is recorded on the
frontier as ``skipped`` with the reason, never stored. Every article URL then goes through the same
checks (age, ``allowed_domains``/``denied_domains``, seen) and pipeline as a site's.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from typing import TYPE_CHECKING

from scrapy import Request
from scrapy.http import Response

from crawler import discovery
from crawler._feeds import FeedError, read_feed
from crawler.urls import canonical_url
from storage.models import FrontierState

if TYPE_CHECKING:
    from crawler.spiders.news import NewsSpider

ARTICLE_ID_META = "accords_google_news_id"
GOOGLE_NEWS_URL_META = "accords_google_news_url"
DEFAULTS = {"timespan": "1d", "hl": "en-US", "gl": "US", "ceid": "US:en"}


class QueryDiscovery:
    """The search requests and callbacks of one query source's crawl."""

    def __init__(self, spider: NewsSpider) -> None:
        self.spider = spider

    def query_requests(self) -> list[Request]:
        source = self.spider.source
        meta = {"accords_entry": True, "accords_unscoped": True}
        if source.type == "gdelt":
            url = discovery.gdelt_request_url(source.service_url, self._query(discovery.gdelt_query),
                                              source.timespan or DEFAULTS["timespan"])
            return [Request(url, callback=self.parse_gdelt, errback=self.spider.on_error, dont_filter=True, meta=meta)]
        if source.type == "google_news":
            url = discovery.google_news_search_url(
                source.service_url, self._query(discovery.google_news_query), source.hl or DEFAULTS["hl"],
                source.gl or DEFAULTS["gl"], source.ceid or DEFAULTS["ceid"])
            return [Request(url, callback=self.parse_google_news, errback=self.spider.on_error, dont_filter=True,
                            meta=meta)]
        return []

    def _query(self, build: Callable[[Sequence[str]], str]) -> str:
        """The source's ``query``, else the topic's terms in every language, as the service expects them."""
        topic = self.spider.config.topic
        return self.spider.source.query or build([*topic.terms, *(t for terms in topic.terms_by_language.values()
                                                           for t in terms)])

    async def parse_gdelt(self, response: Response) -> AsyncIterator[Request]:
        self.spider._note_entry_reached(response)
        try:
            articles = discovery.read_gdelt(response.body)
        except discovery.DiscoveryError as exc:
            self.spider._error(f"{response.url}: {exc}")
            return
        self.spider.crawler.stats.set_value("accords/query_results", len(articles))
        requests = [request for article in articles for request in self.spider._candidate(article.url, article.seen_at,
                                                                                    "gdelt")]
        async for request in self.spider._discovered(requests):
            yield request

    async def parse_google_news(self, response: Response) -> AsyncIterator[Request]:
        self.spider._note_entry_reached(response)
        try:
            entries = read_feed(response.body)
        except FeedError as exc:
            self.spider._error(f"{response.url}: {exc}")
            return
        self.spider.crawler.stats.set_value("accords/query_results", len(entries))
        requests: list[Request] = []
        for entry in entries:
            link = response.urljoin(entry.url)
            article_id = discovery.google_news_article_id(link)
            publisher = discovery.decode_old_google_news_id(article_id) if article_id else link
            if publisher is not None:
                requests.extend(self.spider._candidate(publisher, entry.published, "google_news"))
            else:  # a new-format ID: its page gives what batchexecute needs
                requests.append(Request(link, callback=self.parse_google_news_page, errback=self.spider.on_error,
                                        meta={ARTICLE_ID_META: article_id, GOOGLE_NEWS_URL_META: link,
                                              "accords_unscoped": True}))
        async for request in self.spider._discovered(requests):
            yield request

    def parse_google_news_page(self, response: Response) -> list[Request]:
        article_id = response.meta[ARTICLE_ID_META]
        link = response.meta[GOOGLE_NEWS_URL_META]
        params = discovery.decoding_params(response.text) if hasattr(response, "text") else None
        endpoint = discovery.batchexecute_url(link)
        if params is None or endpoint is None:
            self._unresolved(link, "its page gives no decoding signature")
            return []
        signature, timestamp = params
        return [Request(endpoint, method="POST", body=discovery.batchexecute_body(article_id, timestamp, signature),
                        headers={"Content-Type": discovery.BATCHEXECUTE_CONTENT_TYPE},
                        callback=self.parse_batchexecute, errback=self.spider.on_error, dont_filter=True,
                        meta={GOOGLE_NEWS_URL_META: link, "accords_unscoped": True})]

    async def parse_batchexecute(self, response: Response) -> AsyncIterator[Request]:
        link = response.meta[GOOGLE_NEWS_URL_META]
        publisher = discovery.read_batchexecute(response.text) if hasattr(response, "text") else None
        if publisher is None:
            self._unresolved(link, "Google's batchexecute answer holds no URL")
            requests: list[Request] = []
        else:
            requests = list(self.spider._candidate(publisher, None, "google_news"))
        async for request in self.spider._discovered(requests):
            yield request

    def _unresolved(self, link: str, why: str) -> None:
        """A Google News URL that could not be resolved: recorded as such on the frontier, never fetched."""
        self.spider.crawler.stats.inc_value("accords/unresolved")
        key = canonical_url(link, self.spider.rules)
        self.spider.frontier.discover(link, key, "google_news")
        self.spider.frontier.outcome(key, FrontierState.SKIPPED, f"Google News URL could not be resolved: {why}")
        self.spider.logger.info("%s: not resolved: %s", link, why)
