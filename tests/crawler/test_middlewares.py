from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from crawler.middlewares import HEAD_CHARS, HeadMetaRefreshMiddleware, SeenRedirectMiddleware, head_text
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


class CountedTextResponse(HtmlResponse):
    """An HTML response that counts how often its whole text is asked for."""

    texts_asked = 0

    @property
    def text(self) -> str:
        type(self).texts_asked += 1
        return super().text


REFRESH = '<meta http-equiv="refresh" content="0; url=/2026/11/moved.html">'
FILLER = "<p>" + "Les accords d'Abraham » " * 40 + "</p>"


def _page(head: str, body: str, encoding: str = "utf-8") -> bytes:
    return (f'<html><head><meta charset="{encoding}">{head}<title>t</title></head>'
            f"<body>{body}</body></html>").encode(encoding)


def _refresh_cases() -> list[tuple[str, bytes]]:
    pages = Path(__file__).parent / "pages"
    return [*((page.name, page.read_bytes()) for page in sorted(pages.glob("*.html"))),
            ("small page", _page(REFRESH, FILLER)),
            ("big page", _page(REFRESH, FILLER * 200)),
            ("big page, base href", _page('<base href="https://cdn.example/x/">' + REFRESH, FILLER * 200)),
            ("refresh past 4,096 characters", _page("", FILLER * 20 + REFRESH + FILLER * 200)),
            ("refresh in noscript", _page(f"<noscript>{REFRESH}</noscript>", FILLER * 200)),
            ("big utf-16 page", _page(REFRESH, FILLER * 200, "utf-16")),
            ("delay over the maximum", _page(REFRESH.replace('"0;', '"500;'), FILLER * 200))]


@pytest.mark.parametrize(("case", "body"), _refresh_cases(), ids=[case for case, _ in _refresh_cases()])
def test_the_head_meta_refresh_redirects_as_scrapys_does(case: str, body: bytes) -> None:
    crawler = get_crawler(settings_dict={"METAREFRESH_MAXDELAY": 100})
    ours, scrapys = HeadMetaRefreshMiddleware.from_crawler(crawler), MetaRefreshMiddleware.from_crawler(crawler)
    request = Request("https://news.example/2026/11/story.html")
    answers = [middleware.process_response(request, HtmlResponse(request.url, body=body, request=request))
               for middleware in (ours, scrapys)]
    assert type(answers[0]) is type(answers[1])
    if isinstance(answers[0], Request):
        assert isinstance(answers[1], Request)
        assert (answers[0].url, answers[0].meta["redirect_reasons"]) == (answers[1].url, answers[1].meta["redirect_reasons"])
    expected_redirects = {"small page": "https://news.example/2026/11/moved.html",
                          "big page": "https://news.example/2026/11/moved.html",
                          "big page, base href": "https://cdn.example/2026/11/moved.html",
                          "big utf-16 page": "https://news.example/2026/11/moved.html"}
    assert (answers[0].url if isinstance(answers[0], Request) else None) == expected_redirects.get(case)


def test_the_head_meta_refresh_decodes_only_the_head_of_a_big_page() -> None:
    middleware = HeadMetaRefreshMiddleware.from_crawler(get_crawler())
    request = Request("https://news.example/2026/11/story.html")
    CountedTextResponse.texts_asked = 0
    big = CountedTextResponse(request.url, body=_page("", FILLER * 200), request=request)
    assert middleware.process_response(request, big) is big
    assert CountedTextResponse.texts_asked == 0
    small = CountedTextResponse(request.url, body=_page("", FILLER), request=request)
    assert head_text(small) == small.text[:HEAD_CHARS] and CountedTextResponse.texts_asked == 2
    assert head_text(big) == big.text[:HEAD_CHARS]
