from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from crawler.discovery import (
    DEFAULT_GDELT_API_URL,
    DEFAULT_GOOGLE_NEWS_API_URL,
    DiscoveryError,
    GdeltArticle,
    batchexecute_body,
    batchexecute_url,
    decode_old_google_news_id,
    decoding_params,
    gdelt_query,
    gdelt_request_url,
    google_news_article_id,
    google_news_query,
    google_news_search_url,
    read_batchexecute,
    read_gdelt,
)

SHORT_URL = "https://www.example.com/world/2026/11/28/accords-summit.html"
LONG_URL = "https://www.example.com/world/2026/11/28/" + "abraham-accords-" * 12 + "summit.html?id=42"


def encoded_id(field: bytes, suffix: bytes = b"\xd2\x01\x00") -> str:
    """An ID the way Google News builds one: 08 13 22, varint length, the field, more fields."""
    length, varint = len(field), b""
    while length >= 0x80:
        varint += bytes([length & 0x7F | 0x80])
        length >>= 7
    varint += bytes([length])
    return base64.urlsafe_b64encode(b"\x08\x13\x22" + varint + field + suffix).decode().rstrip("=")


# --- GDELT ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("phrases", "expected"), [
    (["Abraham Accords"], '"Abraham Accords"'),
    (["normalization"], "normalization"),
    (["Abraham Accords", "اتفاقيات أبراهام", "normalization"],
     '("Abraham Accords" OR "اتفاقيات أبراهام" OR normalization)'),
    (["  Abraham   Accords ", '"Abraham Accords"', ""], '"Abraham Accords"'),
])
def test_gdelt_query(phrases: list[str], expected: str) -> None:
    assert gdelt_query(phrases) == expected


def test_gdelt_query_needs_a_phrase() -> None:
    with pytest.raises(ValueError, match="at least one non-empty phrase"):
        gdelt_query(["", '""'])


def test_gdelt_request_url_encodes_every_parameter() -> None:
    url = gdelt_request_url(DEFAULT_GDELT_API_URL, '("Abraham Accords" OR "accords d\'Abraham")', "24h", 100)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "api.gdeltproject.org", "/api/v2/doc/doc")
    assert " " not in url and '"' not in url
    assert parse_qs(parts.query) == {"query": ['("Abraham Accords" OR "accords d\'Abraham")'], "mode": ["ArtList"],
                                     "format": ["json"], "timespan": ["24h"], "maxrecords": ["100"],
                                     "sort": ["DateDesc"]}
    assert gdelt_request_url("http://127.0.0.1:8000/doc?key=1", "x", "1d").startswith("http://127.0.0.1:8000/doc?key=1&query=x&")


