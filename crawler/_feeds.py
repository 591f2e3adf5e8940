"""Reading RSS/Atom feeds and XML sitemaps into dated entries."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from typing import Any

import feedparser
from lxml import etree
from scrapy.utils.gz import gunzip

from crawler._dates import parse_datetime

GZIP_MAGIC = b"\x1f\x8b\x08"


class FeedError(ValueError):
    """The document is not a feed or sitemap we can read."""


@dataclass(frozen=True)
class Entry:
    """A URL a feed or sitemap lists, with the date it gives (publication, else last change)."""

    url: str
    published: datetime | None = None
    title: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class SitemapDocument:
    is_index: bool
    entries: tuple[Entry, ...]


def read_feed(body: bytes) -> tuple[Entry, ...]:
    """Entries of an RSS or Atom document."""
    parsed: Any = feedparser.parse(body)
    if parsed.bozo and not parsed.entries:
        raise FeedError(f"not an RSS/Atom feed: {parsed.get('bozo_exception', 'unreadable')}")
    if not parsed.get("version") and not parsed.entries:
        raise FeedError("not an RSS/Atom feed: no <rss>, <feed> or <rdf> element (an HTML page?)")
    entries = []
    for item in parsed.entries:
        link = item.get("link")
        if link:
            entries.append(Entry(url=link, published=_feed_date(item), title=item.get("title"),
                                 description=item.get("summary")))
    return tuple(entries)


def _feed_date(item: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed"):
        parsed = item.get(key)
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    return None


def read_sitemap(body: bytes, max_size: int) -> SitemapDocument:
    """A sitemap or sitemap index (gzipped or not), including Google News ``news:`` dates."""
    if body[:3] == GZIP_MAGIC:
        try:
            body = gunzip(body, max_size=max_size)
        except (OSError, ValueError) as exc:
            raise FeedError(f"sitemap could not be decompressed: {exc}") from None
    try:
        events = etree.iterparse(
            BytesIO(body), events=("start", "end"), recover=True, resolve_entities=False,
            remove_comments=True, huge_tree=False,
        )
        _, root = next(events)
    except (etree.XMLSyntaxError, StopIteration):
        raise FeedError("not an XML sitemap") from None
    kind = etree.QName(root).localname
    if kind not in ("urlset", "sitemapindex"):
        raise FeedError(f"not an XML sitemap (root element <{kind}>)")
    return SitemapDocument(is_index=kind == "sitemapindex", entries=tuple(_sitemap_entries(events)))


def _sitemap_entries(events: Iterator[tuple[str, Any]]) -> Iterator[Entry]:
    try:
        for event, element in events:
            if event != "end" or etree.QName(element).localname not in ("url", "sitemap"):
                continue
            values = {etree.QName(child).localname: (child.text or "").strip() for child in element.iter()
                      if isinstance(child.tag, str)}
            element.clear()
            if values.get("loc"):
                published = parse_datetime(values.get("publication_date")) or parse_datetime(
                    values.get("lastmod")
                )
                yield Entry(url=values["loc"], published=published, title=values.get("title"))
    except etree.XMLSyntaxError:
        return
