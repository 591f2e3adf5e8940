"""Fake query services in their recorded formats, under ``/__discovery/`` on every site.

Every site answers the same; the answers point at real newsroom articles on all the
sites (everything stays on 127.0.0.1). A source's ``api_url`` is ``<any site>`` plus
``GDELT_PATH`` or ``GOOGLE_NEWS_SEARCH_PATH``.

| route | answer |
| --- | --- |
| ``gdelt/api/v2/doc/doc?query=…&mode=ArtList&format=json…`` | GDELT ArtList JSON (url, url_mobile, title, seendate, socialimage, domain, language, sourcecountry), newest first: the 3 ``GDELT_RELEVANT`` articles, the ``GDELT_DENIED`` one (maghreb-news, a site a test denies) and ``GDELT_MISSING`` (a 404 on israel-daily); ``gdelt_urls(sites)`` |
| same, ``query`` containing ``nothing-matches`` | ``{}`` |
| same, no ``query``, another mode or format, ``(x)`` without OR, OR without ``(…)`` | GDELT's plain-text error message |
| ``google-news/rss/search?q=Q&hl=…&gl=…&ceid=…`` | Google News RSS (channel ``Q - Google News``), 4 items ``Headline - Publisher`` linking to ``google-news/rss/articles/<ID>?oc=5``: 2 old-format IDs holding ``GOOGLE_NEWS_DECODED`` URLs, ``GOOGLE_NEWS_NEW_ID`` (resolves through batchexecute to ``GOOGLE_NEWS_BATCHEXECUTED``), ``GOOGLE_NEWS_UNRESOLVABLE_ID`` (batchexecute holds no URL); ``google_news_resolved(sites)`` |
| same, ``q`` containing ``nothing-matches``; no ``q`` | a feed without items; 400 |
| ``google-news/rss/articles/<ID>``, ``google-news/articles/<ID>`` | the article page: ``<c-wiz><div jscontroller data-n-a-sg data-n-a-ts data-n-a-id>`` for the 4 IDs; 404 for others |
| ``POST google-news/_/DotsSplashUi/data/batchexecute`` | ``batchexecute_response(body, sites)``: ``)]}'`` + ``["garturlres","<URL>",1]``, an error envelope for the unresolvable ID, 400 for a malformed request or a signature/timestamp the page did not give; a GET gets 405 |
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import parse_qs, quote, urlsplit
from xml.sax.saxutils import escape, quoteattr

from tests.newsroom import content as c
from tests.newsroom.routes import HTML, JSON, RSS, TEXT, Response

PREFIX = "/__discovery/"
GDELT_PATH = PREFIX + "gdelt/api/v2/doc/doc"
GOOGLE_NEWS_ROOT = PREFIX + "google-news"
GOOGLE_NEWS_SEARCH_PATH = GOOGLE_NEWS_ROOT + "/rss/search"
BATCHEXECUTE_PATH = GOOGLE_NEWS_ROOT + "/_/DotsSplashUi/data/batchexecute"
NOTHING_MATCHES = "nothing-matches"  # a query containing this finds nothing

SiteArticle = tuple[str, str]  # (site name, article path)

GDELT_RELEVANT: tuple[SiteArticle, ...] = (
    ("israel-daily", c.ID_SUMMIT), ("global-wire", c.GW_SYNDICATED_EN), ("global-wire", c.GW_CORRIDOR_RU))
GDELT_DENIED: SiteArticle = ("maghreb-news", c.MN_AGRI_AR)
GDELT_MISSING: SiteArticle = ("israel-daily", "/politics/abraham-accords-summit-live-blog.html")  # 404
_GDELT_MISSING_TITLE = "Live: Abraham Accords leaders gather in Abu Dhabi"

GOOGLE_NEWS_DECODED: tuple[SiteArticle, ...] = (("israel-daily", c.ID_KNESSET), ("maghreb-news", c.MN_TOURISM_FR))
GOOGLE_NEWS_BATCHEXECUTED: SiteArticle = ("israel-daily", c.ID_POLL_HE)
_UNRESOLVABLE_TITLE = "Abraham Accords partners weigh a joint rail link to the Gulf"

_LANGUAGES = {"en": "English", "ar": "Arabic", "fr": "French", "he": "Hebrew", "ru": "Russian"}
_COUNTRIES = {"israel-daily": "Israel", "maghreb-news": "Morocco", "global-wire": "United States"}
_GDELT_LAG = timedelta(minutes=15)  # GDELT sees an article at its next 15-minute update
_ARTICLE_PAGE = re.compile(re.escape(GOOGLE_NEWS_ROOT) + r"/(?:rss/)?articles/([A-Za-z0-9_-]+)/?$")
_XSSI_GUARD = ")]}'\n\n"


def google_news_id(field: bytes) -> str:
    """A Google News article ID: base64url of ``08 13 22``, varint length, ``field``, ``d2 01 00``."""
    length, varint = len(field), b""
    while length >= 0x80:
        varint += bytes([length & 0x7F | 0x80])
        length >>= 7
    varint += bytes([length])
    return base64.urlsafe_b64encode(b"\x08\x13\x22" + varint + field + b"\xd2\x01\x00").decode().rstrip("=")


def _new_token(name: str) -> bytes:
    """An opaque new-format token ("AU_yqL…"), stable for ``name``."""
    digest = hashlib.sha512(name.encode()).digest()
    return b"AU_yqL" + base64.urlsafe_b64encode(digest).rstrip(b"=")[:80]


GOOGLE_NEWS_NEW_ID = google_news_id(_new_token("hebrew-poll"))
GOOGLE_NEWS_UNRESOLVABLE_ID = google_news_id(_new_token("rail-link"))


def site_url(sites: Mapping[str, str], article: SiteArticle) -> str:
    """The absolute URL of a (site, path) pair."""
    return sites[article[0]] + article[1]


def gdelt_urls(sites: Mapping[str, str]) -> tuple[str, ...]:
    """Every URL the GDELT answer lists, in its order (newest first)."""
    return tuple(listed.url for listed in _gdelt_listing(sites))


def google_news_link(base_url: str, article_id: str) -> str:
    """The link a Google News RSS item of the newsroom carries."""
    return f"{base_url}{GOOGLE_NEWS_ROOT}/rss/articles/{article_id}?oc=5"


def google_news_resolved(sites: Mapping[str, str]) -> dict[str, str]:
    """Article ID → publisher URL, for the 3 resolvable items (2 old-format IDs, then the new one)."""
    return {item.article_id: item.url for item in _google_news_items(sites) if item.url is not None}


def decoding_params_of(article_id: str) -> tuple[str, str]:
    """(signature, timestamp) the article page of ``article_id`` gives."""
    digest = hashlib.sha256(b"newsroom signature " + article_id.encode()).digest()
    signature = "AZ5r3e" + base64.urlsafe_b64encode(digest[:21]).decode()
    return signature, str(1_795_000_000 + int.from_bytes(digest[21:24], "big"))


def discovery_response(site: str, base_url: str, others: Mapping[str, str], now: datetime,
                       target: str) -> Response | None:
    """The answer to a GET of ``target`` under ``/__discovery/`` (the same on every ``site``), else None.

    ``others`` maps every site name to its base URL; ``now`` is the newsroom's base time.
    """
    parts = urlsplit(target)
    if not parts.path.startswith(PREFIX):
        return None
    query = parse_qs(parts.query)
    if parts.path == GDELT_PATH:
        return _gdelt(query, others, now)
    if parts.path == GOOGLE_NEWS_SEARCH_PATH:
        return _google_news_search(base_url, query, others, now)
    if parts.path == BATCHEXECUTE_PATH:
        return Response(405, TEXT, b"batchexecute only answers POST\n", (("Allow", "POST"),))
    page = _ARTICLE_PAGE.fullmatch(parts.path)
    if page is not None:
        return _article_page(page.group(1), others)
    return Response(404, TEXT, b"no such discovery route\n")


def batchexecute_response(body: bytes, others: Mapping[str, str]) -> Response:
    """The answer to a POST of ``body`` (``f.req=…``) to ``BATCHEXECUTE_PATH``."""
    try:
        [envelopes] = json.loads(parse_qs(body.decode("utf-8"))["f.req"][0])
        requests = [(json.loads(request), index) for rpc, request, _, index in envelopes if rpc == "Fbv4je"]
    except (UnicodeDecodeError, KeyError, ValueError, TypeError):
        return _bad_request("f.req is not a batchexecute request")
    resolved = {item.article_id: item.url for item in _google_news_items(others)}
    answers: list[list[object]] = []
    for request, index in requests:
        if not (isinstance(request, list) and len(request) == 5 and request[0] == "garturlreq"):
            return _bad_request("not a garturlreq request")
        article_id, timestamp, signature = request[2], str(request[3]), request[4]
        if article_id not in resolved or (signature, timestamp) != decoding_params_of(article_id):
            return _bad_request(f"signature or timestamp not the ones the page of {article_id} gave")
        url = resolved[article_id]
        answers.append(["wrb.fr", "Fbv4je", json.dumps(["garturlres", url, 1]), None, None, None, index]
                       if url is not None else ["wrb.fr", "Fbv4je", None, None, None, [3], index])
    answers += [["di", 17], ["af.httprm", 17, "-4857913308613425617", 6]]
    return Response(200, JSON, (_XSSI_GUARD + json.dumps(answers, separators=(",", ":"))).encode())


# --- GDELT ----------------------------------------------------------------------------------


def _gdelt(query: dict[str, list[str]], others: Mapping[str, str], now: datetime) -> Response:
    terms = query.get("query", [""])[0]
    error = _gdelt_error(terms, query.get("mode", [""])[0], query.get("format", [""])[0])
    if error:
        return Response(200, TEXT, error.encode())
    if NOTHING_MATCHES in terms:
        return Response(200, JSON, b"{}")
    document = {"articles": [_gdelt_fields(listed, now) for listed in _gdelt_listing(others)]}
    return Response(200, JSON, json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"))


def _gdelt_error(terms: str, mode: str, answer_format: str) -> str:
    if not terms.strip():
        return "The query was blank. Please specify a search query.\n"
    if mode.lower() != "artlist" or answer_format.lower() != "json":
        return "This test double only answers mode=ArtList&format=json.\n"
    if " OR " in terms and "(" not in terms:
        return "Queries containing OR'd terms must be surrounded by ().\n"
    if "(" in terms and " OR " not in terms:
        return "Parentheses may only be used around OR'd statements.\n"
    return ""


@dataclass(frozen=True)
class _Listed:
    """One article of the GDELT answer."""

    url: str
    title: str
    age: timedelta  # how long before "now" GDELT saw it
    image: str
    language: str
    country: str


def _gdelt_listing(sites: Mapping[str, str]) -> list[_Listed]:
    listed = [_listed(sites, pair) for pair in (*GDELT_RELEVANT, GDELT_DENIED)]
    listed.append(_Listed(site_url(sites, GDELT_MISSING), _GDELT_MISSING_TITLE, timedelta(hours=2), "",
                          "English", "Israel"))
    return sorted(listed, key=lambda entry: entry.age)


def _listed(sites: Mapping[str, str], pair: SiteArticle) -> _Listed:
    article = _article(pair)
    image = sites[pair[0]] + article.image if article.image else ""
    return _Listed(site_url(sites, pair), article.title, article.published - _GDELT_LAG, image,
                   _LANGUAGES[article.language], _COUNTRIES[pair[0]])


def _gdelt_fields(listed: _Listed, now: datetime) -> dict[str, str]:
    return {"url": listed.url, "url_mobile": "", "title": listed.title,
            "seendate": (now - listed.age).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"),
            "socialimage": listed.image, "domain": urlsplit(listed.url).netloc, "language": listed.language,
            "sourcecountry": listed.country}


# --- Google News ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Item:
    """One item of the Google News answer."""

    article_id: str
    title: str
    publisher: str  # site name
    age: timedelta  # published this long before "now"
    url: str | None  # None: Google cannot resolve it


def _google_news_items(sites: Mapping[str, str]) -> list[_Item]:
    first, second = (_item(sites, pair, google_news_id(site_url(sites, pair).encode()))
                     for pair in GOOGLE_NEWS_DECODED)
    return [first, _item(sites, GOOGLE_NEWS_BATCHEXECUTED, GOOGLE_NEWS_NEW_ID), second,
            _Item(GOOGLE_NEWS_UNRESOLVABLE_ID, _UNRESOLVABLE_TITLE, "global-wire", timedelta(hours=3), None)]


def _item(sites: Mapping[str, str], pair: SiteArticle, article_id: str) -> _Item:
    article = _article(pair)
    return _Item(article_id, article.title, pair[0], article.published, site_url(sites, pair))


def _google_news_search(base_url: str, query: dict[str, list[str]], others: Mapping[str, str],
                        now: datetime) -> Response:
    terms = query.get("q", [""])[0]
    if not terms.strip():
        return _bad_request("q is required")
    hl = query.get("hl", ["en-US"])[0]
    items = [] if NOTHING_MATCHES in terms else _google_news_items(others)
    search = f"{base_url}{GOOGLE_NEWS_ROOT}/search?q={quote(terms)}&hl={quote(hl)}"
    rendered = "".join(_rss_item(base_url, others, item, now) for item in items)
    feed = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>'
            f"<generator>NFE/5.0</generator><title>{escape(terms)} - Google News</title>"
            f"<link>{escape(search)}</link><language>{escape(hl)}</language>"
            f"<copyright>{now.year} Google LLC</copyright><lastBuildDate>{_rfc822(now)}</lastBuildDate>"
            f"<description>Google News</description>{rendered}</channel></rss>")
    return Response(200, RSS, feed.encode("utf-8"))


def _rss_item(base_url: str, sites: Mapping[str, str], item: _Item, now: datetime) -> str:
    link = google_news_link(base_url, item.article_id)
    publisher = c.SITES[item.publisher].title
    snippet = (f'<a href="{html.escape(link)}" target="_blank">{html.escape(item.title)}</a>'
               f'&nbsp;&nbsp;<font color="#6f6f6f">{html.escape(publisher)}</font>')
    return (f"<item><title>{escape(item.title)} - {escape(publisher)}</title><link>{escape(link)}</link>"
            f'<guid isPermaLink="false">{item.article_id}</guid><pubDate>{_rfc822(now - item.age)}</pubDate>'
            f"<description>{escape(snippet)}</description>"
            f"<source url={quoteattr(sites[item.publisher])}>{escape(publisher)}</source></item>")


def _article_page(article_id: str, others: Mapping[str, str]) -> Response:
    if article_id not in {item.article_id for item in _google_news_items(others)}:
        return Response(404, HTML, b"<!DOCTYPE html><title>Error 404 (Not Found)</title><p>Not found.</p>\n")
    signature, timestamp = decoding_params_of(article_id)
    page = ('<!doctype html><html lang="en-US" dir="ltr"><head><meta charset="utf-8">'
            '<meta name="referrer" content="origin"><title>Google News</title></head>'
            '<body jscontroller="ZG4Vrb" jsaction="rcuQ6b:npT2md"><c-wiz jsrenderer="ZdE5xc" class="SSPGKf" '
            'jsdata="deferred-i5" jsmodel="hc6Ubd" data-p="%.@.]">'
            f'<div jscontroller="aLI87" jsaction="rcuQ6b:npT2md" class="WtdtNb" data-n-a-sg="{signature}" '
            f'data-n-a-ts="{timestamp}" data-n-a-id="{article_id}" data-n-et="1"></div></c-wiz>'
            '<script nonce="x">window.WIZ_global_data = {};</script></body></html>')
    return Response(200, HTML, page.encode("utf-8"))


# --- helpers -------------------------------------------------------------------------------


def _article(pair: SiteArticle) -> c.Article:
    article = c.SITES[pair[0]].article(pair[1])
    if article is None:
        raise LookupError(f"no article {pair[1]} on {pair[0]}")
    return article


def _rfc822(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def _bad_request(why: str) -> Response:
    return Response(400, TEXT, f"400 Bad Request: {why}\n".encode())
