"""The newsroom server on its own (no crawler code): routes, formats, dates and the request log."""

from __future__ import annotations

import gzip
import json
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import Message
from email.utils import parsedate_to_datetime
from typing import Any

import pytest

from tests.newsroom import content as c
from tests.newsroom.fixture import REPO_ROOT, Newsroom, start_newsroom

BASE_TIME = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
HTML = "text/html; charset=utf-8"
ATOM_NS = {"a": "http://www.w3.org/2005/Atom"}
SM_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9",
         "n": "http://www.google.com/schemas/sitemap-news/0.9"}


@dataclass
class Fetched:
    status: int
    headers: Message
    body: bytes
    url: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def content_type(self) -> str:
        return str(self.headers["Content-Type"])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def fetch(url: str, *, follow: bool = True, headers: dict[str, str] | None = None,
          method: str = "GET") -> Fetched:
    handlers = [] if follow else [_NoRedirect()]
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with opener.open(request, timeout=10) as response:
            return Fetched(response.status, response.headers, response.read(), response.url)
    except urllib.error.HTTPError as error:
        return Fetched(error.code, error.headers, error.read(), url)


def expected(site: str, path: str) -> c.Article:
    article = c.SITES[site].article(path)
    assert article is not None
    return article


def meta(html: str, key: str) -> list[str]:
    return re.findall(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', html)


def canonical(html: str) -> str | None:
    found = re.search(r'<link rel="canonical" href="([^"]*)">', html)
    return found.group(1) if found else None


def jsonld(html: str) -> list[dict[str, Any]]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


@pytest.fixture(scope="module")
def newsroom() -> Iterator[Newsroom]:
    with start_newsroom(BASE_TIME) as running:
        yield running


def test_announces_every_site_on_its_own_local_port(newsroom: Newsroom) -> None:
    assert set(newsroom.sites) == {"israel-daily", "maghreb-news", "global-wire"}
    ports = set()
    for url in newsroom.sites.values():
        found = re.fullmatch(r"http://127\.0\.0\.1:(\d+)", url)
        assert found, url
        ports.add(found.group(1))
    assert len(ports) == 3


@pytest.mark.parametrize("site", ["israel-daily", "maghreb-news", "global-wire"])
def test_home_page_is_html_listing(newsroom: Newsroom, site: str) -> None:
    page = fetch(newsroom.url(site, "/"))
    assert page.status == 200
    assert page.content_type == HTML
    assert meta(page.text, "og:type") == ["website"]
    assert meta(page.text, "article:published_time") == []
    assert 'id="cookie-banner"' in page.text and 'class="most-read"' in page.text


def test_israel_daily_home_links(newsroom: Newsroom) -> None:
    html = fetch(newsroom.url("israel-daily", "/")).text
    knesset = c.ID_KNESSET
    for href in ("/politics/", "/business/", knesset, c.ID_PRIVATE, c.ID_OLD_PATH, c.ID_POLL_HE,
                 knesset + "?utm_source=twitter&amp;utm_medium=social&amp;fbclid=abc123",
                 knesset + "#comments", "/media/signing.jpg", "/files/report.pdf",
                 "/audio/podcast.mp3",
                 newsroom.url("global-wire", c.GW_CORRIDOR_RU)):
        assert f'href="{href}"' in html, href
    # reachable only from /business/, and the old article only from the feed
    assert c.ID_TRADE not in html and c.ID_OLD not in html and c.ID_SUMMIT not in html
    business = fetch(newsroom.url("israel-daily", "/business/")).text
    assert f'href="{c.ID_TRADE}"' in business


def test_robots(newsroom: Newsroom) -> None:
    israel = fetch(newsroom.url("israel-daily", "/robots.txt"))
    assert (israel.status, israel.content_type) == (200, "text/plain; charset=utf-8")
    assert israel.text == "User-agent: *\nDisallow: /private/\n"
    maghreb = fetch(newsroom.url("maghreb-news", "/robots.txt"))
    assert maghreb.status == 200
    assert f"Sitemap: {newsroom.url('maghreb-news', '/sitemap_index.xml')}\n" in maghreb.text
    wire = fetch(newsroom.url("global-wire", "/robots.txt"))
    assert (wire.status, wire.content_type) == (404, HTML)


def test_rss_feed_dates_follow_base_time(newsroom: Newsroom) -> None:
    feed = fetch(newsroom.url("israel-daily", "/feed.xml"))
    assert feed.content_type == "application/rss+xml; charset=utf-8"
    items = ET.fromstring(feed.body).findall("./channel/item")
    paths = []
    for item in items:
        guid = item.findtext("guid") or ""
        path = guid.removeprefix(newsroom.sites["israel-daily"])
        article = expected("israel-daily", path)
        pub_date = item.findtext("pubDate") or ""
        assert pub_date.endswith(" +0200")
        assert parsedate_to_datetime(pub_date) == BASE_TIME - article.published
        assert [e.text for e in item.findall("{http://purl.org/dc/elements/1.1/}creator")] == list(
            article.authors)
        paths.append(path)
    assert paths == [c.ID_POLL_HE, c.ID_DERBY, c.ID_SUMMIT, c.ID_KNESSET, c.ID_STARTUP, c.ID_OLD]
    hebrew_link = items[0].findtext("link")
    assert hebrew_link == newsroom.url("israel-daily", c.ID_POLL_HE) + (
        "?utm_source=rss&utm_medium=feed")
    old = items[-1].findtext("pubDate") or ""
    assert BASE_TIME - parsedate_to_datetime(old) == timedelta(days=45)


def test_atom_feed(newsroom: Newsroom) -> None:
    feed = fetch(newsroom.url("global-wire", "/atom.xml"))
    assert feed.content_type == "application/atom+xml; charset=utf-8"
    entries = ET.fromstring(feed.body).findall("a:entry", ATOM_NS)
    assert len(entries) == 3
    offsets = set()
    for entry in entries:
        link = entry.find("a:link", ATOM_NS)
        assert link is not None
        article = expected("global-wire", link.get("href", "").removeprefix(
            newsroom.sites["global-wire"]))
        published = entry.findtext("a:published", namespaces=ATOM_NS) or ""
        assert datetime.fromisoformat(published) == BASE_TIME - article.published
        offsets.add(published[-6:])
    assert offsets == {"+03:00", "-05:00"}


def test_sitemaps(newsroom: Newsroom) -> None:
    site = "maghreb-news"
    index = fetch(newsroom.url(site, "/sitemap_index.xml"))
    assert index.content_type == "application/xml; charset=utf-8"
    locs = [e.text for e in ET.fromstring(index.body).findall("s:sitemap/s:loc", SM_NS)]
    assert locs == [newsroom.url(site, "/sitemap-news.xml"), newsroom.url(site, "/sitemap-pages.xml")]

    news = ET.fromstring(fetch(newsroom.url(site, "/sitemap-news.xml")).body)
    news_paths = []
    for url in news.findall("s:url", SM_NS):
        path = (url.findtext("s:loc", namespaces=SM_NS) or "").removeprefix(newsroom.sites[site])
        article = expected(site, path)
        date = url.findtext("n:news/n:publication_date", namespaces=SM_NS) or ""
        assert datetime.fromisoformat(date) == BASE_TIME - article.published
        assert date.endswith("+01:00")
        assert url.findtext("n:news/n:title", namespaces=SM_NS) == article.title
        news_paths.append(path)
    assert news_paths == [c.MN_AGRI_AR, c.MN_OLIVES_FR, c.MN_TOURISM_FR, c.MN_DERBY_AR]

    pages = ET.fromstring(fetch(newsroom.url(site, "/sitemap-pages.xml")).body)
    lastmods = {
        (u.findtext("s:loc", namespaces=SM_NS) or "").removeprefix(newsroom.sites[site]):
            datetime.fromisoformat(u.findtext("s:lastmod", namespaces=SM_NS) or "")
        for u in pages.findall("s:url", SM_NS)
    }
    assert {"/", "/ar/", "/fr/", c.MN_SERFATY_FR, c.MN_OLD_AR} <= set(lastmods)
    assert BASE_TIME - lastmods[c.MN_OLD_AR] == timedelta(days=40)


def test_jsonld_article_page(newsroom: Newsroom) -> None:
    page = fetch(newsroom.url("israel-daily", c.ID_SUMMIT))
    assert (page.status, page.content_type) == (200, HTML)
    html = page.text
    assert "<title>Leaders mark Abraham Accords anniversary with new aviation and water pacts" \
           " | Israel Daily</title>" in html
    assert canonical(html) == newsroom.url("israel-daily", c.ID_SUMMIT)
    [article] = [n for n in jsonld(html) if n["@type"] == "NewsArticle"]
    assert article["headline"] == expected("israel-daily", c.ID_SUMMIT).title
    assert article["author"] == [{"@type": "Person", "name": "Dana Levin"},
                                 {"@type": "Person", "name": "Yossi Mizrahi"}]
    assert article["datePublished"] == "2026-11-27T23:00:00+02:00"
    assert article["dateModified"] == "2026-11-28T04:00:00+02:00"
    assert meta(html, "article:published_time") == ["2026-11-27T23:00:00+02:00"]
    assert article["publisher"]["name"] == "Israel Daily"


def test_open_graph_only_pages(newsroom: Newsroom) -> None:
    arabic = fetch(newsroom.url("maghreb-news", c.MN_AGRI_AR)).text
    assert '<html lang="ar" dir="rtl">' in arabic
    assert jsonld(arabic)[0]["@type"] == "BreadcrumbList" and len(jsonld(arabic)) == 1
    assert canonical(arabic) is None
    assert meta(arabic, "og:url") == [newsroom.url("maghreb-news", c.MN_AGRI_AR)]
    assert meta(arabic, "author") == ["يوسف العلوي"]
    assert meta(arabic, "article:published_time") == ["2026-11-28T07:00:00+01:00"]

    syndicated = fetch(newsroom.url("global-wire", c.GW_SYNDICATED_EN)).text
    assert canonical(syndicated) is None
    assert meta(syndicated, "og:url") == [newsroom.url("israel-daily", c.ID_SUMMIT)]
    assert meta(syndicated, "article:published_time") == ["2026-11-27T20:00:00-05:00"]

    hebrew = fetch(newsroom.url("israel-daily", c.ID_POLL_HE)).text
    assert '<html lang="he" dir="rtl">' in hebrew
    assert meta(hebrew, "article:published_time") == ["2026-11-28T01:30:00+02:00"]


def test_url_variants_serve_the_same_article(newsroom: Newsroom) -> None:
    plain_url = newsroom.url("israel-daily", c.ID_KNESSET)
    plain = fetch(plain_url).text
    tracked = fetch(plain_url + "?utm_source=twitter&utm_medium=social&fbclid=abc123").text
    assert tracked == plain
    printed = fetch(plain_url + "?print=1")
    assert printed.status == 200
    assert canonical(printed.text) == plain_url
    assert 'class="most-read"' not in printed.text
    assert jsonld(printed.text) == jsonld(plain)


def test_redirect(newsroom: Newsroom) -> None:
    moved = fetch(newsroom.url("israel-daily", c.ID_OLD_PATH), follow=False)
    assert moved.status == 301
    assert moved.headers["Location"] == newsroom.url("israel-daily", c.ID_SUMMIT)
    followed = fetch(newsroom.url("israel-daily", c.ID_OLD_PATH))
    assert (followed.status, followed.url) == (200, newsroom.url("israel-daily", c.ID_SUMMIT))


def test_not_found(newsroom: Newsroom) -> None:
    for site in newsroom.sites:
        page = fetch(newsroom.url(site, "/no/such/page.html"))
        assert (page.status, page.content_type) == (404, HTML)
        assert "<h1>" in page.text


@pytest.mark.parametrize(("path", "content_type", "magic"), [
    ("/media/signing.jpg", "image/jpeg", b"\xff\xd8\xff"),
    ("/files/report.pdf", "application/pdf", b"%PDF-1.4"),
    ("/audio/podcast.mp3", "audio/mpeg", b"ID3"),
])
def test_non_html_files(newsroom: Newsroom, path: str, content_type: str, magic: bytes) -> None:
    page = fetch(newsroom.url("israel-daily", path))
    assert (page.status, page.content_type) == (200, content_type)
    assert page.body.startswith(magic)


def test_gzip_when_accepted(newsroom: Newsroom) -> None:
    url = newsroom.url("maghreb-news", c.MN_TOURISM_FR)
    zipped = fetch(url, headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.body) == fetch(url).body


def test_head_request(newsroom: Newsroom) -> None:
    page = fetch(newsroom.url("global-wire", "/world/"), method="HEAD")
    assert page.status == 200 and page.body == b""
    assert int(page.headers["Content-Length"]) > 0


def test_article_dates_on_every_page(newsroom: Newsroom) -> None:
    for name, site in c.SITES.items():
        for article in site.articles:
            html = fetch(newsroom.url(name, article.path)).text
            [published] = meta(html, "article:published_time")
            assert datetime.fromisoformat(published) == BASE_TIME - article.published
            assert datetime.fromisoformat(published).utcoffset() == article.utc_offset
            assert f'<time class="published" datetime="{published}">' in html
            assert meta(html, "og:type") == ["article"]


def test_topic_phrases(newsroom: Newsroom) -> None:
    """Relevant articles name the topic in title and body; irrelevant pages nowhere at all."""
    phrases = [p.casefold() for p in c.TOPIC_PHRASES] + ["accords abraham", "abraham accord"]
    for name, site in c.SITES.items():
        for article in site.articles:
            if article.relevant:
                assert any(p in article.title.casefold() for p in phrases), article.path
                body = " ".join(article.paragraphs).casefold()
                assert any(p in body for p in phrases), article.path
            else:
                html = fetch(newsroom.url(name, article.path)).text.casefold()
                assert not any(p in html for p in phrases), article.path
    serfaty = fetch(newsroom.url("maghreb-news", c.MN_SERFATY_FR)).text
    assert "Abraham Serfaty" in serfaty and "accords de La Celle-Saint-Cloud" in serfaty


def test_request_log_is_exact_and_per_site() -> None:
    with start_newsroom(BASE_TIME) as fresh:
        targets = ["/robots.txt", "/", c.ID_KNESSET + "?utm_source=twitter&fbclid=abc123",
                   "/missing", c.ID_OLD_PATH, "/feed.xml"]
        for target in targets:
            fetch(fresh.url("israel-daily", target), follow=False)
        fetch(fresh.url("israel-daily", "/__requests"))
        fetch(fresh.url("global-wire", "/robots.txt"))
        assert fresh.requests("israel-daily") == targets
        assert fresh.requests("global-wire") == ["/robots.txt"]
        assert fresh.requests("maghreb-news") == []


@pytest.mark.parametrize("stop", ["eof", "sigterm"])
def test_server_exits_cleanly(stop: str) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.newsroom.server", "--base-time", "2026-11-28T12:00:00+00:00"],
        cwd=REPO_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stdin is not None
    line = process.stdout.readline()
    assert set(json.loads(line)["sites"]) == set(c.SITES)
    if stop == "eof":
        process.stdin.close()
    else:
        process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0
    assert process.stderr is not None and process.stderr.read() == b""
    process.stdout.close()
    process.stderr.close()
    if not process.stdin.closed:
        process.stdin.close()
