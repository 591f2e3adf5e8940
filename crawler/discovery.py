"""Query sources: the requests to GDELT and Google News, and reading what they answer.

Pure functions, no network and no Scrapy; the spiders send the requests.

- GDELT DOC 2.0 API, ``mode=ArtList``, ``format=json``: ``gdelt_query`` →
  ``gdelt_request_url`` → ``read_gdelt`` (the articles it lists).
- Google News RSS search: ``google_news_query`` → ``google_news_search_url``; the feed
  is read like any RSS feed. Its item links are redirects,
  ``<root>/rss/articles/<ID>?oc=5`` (``google_news_article_id``):
  old IDs ("CBMi…" with the URL inside) decode offline (``decode_old_google_news_id``);
  new ones take two requests: GET the link, read ``decoding_params`` from the page,
  POST ``batchexecute_body`` to ``batchexecute_url(link)`` (content type
  ``BATCHEXECUTE_CONTENT_TYPE``) and read the publisher URL with ``read_batchexecute``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from parsel import Selector

DEFAULT_GDELT_API_URL = "https://api.gdeltproject.org/api/v2/doc/doc"
DEFAULT_GOOGLE_NEWS_API_URL = "https://news.google.com/rss/search"
GDELT_MAX_RECORDS = 250  # the most one ArtList request returns
BATCHEXECUTE_PATH = "/_/DotsSplashUi/data/batchexecute"
BATCHEXECUTE_CONTENT_TYPE = "application/x-www-form-urlencoded;charset=UTF-8"

_GDELT_SEEN_FORMAT = "%Y%m%dT%H%M%SZ"  # e.g. 20261128T101500Z, always UTC
_ERROR_EXCERPT = 200
_ARTICLE_PATH = re.compile(r"/(?:rss/)?articles/([A-Za-z0-9_-]+)/?$")
_OLD_ID_PREFIX = b"\x08\x13\x22"  # protobuf: field 1 = 19, then field 4 (length-delimited) holds the URL
_NEW_ID_MARKER = b"AU_yqL"  # field 4 holds this token instead of a URL: only Google can resolve it
_XSSI_GUARD = ")]}'"
_GARTURLREQ_CONTEXT: list[Any] = [
    ["X", "X", ["X", "X"], None, None, 1, 1, "US:en", None, 1, None, None, None, None, None, 0, 1],
    "X", "X", 1, [1, 1, 1], 1, 1, None, 0, 0, None, 0,
]


class DiscoveryError(ValueError):
    """A query service answered something we cannot read."""


@dataclass(frozen=True)
class GdeltArticle:
    """One article of a GDELT ArtList answer."""

    url: str
    title: str = ""
    seen_at: datetime | None = None  # when GDELT first saw it (UTC), not the publication time
    domain: str = ""
    language: str = ""  # an English name: "English", "Arabic", …


# --- GDELT ------------------------------------------------------------------------------


def gdelt_query(phrases: Sequence[str]) -> str:
    """The GDELT query for any of ``phrases``: ``"abraham accords"``, ``("a b" OR c)``.

    Multi-word phrases are quoted; GDELT only accepts ORed terms inside parentheses,
    and rejects parentheses around a single term.
    """
    terms = [_quoted(phrase) if " " in phrase else phrase for phrase in _distinct(phrases)]
    if not terms:
        raise ValueError("gdelt_query needs at least one non-empty phrase")
    return terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"


def gdelt_request_url(api_url: str, query: str, timespan: str, max_records: int = GDELT_MAX_RECORDS) -> str:
    """The ArtList request for ``query`` over the last ``timespan`` (e.g. ``"24h"``, ``"3d"``), newest first."""
    if not 1 <= max_records <= GDELT_MAX_RECORDS:
        raise ValueError(f"max_records must be between 1 and {GDELT_MAX_RECORDS}, not {max_records}")
    if not timespan.strip():
        raise ValueError("timespan must not be empty")
    params = {"query": query, "mode": "ArtList", "format": "json", "timespan": timespan.strip(),
              "maxrecords": str(max_records), "sort": "DateDesc"}
    return _with_query(api_url, urlencode(params, quote_via=quote))


def read_gdelt(body: bytes) -> list[GdeltArticle]:
    """The articles of an ArtList JSON answer; ``{}`` (nothing matched) is an empty list.

    Raises ``DiscoveryError`` for anything else that is not an ``articles`` list, such as
    the plain-text message GDELT answers to a query it rejects. Entries without a URL
    are skipped.
    """
    text = body.decode("utf-8", errors="replace").lstrip("\ufeff")
    try:
        document = json.loads(text, strict=False)  # GDELT titles may hold raw control characters
    except ValueError:
        raise DiscoveryError(f"GDELT answered something that is not JSON: {_excerpt(text)!r}") from None
    if document == {}:
        return []
    articles = document.get("articles") if isinstance(document, dict) else None
    if not isinstance(articles, list):
        raise DiscoveryError(f"GDELT answer has no 'articles' list: {_excerpt(text)!r}")
    return [_gdelt_article(entry) for entry in articles if isinstance(entry, dict) and _text(entry, "url")]


def _gdelt_article(entry: dict[str, Any]) -> GdeltArticle:
    return GdeltArticle(url=_text(entry, "url"), title=_text(entry, "title"),
                        seen_at=_gdelt_seen_at(_text(entry, "seendate")), domain=_text(entry, "domain"),
                        language=_text(entry, "language"))


def _gdelt_seen_at(value: str) -> datetime | None:
    try:
        return datetime.strptime(value, _GDELT_SEEN_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


# --- Google News search -------------------------------------------------------------------


def google_news_query(phrases: Sequence[str]) -> str:
    """The Google News search for any of ``phrases``: each quoted, joined by `` OR ``."""
    terms = [_quoted(phrase) for phrase in _distinct(phrases)]
    if not terms:
        raise ValueError("google_news_query needs at least one non-empty phrase")
    return " OR ".join(terms)


def google_news_search_url(api_url: str, query: str, hl: str, gl: str, ceid: str) -> str:
    """The RSS search URL, e.g. ``…/rss/search?q=…&hl=en-US&gl=US&ceid=US:en``."""
    params = {"q": query, "hl": hl, "gl": gl, "ceid": ceid}
    return _with_query(api_url, urlencode(params, quote_via=quote, safe=":"))


# --- Google News redirect links ---------------------------------------------------------------


def google_news_article_id(url: str) -> str | None:
    """The ID of a ``…/rss/articles/<ID>`` or ``…/articles/<ID>`` link; None for any other URL."""
    match = _ARTICLE_PATH.search(urlsplit(url).path)
    return match.group(1) if match else None


def batchexecute_url(article_url: str) -> str | None:
    """The batchexecute endpoint of the Google News that serves ``article_url``."""
    parts = urlsplit(article_url)
    match = _ARTICLE_PATH.search(parts.path)
    if match is None:
        return None
    root = parts.path[:match.start()]
    return urlunsplit((parts.scheme, parts.netloc, root + BATCHEXECUTE_PATH, "", ""))


def decode_old_google_news_id(article_id: str) -> str | None:
    """The publisher URL inside an old-format ID; None for a new-format or undecodable one.

    An old ID is base64url (unpadded) of protobuf bytes: ``08 13 22``, the URL's
    length as a varint (one byte below 128, two up to 16383), the URL, then
    optional fields (often ``d2 01 00``, an empty AMP URL) that are ignored.
    """
    raw = _base64url(article_id)
    if raw is None or not raw.startswith(_OLD_ID_PREFIX):
        return None
    field = _length_delimited(raw, len(_OLD_ID_PREFIX))
    if field is None or field.startswith(_NEW_ID_MARKER):
        return None
    try:
        url = field.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return url if url.startswith(("http://", "https://")) else None


def decoding_params(page_html: str) -> tuple[str, str] | None:
    """(signature, timestamp): ``data-n-a-sg`` and ``data-n-a-ts`` of ``c-wiz > div[jscontroller]``."""
    if not page_html.strip():
        return None
    for element in Selector(text=page_html).css("c-wiz > div[jscontroller]"):
        signature, timestamp = element.attrib.get("data-n-a-sg"), element.attrib.get("data-n-a-ts")
        if signature and timestamp:
            return signature, timestamp
    return None


def batchexecute_body(article_id: str, timestamp: str, signature: str) -> str:
    """The form body (``f.req=…``) that asks batchexecute (RPC ``Fbv4je``) for the ID's URL."""
    stamp: int | str = int(timestamp) if timestamp.isdigit() else timestamp
    request = _compact(["garturlreq", _GARTURLREQ_CONTEXT, article_id, stamp, signature])
    return urlencode({"f.req": _compact([[["Fbv4je", request, None, "generic"]]])})


