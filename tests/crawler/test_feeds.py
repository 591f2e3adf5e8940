from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest

from crawler._feeds import FeedError, read_feed, read_sitemap

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>One</title><link>https://e.com/1</link><pubDate>Thu, 27 Nov 2026 10:00:00 +0200</pubDate></item>
<item><title>Two</title><link>https://e.com/2</link></item></channel></rss>"""
NEWS_SITEMAP = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://e.com/a</loc><news:news><news:publication><news:name>E</news:name></news:publication>
<news:publication_date>2026-11-27T10:00:00+03:00</news:publication_date><news:title>A</news:title></news:news></url>
<url><loc>https://e.com/b</loc><lastmod>2026-11-01</lastmod></url></urlset>"""


def test_feed_entries_with_dates() -> None:
    entries = read_feed(RSS)
    assert [(e.url, e.published, e.title) for e in entries] == [
        ("https://e.com/1", datetime(2026, 11, 27, 8, 0, tzinfo=UTC), "One"), ("https://e.com/2", None, "Two")]


def test_news_sitemap_dates_and_gzip() -> None:
    for body in (NEWS_SITEMAP, gzip.compress(NEWS_SITEMAP)):
        document = read_sitemap(body, max_size=10_000_000)
        assert not document.is_index
        assert [(e.url, e.published) for e in document.entries] == [
            ("https://e.com/a", datetime(2026, 11, 27, 7, 0, tzinfo=UTC)),
            ("https://e.com/b", datetime(2026, 11, 1, tzinfo=UTC))]


@pytest.mark.parametrize(("reader", "body", "message"), [
    (read_feed, b"<html><body>Not a feed</body></html>", "not an RSS/Atom feed"),
    (read_feed, b"\x00\x01\x02 binary", "not an RSS/Atom feed"),
    (lambda body: read_sitemap(body, 1000), b"<html><body>x</body></html>", r"not an XML sitemap \(root element <html>\)"),
    (lambda body: read_sitemap(body, 1000), b"plain text", "not an XML sitemap"),
    (lambda body: read_sitemap(body, 100), gzip.compress(b"<urlset>" + b" " * 10_000 + b"</urlset>", mtime=0),
     "sitemap could not be decompressed"),
])
def test_bad_documents_raise_a_named_error(reader: object, body: bytes, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        reader(body)  # type: ignore[operator]
