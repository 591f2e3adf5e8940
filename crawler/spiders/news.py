"""The ``news`` spider: one configured source's feeds, sitemaps and section pages.

Run it with ``accords crawl SOURCE`` or ``scrapy crawl news -a source=SOURCE``.
Settings read: ``ACCORDS_CONFIG`` (the config file; else ``$ACCORDS_CONFIG``,
else ./accords.toml) and Scrapy's ``DOWNLOAD_MAXSIZE`` for gzipped sitemaps.

Discovery: feed and sitemap entries dated before the source's
``lookback_days`` are skipped; links on start pages (and on non-article pages
down to ``max_depth``) are followed when they stay in the source's scope and
look like HTML. URLs already stored or judged off-topic are not downloaded again,
except articles published in the last ``revisit_hours`` (the source's), which are
fetched on every run so that edits are kept as versions. Pages are normalized
in the extraction workers of ``crawler/extraction.py`` (``[crawl] extraction_processes``).

Revisits are cheap: feeds and sitemaps are requested with the validators of their
last answer (a 304 is not parsed), child sitemaps unchanged since the last ``ok``
run are not requested, and with ``prefilter`` entries whose title and description
cannot match the topic are skipped. Every article URL found is written to the
frontier (``storage/frontier.py``) before it is requested; the crawl starts with
the frontier's due URLs and records each page's outcome there. Bot challenges,
consent walls and paywall stubs (``crawler/blocked.py``) are not stored. Query
sources (GDELT, Google News) search a service instead (``crawler/spiders/queries.py``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler._encoding import FetchedBody
from crawler._feeds import Entry, FeedError, read_feed, read_sitemap
from crawler._frontier import FrontierBuffer
from crawler._run import SourceRun
from crawler.blocked import blocked_reason
from crawler.config import AccordsConfig, SourceConfig, load_config
from crawler.extraction import ExtractionCrashed, ExtractionPool, extraction_pool, resolved_processes
from crawler.items import ArticleItem
from crawler.relevance import TopicMatcher
from crawler.settings import BATCH_SIZE_SETTING, CONFIG_SETTING, RUN_ID_SETTING, crawl_settings
from crawler.spiders.queries import QueryDiscovery
from crawler.urls import QueryRules, canonical_url, looks_like_html
from storage.articles import seen_among
from storage.frontier import due_urls, last_ok_start, load_validators, revisit_urls
from storage.migrate import is_current, upgrade
from storage.models import FrontierState
from storage.pages import RawPage
from storage.retry import with_retries
from storage.runs import ensure_source, get_run, mark_abandoned, start_run
from storage.session import database

ENTRY_META = "accords_entry"
#: finish reason of a crawl stopped by the source's ``max_pages``
MAX_PAGES_REASON = "max_pages"
#: Requests with this meta key set skip the source-scope check (configured URLs, sitemaps).
UNSCOPED_META = "accords_unscoped"
#: An article page request's URL key on the frontier, whose outcome the crawl records.
FRONTIER_META = "accords_frontier_key"
#: How a newly found article URL was found (feed, sitemap, link, ...): set until it is checked and recorded.
FOUND_VIA_META = "accords_found_via"


class NewsSpider(Spider):
    name = "news"

    config: AccordsConfig
    source: SourceConfig
    run: SourceRun
    rules: QueryRules
    oldest: datetime
    extraction: ExtractionPool
    topic: TopicMatcher
    #: the topic, for the extraction workers' matchers
    topic_json: str
    frontier: FrontierBuffer
    queries: QueryDiscovery

    def __init__(self, source: str | None = None, **kwargs: Any) -> None:
        if not source:
            raise ValueError("spider argument 'source' is required: scrapy crawl news -a source=NAME")
        super().__init__(**kwargs)
        self.source_name = source
        self._scheduled: set[str] = set()
        self._pages = 0
        self._links = LinkExtractor(unique=True)

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        config = load_config(settings.get(CONFIG_SETTING))
        settings.setdict(crawl_settings(config.crawl), priority="spider")
        settings.set(BATCH_SIZE_SETTING, config.database.batch_size, priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider: NewsSpider = super().from_crawler(crawler, *args, **kwargs)
        spider.config = load_config(crawler.settings.get(CONFIG_SETTING))
        spider.source = spider.config.source(spider.source_name)
        spider.rules = QueryRules(spider.source.keep_query_params, spider.source.drop_query_params)
        spider.oldest = datetime.now(UTC) - timedelta(days=spider.source.lookback_days)
        spider.extraction = extraction_pool(resolved_processes(spider.config.crawl.extraction_processes))
        spider.topic = TopicMatcher(spider.config.topic)
        spider.topic_json = spider.config.topic.model_dump_json()
        spider.queries = QueryDiscovery(spider)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        self.run = await asyncio.to_thread(self._open_run)
        self.frontier = FrontierBuffer(self.config.database.url, self.run.source_id,
                                       self.config.database.retry_seconds)
        source = self.source
        for request in self.queries.query_requests():
            yield request
        for urls, callback in ((source.feeds, self.parse_feed), (source.sitemaps, self.parse_sitemap)):
            for url in urls:
                yield self._document_request(url, callback, {ENTRY_META: True})
        for url in source.start_urls:
            yield Request(url, callback=self.parse_page, errback=self.on_error, dont_filter=True,
                          meta={ENTRY_META: True, UNSCOPED_META: True})
        for url, key in self.run.due:  # left by an interrupted run, or failed and due for another attempt
            self._scheduled.add(key)
            self.crawler.stats.inc_value("accords/frontier_due")
            yield self._page_request(url, key)
        for url in self.run.revisits:
            key = canonical_url(url, self.rules)
            if key not in self._scheduled:
                self._scheduled.add(key)
                yield self._page_request(url, key)

    def _document_request(self, url: str, callback: Callable[[Response], Any], meta: dict[str, Any]) -> Request:
        """A feed or sitemap request, conditional on the validators its last answer gave."""
        etag, modified = self.run.validators.get(url, (None, None))
        headers = {key: value for key, value in (("If-None-Match", etag), ("If-Modified-Since", modified))
                   if value}
        return Request(url, callback=callback, errback=self.on_error, dont_filter=True, headers=headers,
                       meta={**meta, UNSCOPED_META: True, "handle_httpstatus_list": [304]})

    def _page_request(self, url: str, key: str) -> Request:
        return Request(url, callback=self.parse_page, errback=self.on_error, meta={FRONTIER_META: key})

    def _not_modified(self, response: Response) -> bool:
        """A 304 costs no parsing; a 200 leaves its validators for the next run."""
        if response.status == 304:
            self.crawler.stats.inc_value("accords/not_modified")
            return True
        etag, modified = (response.headers.get(name) for name in (b"ETag", b"Last-Modified"))
        if etag or modified:
            requested = (response.meta.get("redirect_urls") or [response.url])[0]  # the URL the next run asks
            self.frontier.validators[requested] = (etag.decode("latin-1") if etag else None,
                                                   modified.decode("latin-1") if modified else None)
        return False

    async def _discovered(self, requests: list[Request]) -> AsyncIterator[Request]:
        """Drop the article URLs already stored or judged off-topic (one lookup for all that a document
        listed), write the others to the frontier, then send the requests."""
        found = [request for request in requests if FOUND_VIA_META in request.meta]
        seen = await asyncio.to_thread(self.already_seen, [r.meta[FRONTIER_META] for r in found]) if found else set()
        for request in found:
            key = request.meta[FRONTIER_META]
            if key in seen:
                self.crawler.stats.inc_value("accords/skipped_seen")
            else:
                self.frontier.discover(request.url, key, request.meta.pop(FOUND_VIA_META))
        await asyncio.to_thread(self.frontier.flush)
        for request in requests:
            if request.meta.get(FRONTIER_META) not in seen:
                yield request

    def already_seen(self, url_keys: list[str]) -> set[str]:
        """Which of these URL keys this source stored or judged off-topic (retried while the database is away)."""
        db = database(self.config.database.url)

        def lookup() -> set[str]:
            with db.Session() as session:
                return seen_among(session, self.run.source_id, url_keys, self.run.revisit_since)

        return with_retries(lookup, self.config.database.retry_seconds, "checking which URLs are already stored")

    def _open_run(self) -> SourceRun:
        db = database(self.config.database.url)
        if not is_current(db.engine):
            upgrade(db.engine)

        def transaction() -> SourceRun:
            with db.Session.begin() as session:
                source_id = ensure_source(session, self.source.name, self.source.language)
                for run_id, _ in mark_abandoned(session, source_id):
                    self.logger.warning("source %s: run %d was left running by a crawl process that is gone: "
                                        "marked abandoned", self.source.name, run_id)
                given = self.settings.get(RUN_ID_SETTING)
                run_id = get_run(session, int(given), source_id) if given else start_run(session, source_id)
                revisit = self.source.revisit_hours
                since = datetime.now(UTC) - timedelta(hours=revisit) if revisit else None
                return SourceRun(
                    source_id=source_id, run_id=run_id, revisit_since=since,
                    entry_points=entry_points, due=due_urls(session, source_id),
                    revisits=revisit_urls(session, source_id, since) if since else [],
                    validators=load_validators(session, source_id), last_ok_start=last_ok_start(session, source_id))

        entry_points = (len(self.source.feeds) + len(self.source.sitemaps) + len(self.source.start_urls)
                        + (1 if self.source.is_query else 0))  # a query source's one search request
        return with_retries(transaction, self.config.database.retry_seconds,
                            f"starting the crawl of {self.source.name}")

    async def parse_feed(self, response: Response) -> AsyncIterator[Request]:
        self._note_entry_reached(response)
        if self._not_modified(response):
            return
        try:
            entries = read_feed(response.body)
        except FeedError as exc:
            self._error(f"{response.url}: {exc}")
            return
        requests = [request for entry in entries if self._passes_prefilter(entry)
                    for request in self._candidate(response.urljoin(entry.url), entry.published, "feed")]
        async for request in self._discovered(requests):
            yield request

    async def parse_sitemap(self, response: Response) -> AsyncIterator[Request]:
        self._note_entry_reached(response)
        if self._not_modified(response):
            return
        requests = list(self._sitemap_requests(response))
        async for request in self._discovered(requests):
            yield request

    def _sitemap_requests(self, response: Response) -> Iterator[Request]:
        max_size = int(self.settings.getint("DOWNLOAD_MAXSIZE"))
        try:
            document = read_sitemap(response.body, max_size=max_size)
        except FeedError as exc:
            self._error(f"{response.url}: {exc}")
            return
        limit = self.config.crawl.max_sitemap_urls
        if len(document.entries) > limit:
            self.crawler.stats.inc_value("accords/sitemap_urls_cut", len(document.entries) - limit)
            self.logger.warning("%s lists %d URLs: only the first %d are read (max_sitemap_urls)",
                                response.url, len(document.entries), limit)
        for entry in document.entries[:limit]:
            url = response.urljoin(entry.url)
            if not document.is_index:
                if self._passes_prefilter(entry):
                    yield from self._candidate(url, entry.published, "sitemap")
            elif self._unchanged_since_last_run(entry.published):
                self.crawler.stats.inc_value("accords/sitemaps_unchanged")
            elif not self._too_old(entry.published):
                yield self._document_request(url, self.parse_sitemap, {})

    def _unchanged_since_last_run(self, lastmod: datetime | None) -> bool:
        """A child sitemap last modified before the last ``ok`` run started was read by that run."""
        last = self.run.last_ok_start
        return lastmod is not None and last is not None and lastmod < last

    def _passes_prefilter(self, entry: Entry) -> bool:
        """With ``prefilter = true``: an entry whose title and description cannot match the topic is skipped."""
        if not self.source.prefilter or not (entry.title or entry.description):
            return True
        if self.topic.may_match(entry.title, entry.description):
            return True
        self.crawler.stats.inc_value("accords/prefiltered")
        return False

    async def parse_page(self, response: Response) -> AsyncIterator[Request | ArticleItem]:
        self._note_entry_reached(response)
        key = response.meta.get(FRONTIER_META)
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("accords/not_html")
            self._outcome(key, FrontierState.FETCHED, "not HTML")
            return
        headers = {str(k): str(v) for k, v in response.headers.to_unicode_dict().items()}
        self._count_page()
        self.extraction.expect(self._requests_waiting())
        try:
            analysis = await self.extraction.analyze(
                response.url, FetchedBody(response.body, response.encoding), headers, self.topic_json,
                status=response.status, rules=self.rules, language_hint=self.source.language,
                timezone=self.source.tzinfo, limits=self.config.crawl.field_limits)
        except ExtractionCrashed as error:
            self._error(str(error))
            self._outcome(key, FrontierState.FAILED, str(error))
            return
        article = analysis.article
        if analysis.blocked is not None:
            self._blocked(response.url, key, analysis.blocked)
            return
        self._outcome(key, FrontierState.FETCHED, None if article.is_article else "not an article")
        if article.is_article:
            reached_at = [*response.meta.get("redirect_urls", ()), response.url]
            keys = tuple(dict.fromkeys(canonical_url(url, self.rules) for url in reached_at))
            fetched_at = datetime.now(UTC)
            page = RawPage(url=response.url, body=response.body, encoding=analysis.encoding or response.encoding,
                           fetched_at=fetched_at, headers=headers) if self.source.keep_html else None
            yield ArticleItem(article=article, url_keys=keys, fetched_at=fetched_at, page=page,
                              verdict=analysis.verdict, countries=analysis.countries,
                              content_hash=analysis.content_hash, band_keys=analysis.band_keys)
        else:
            self.crawler.stats.inc_value("accords/not_article")
        depth = int(response.meta.get("depth", 0))
        requests = []
        if depth < self.source.max_depth and (response.meta.get(ENTRY_META) or not article.is_article):
            requests = [request for link in self._links.extract_links(response)
                        for request in self._candidate(link.url, None, "link")]
        if requests or self.frontier.outcomes_due:
            async for request in self._discovered(requests):
                yield request

    def _requests_waiting(self) -> int:
        """Requests in Scrapy's scheduler, not downloaded yet."""
        stats = self.crawler.stats
        return int(stats.get_value("scheduler/enqueued", 0)) - int(stats.get_value("scheduler/dequeued", 0))

    def _outcome(self, key: str | None, state: FrontierState, reason: str | None = None) -> None:
        if key is not None:
            self.frontier.outcome(key, state, reason)

    def _blocked(self, url: str, key: str | None, reason: str) -> None:
        """A bot challenge, consent wall or paywall stub: not an article; counted, and given up on the frontier."""
        self.crawler.stats.inc_value("accords/blocked")
        self.logger.info("%s: blocked: %s", url, reason)
        self._outcome(key, FrontierState.SKIPPED, f"blocked: {reason}")

    def closed(self, reason: str) -> None:
        """Write the outcomes still pending (the run's record is written by crawler/extensions.py)."""
        if hasattr(self, "frontier"):
            self.frontier.flush()

    def _candidate(self, url: str, published: datetime | None, found_via: str) -> Iterator[Request]:
        """A request for a possible article page, unless it is old, foreign, not HTML or already requested
        (whether it is stored already, ``_discovered`` asks the database)."""
        stats = self.crawler.stats
        if self._too_old(published):
            stats.inc_value("accords/skipped_old")
            return
        if not url.startswith(("http://", "https://")) or not looks_like_html(url):
            return
        if not self.source.admits(url):
            stats.inc_value("accords/skipped_offsite")
            return
        key = canonical_url(url, self.rules)
        if key in self._scheduled:
            return
        self._scheduled.add(key)
        request = self._page_request(url, key)
        request.meta[FOUND_VIA_META] = found_via  # checked against the stored URLs by ``_discovered``
        yield request

    def _count_page(self) -> None:
        """Stop the crawl once the source's ``max_pages`` article pages were fetched."""
        self._pages += 1
        self.crawler.stats.inc_value("accords/pages_parsed")
        if self._pages > self.source.max_pages:
            self.crawler.stats.set_value("accords/max_pages_reached", self.source.max_pages)
            raise CloseSpider(MAX_PAGES_REASON)

    def _too_old(self, published: datetime | None) -> bool:
        return published is not None and published < self.oldest

    def _note_entry_reached(self, response: Response) -> None:
        if response.meta.get(ENTRY_META):
            self.run.entry_points_reached += 1

    def on_error(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        url = (request.meta.get("redirect_urls") or [request.url])[0] if request is not None else "?"
        message = failure.getErrorMessage()
        key = request.meta.get(FRONTIER_META) if request is not None else None
        if isinstance(failure.value, HttpError):
            response = failure.value.response
            blocked = blocked_reason(response.url, response.status,
                                     {str(k): str(v) for k, v in response.headers.to_unicode_dict().items()},
                                     response.text if isinstance(response, TextResponse) else "", None)
            if blocked is not None:
                self.crawler.stats.inc_value("accords/pages_parsed")
                self._blocked(url, key, blocked)
                return
            gone = response.status in (404, 410)
            self._outcome(key, FrontierState.SKIPPED if gone else FrontierState.FAILED, f"HTTP {response.status}")
            self._error(f"{url}: HTTP {response.status}")
        elif "DOWNLOAD_MAXSIZE" in message or "larger than download max size" in message:
            self._error(f"{url}: response larger than max_response_mb ({self.config.crawl.max_response_mb:g} MB), "
                        "not read")
        elif failure.check(IgnoreRequest):
            if "redirections" in failure.getErrorMessage():  # a redirect loop; robots.txt and scope are not errors
                self._error(f"{url}: too many redirects ({failure.getErrorMessage()})")
            self._outcome(key, FrontierState.SKIPPED, failure.getErrorMessage()[:300])
        else:
            kind = failure.type.__name__ if failure.type else "error"
            message = failure.getErrorMessage().strip() or (
                "the connection closed before the whole response arrived" if "DataLoss" in kind else "no details")
            self._outcome(key, FrontierState.FAILED, f"{kind}: {message}")
            self._error(f"{url}: {kind}: {message}")

    def _error(self, message: str) -> None:
        self.crawler.stats.inc_value("accords/errors")
        self.logger.warning(message)
        self.run.add_error(message)