def read_batchexecute(body: str) -> str | None:
    """The publisher URL of a batchexecute answer (``["garturlres","<URL>",1]``), None if it holds none.

    Reads the plain form (``)]}'``, a blank line, one JSON array of envelopes) and the
    chunked one (a byte count before each JSON chunk). A body that is neither, or an
    error envelope (no payload), holds no URL.
    """
    for envelope in _envelopes(body):
        if len(envelope) < 3 or envelope[0] != "wrb.fr" or not isinstance(envelope[2], str):
            continue
        try:
            payload = json.loads(envelope[2])
        except ValueError:
            continue
        if (isinstance(payload, list) and len(payload) > 1 and payload[0] == "garturlres"
                and isinstance(payload[1], str) and payload[1].startswith(("http://", "https://"))):
            return payload[1]
    return None


def _envelopes(body: str) -> list[list[Any]]:
    text = body.lstrip()
    text = text.removeprefix(_XSSI_GUARD)
    try:
        chunks = [json.loads(text)]
    except ValueError:
        chunks = [_json_line(line) for line in text.splitlines() if line.lstrip().startswith("[")]
    return [envelope for chunk in chunks if isinstance(chunk, list)
            for envelope in chunk if isinstance(envelope, list)]


def _json_line(line: str) -> Any:
    try:
        return json.loads(line)
    except ValueError:
        return None


# --- helpers ----------------------------------------------------------------------------------


def _distinct(phrases: Sequence[str]) -> list[str]:
    """The phrases without surrounding space, double quotes, blanks and repeats, in order."""
    cleaned = (" ".join(phrase.replace('"', " ").split()) for phrase in phrases)
    return list(dict.fromkeys(phrase for phrase in cleaned if phrase))


def _quoted(phrase: str) -> str:
    return f'"{phrase}"'


def _with_query(url: str, query: str) -> str:
    return url + ("&" if "?" in url else "?") + query


def _text(entry: dict[str, Any], key: str) -> str:
    value = entry.get(key)
    return value.strip() if isinstance(value, str) else ""


def _excerpt(text: str) -> str:
    return text.strip()[:_ERROR_EXCERPT]


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _base64url(value: str) -> bytes | None:
    if not re.fullmatch(r"[A-Za-z0-9_-]+", value):
        return None
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None


def _length_delimited(data: bytes, start: int) -> bytes | None:
    """The bytes of the length-delimited field whose varint length begins at ``start``."""
    length = shift = 0
    position = start
    while position < len(data) and shift <= 28:
        byte = data[position]
        position += 1
        length |= (byte & 0x7F) << shift
        if not byte & 0x80:
            end = position + length
            return data[position:end] if end <= len(data) else None
        shift += 7
    return None
