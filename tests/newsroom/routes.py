"""Which response a site gives for a request target: routing only, no sockets.

``respond(ctx, site, target)`` maps "path?query" to a ``Response``. Article pages
ignore unknown query parameters (tracking parameters serve the same page);
``?print=1`` selects the print view of printable articles. Everything unknown is
a 404 HTML page.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from tests.newsroom import feeds, pages
from tests.newsroom.content import Site
from tests.newsroom.context import Context
from tests.newsroom.media import payload

HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
XML = "application/xml; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
JSON = "application/json; charset=utf-8"


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def respond(ctx: Context, site: Site, target: str) -> Response:
    """The response ``site`` gives to a GET of ``target`` (path plus optional query)."""
    parts = urlsplit(target)
    path, query = parts.path or "/", parse_qs(parts.query)
    article = site.article(path)
    if article is not None:
        print_view = article.printable and query.get("print") == ["1"]
        return _ok(HTML, pages.render_article(ctx, site, article, print_view=print_view))
    if path == "/":
        return _ok(HTML, pages.render_home(ctx, site))
    section = site.section(path)
    if section is not None:
        return _ok(HTML, pages.render_section(ctx, site, section))
    if path == "/robots.txt":
        robots = pages.render_robots(ctx, site)
        return _ok(TEXT, robots) if robots is not None else _not_found(ctx, site)
    for old, new in site.redirects:
        if path == old:
            location = ctx.url(site.name, new)
            return Response(301, HTML, _moved(location).encode(), (("Location", location),))
    for media in site.files:
        if path == media.path:
            return Response(200, media.content_type, payload(media.kind))
    feed = _feed(ctx, site, path)
    return feed if feed is not None else _not_found(ctx, site)


def _feed(ctx: Context, site: Site, path: str) -> Response | None:
    if site.rss_path and path == site.rss_path:
        return _ok(RSS, feeds.render_rss(ctx, site))
    if site.atom_path and path == site.atom_path:
        return _ok(ATOM, feeds.render_atom(ctx, site))
    if site.sitemap_index_path:
        if path == site.sitemap_index_path:
            return _ok(XML, feeds.render_sitemap_index(ctx, site))
        if path == feeds.NEWS_SITEMAP_PATH:
            return _ok(XML, feeds.render_news_sitemap(ctx, site))
        if path == feeds.PAGES_SITEMAP_PATH:
            return _ok(XML, feeds.render_pages_sitemap(ctx, site))
    return None


def _ok(content_type: str, text: str) -> Response:
    return Response(200, content_type, text.encode("utf-8"))


def _not_found(ctx: Context, site: Site) -> Response:
    return Response(404, HTML, pages.render_not_found(ctx, site).encode("utf-8"))


def _moved(location: str) -> str:
    return (f'<!DOCTYPE html>\n<html><head><title>301 Moved Permanently</title></head>\n'
            f'<body><h1>Moved Permanently</h1><p><a href="{pages.e(location)}">'
            f"{pages.e(location)}</a></p></body></html>\n")