@pytest.mark.parametrize(("timespan", "max_records", "message"), [
    ("24h", 0, "max_records must be between 1 and 250, not 0"),
    ("24h", 251, "max_records must be between 1 and 250, not 251"),
    (" ", 250, "timespan must not be empty"),
])
def test_gdelt_request_url_rejects(timespan: str, max_records: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        gdelt_request_url(DEFAULT_GDELT_API_URL, "x", timespan, max_records)


GDELT_ANSWER = json.dumps({"articles": [
    {"url": "https://www.example.com/a.html", "url_mobile": "https://m.example.com/a.html",
     "title": "Leaders mark Abraham Accords anniversary", "seendate": "20261128T101500Z",
     "socialimage": "https://www.example.com/a.jpg", "domain": "example.com", "language": "English",
     "sourcecountry": "Israel"},
    {"url": "https://www.example.ma/b.html", "url_mobile": "", "title": "Tourisme\u0007 à Marrakech",
     "seendate": "not a date", "socialimage": "", "domain": "example.ma", "language": "French",
     "sourcecountry": "Morocco"},
    {"title": "no url"},
]}, ensure_ascii=False).replace("\\u0007", "\u0007").encode()  # GDELT leaves control characters raw


def test_read_gdelt() -> None:
    assert read_gdelt(GDELT_ANSWER) == [
        GdeltArticle("https://www.example.com/a.html", "Leaders mark Abraham Accords anniversary",
                     datetime(2026, 11, 28, 10, 15, tzinfo=UTC), "example.com", "English"),
        GdeltArticle("https://www.example.ma/b.html", "Tourisme\u0007 à Marrakech", None, "example.ma", "French"),
    ]


def test_read_gdelt_nothing_matched() -> None:
    assert read_gdelt(b"{}") == []
    assert read_gdelt(b'{"articles": []}') == []


@pytest.mark.parametrize(("body", "message"), [
    (b"Parentheses may only be used around OR'd statements.", "not JSON: \"Parentheses may only be used"),
    (b"The specified phrase is too short. " + b"x" * 500, "not JSON: 'The specified phrase is too short. x+'$"),
    (b"", "not JSON: ''"),
    (b'{"timeline": []}', "no 'articles' list"),
    (b'{"articles": "none"}', "no 'articles' list"),
    (b"[]", "no 'articles' list"),
])
def test_read_gdelt_errors(body: bytes, message: str) -> None:
    with pytest.raises(DiscoveryError, match=message) as error:
        read_gdelt(body)
    assert len(str(error.value)) < 300


# --- Google News search ------------------------------------------------------------------------

def test_google_news_query_quotes_every_phrase() -> None:
    assert google_news_query(["Abraham Accords", "normalization", "Abraham Accords"]) == \
        '"Abraham Accords" OR "normalization"'


def test_google_news_search_url() -> None:
    url = google_news_search_url(DEFAULT_GOOGLE_NEWS_API_URL, '"Abraham Accords" OR "הסכמי אברהם"',
                                 "en-US", "US", "US:en")
    assert url.startswith("https://news.google.com/rss/search?q=%22Abraham%20Accords%22%20OR%20")
    assert url.endswith("&hl=en-US&gl=US&ceid=US:en")
    assert parse_qs(urlsplit(url).query)["q"] == ['"Abraham Accords" OR "הסכמי אברהם"']


# --- Google News redirect links -----------------------------------------------------------------

@pytest.mark.parametrize(("url", "expected"), [
    ("https://news.google.com/rss/articles/CBMiK2h0dHBz0gEA?oc=5", "CBMiK2h0dHBz0gEA"),
    ("https://news.google.com/articles/CBMi-_x?hl=en-US&gl=US&ceid=US:en", "CBMi-_x"),
    ("http://127.0.0.1:4000/__discovery/google-news/rss/articles/CBMiAB", "CBMiAB"),
    ("https://news.google.com/rss/search?q=x", None),
    ("https://news.google.com/rss/articles/", None),
    ("https://www.example.com/news/the-articles/2026.html", None),
])
def test_google_news_article_id(url: str, expected: str | None) -> None:
    assert google_news_article_id(url) == expected


@pytest.mark.parametrize(("url", "expected"), [
    ("https://news.google.com/rss/articles/CBMiAB?oc=5", "https://news.google.com/_/DotsSplashUi/data/batchexecute"),
    ("http://127.0.0.1:4000/__discovery/google-news/articles/CBMiAB",
     "http://127.0.0.1:4000/__discovery/google-news/_/DotsSplashUi/data/batchexecute"),
    ("https://news.google.com/search?q=x", None),
])
def test_batchexecute_url(url: str, expected: str | None) -> None:
    assert batchexecute_url(url) == expected


def test_old_id_round_trips_with_a_one_byte_length() -> None:
    assert len(SHORT_URL) < 128
    article_id = encoded_id(SHORT_URL.encode())
    assert article_id.startswith("CBMi")
    assert decode_old_google_news_id(article_id) == SHORT_URL
    assert decode_old_google_news_id(encoded_id(SHORT_URL.encode(), suffix=b"")) == SHORT_URL


def test_old_id_round_trips_with_a_two_byte_length() -> None:
    assert 128 <= len(LONG_URL) < 16384
    amp = b"\xd2\x01" + bytes([len(SHORT_URL)]) + SHORT_URL.encode()  # a filled AMP field after the URL
    assert decode_old_google_news_id(encoded_id(LONG_URL.encode(), suffix=amp)) == LONG_URL


@pytest.mark.parametrize("article_id", [
    encoded_id(b"AU_yqLN3he6m66di3u4dJBtpZlLiCR91SaAEDZMe4st3Ufu0vY6FyW95ePgL1GcdzfgBRJTMBlKZjA9BG9sluw"),  # new format
    "CBMiVkFVX3lxTE4zaGU2bTY2ZGkzdTRkSkJ0cFpsTGlDUjkxU2FBRURaTWU0c3QzVWZ1MHZZNkZ5Vzk1ZVBnTDFHY2R6ZmdCUkpUTUJsS1pqQTlCRzlzbHV3",
    encoded_id(SHORT_URL.encode())[:40],  # cut short: the length says more than there is
    encoded_id(b"not a url"),
    encoded_id(b"https://\xff\xfe.example.com/"),  # not UTF-8
    base64.urlsafe_b64encode(b"\x08\x14\x22\x05https").decode(),  # another prefix
    "CBMi!!notbase64",
    "",
])
def test_ids_that_do_not_decode_offline(article_id: str) -> None:
    assert decode_old_google_news_id(article_id) is None


ARTICLE_PAGE = """<!doctype html><html lang="en-US"><head><title>Google News</title></head><body>
<c-wiz jsrenderer="ZdE5xc" class="SSPGKf" jsdata="deferred-i5" jsmodel="hc6Ubd">
<div jscontroller="aLI87" jsaction="rcuQ6b:npT2md" class="WtdtNb" data-n-a-sg="AZ5r3eQgUz4DTz0J9FazWGdfF2xD"
 data-n-a-ts="1772798585" data-n-a-id="CBMiUkFVX3lxTE0x" data-n-et="1"></div></c-wiz></body></html>"""


@pytest.mark.parametrize(("html", "expected"), [
    (ARTICLE_PAGE, ("AZ5r3eQgUz4DTz0J9FazWGdfF2xD", "1772798585")),
    ('<c-wiz><div jscontroller="a"></div><div jscontroller="b" data-n-a-sg="S" data-n-a-ts="7"></div></c-wiz>',
     ("S", "7")),
    ('<c-wiz><div jscontroller="a" data-n-a-sg="S"></div></c-wiz>', None),  # no timestamp
    ('<div jscontroller="a" data-n-a-sg="S" data-n-a-ts="7"></div>', None),  # not in a c-wiz
    ("<html><body>Before you continue to Google</body></html>", None),
    ("", None),
])
def test_decoding_params(html: str, expected: tuple[str, str] | None) -> None:
    assert decoding_params(html) == expected


def test_batchexecute_body_is_the_garturlreq_form() -> None:
    body = batchexecute_body("CBMiUkFVX3lxTE0x", "1772798585", "AZ5r3e/Q+g=")
    fields = parse_qs(body)
    assert list(fields) == ["f.req"] and body.startswith("f.req=%5B%5B%5B%22Fbv4je%22")
    [[[rpc, request, nothing, index]]] = json.loads(fields["f.req"][0])
    assert (rpc, nothing, index) == ("Fbv4je", None, "generic")
    garturlreq = json.loads(request)
    assert garturlreq[0] == "garturlreq" and garturlreq[1][0][7] == "US:en"
    assert garturlreq[2:] == ["CBMiUkFVX3lxTE0x", 1772798585, "AZ5r3e/Q+g="]


PUBLISHER = "https://www.example.com/world/2026/11/28/accords-summit.html?a=1&b=2"
PLAIN_ANSWER = (")]}'\n\n" + json.dumps([
    ["wrb.fr", "Fbv4je", json.dumps(["garturlres", PUBLISHER, 1]), None, None, None, "generic"],
    ["di", 19], ["af.httprm", 19, "-6254137426577155396", 8]]))
CHUNKED_ANSWER = (")]}'\n\n" + "\n".join(
    part for chunk in ([["wrb.fr", "Fbv4je", json.dumps(["garturlres", PUBLISHER, 1]), None, None, None, "1"]],
                       [["di", 12]], [["e", 4, None, None, 167]])
    for part in (str(len(json.dumps(chunk)) + 1), json.dumps(chunk))))
ERROR_ANSWER = (")]}'\n\n" + json.dumps([["wrb.fr", "Fbv4je", None, None, None, [3], "generic"],
                                          ["di", 10], ["af.httprm", 10, "-1", 4]]))


@pytest.mark.parametrize(("body", "expected"), [
    (PLAIN_ANSWER, PUBLISHER),
    (CHUNKED_ANSWER, PUBLISHER),
    (ERROR_ANSWER, None),
    (")]}'\n\n" + json.dumps([["wrb.fr", "Fbv4je", json.dumps(["garturlres", None, 1]), None, None, None, "generic"]]),
     None),
    (")]}'\n\n" + json.dumps([["wrb.fr", "Fbv4je", "[\"garturlres\", \"javascript:alert(1)\"]", None]]), None),
    (")]}'\n\n" + json.dumps([["wrb.fr", "Fbv4je", "{not json", None]]), None),
    ("<html><body>429 Too Many Requests</body></html>", None),
    ("", None),
])
def test_read_batchexecute(body: str, expected: str | None) -> None:
    assert read_batchexecute(body) == expected
