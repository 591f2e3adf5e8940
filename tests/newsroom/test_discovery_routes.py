"""The fake query services at the function level: what they answer reads with crawler.discovery."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlsplit

import feedparser
import pytest

from crawler.discovery import (
    DiscoveryError,
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
from tests.newsroom import content as c
from tests.newsroom.discovery import (
    BATCHEXECUTE_PATH,
    GDELT_DENIED,
    GDELT_MISSING,
    GDELT_PATH,
    GDELT_RELEVANT,
    GOOGLE_NEWS_BATCHEXECUTED,
    GOOGLE_NEWS_DECODED,
    GOOGLE_NEWS_NEW_ID,
    GOOGLE_NEWS_ROOT,
    GOOGLE_NEWS_SEARCH_PATH,
    GOOGLE_NEWS_UNRESOLVABLE_ID,
    batchexecute_response,
    discovery_response,
    gdelt_urls,
    google_news_link,
    google_news_resolved,
    site_url,
)
from tests.newsroom.routes import Response

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)
SITES = {"israel-daily": "http://127.0.0.1:41001", "maghreb-news": "http://127.0.0.1:41002",
         "global-wire": "http://127.0.0.1:41003"}
HOME = SITES["global-wire"]  # the site that serves the fake services in these tests
PHRASES = ["Abraham Accords", "accords d'Abraham"]


def get(url: str) -> Response:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == HOME
    response = discovery_response("global-wire", HOME, SITES, NOW, parts.path + (f"?{parts.query}" if parts.query else ""))
    assert response is not None
    return response


def gdelt(query: str, mode: str = "ArtList") -> Response:
    url = gdelt_request_url(HOME + GDELT_PATH, query, "24h")
    return get(url.replace("mode=ArtList", f"mode={mode}"))


@pytest.mark.parametrize("target", ["/", "/feed.xml", "/__extra/feed.xml", "/__faults/drop", "/__discoveryx"])
def test_other_paths_are_left_to_the_site(target: str) -> None:
    assert discovery_response("israel-daily", SITES["israel-daily"], SITES, NOW, target) is None


def test_gdelt_lists_the_articles_newest_first() -> None:
    response = gdelt(gdelt_query(PHRASES))
    assert (response.status, response.content_type) == (200, "application/json; charset=utf-8")
    articles = read_gdelt(response.body)
    urls = {site_url(SITES, pair) for pair in (*GDELT_RELEVANT, GDELT_DENIED, GDELT_MISSING)}
    assert tuple(a.url for a in articles) == gdelt_urls(SITES) and set(gdelt_urls(SITES)) == urls
    assert len(articles) == 5
    seen = [a.seen_at for a in articles]
    assert None not in seen and seen == sorted(seen, reverse=True)  # type: ignore[type-var]
    summit = next(a for a in articles if a.url == site_url(SITES, ("israel-daily", c.ID_SUMMIT)))
    assert (summit.title, summit.domain, summit.language) == (
        "Leaders mark Abraham Accords anniversary with new aviation and water pacts", "127.0.0.1:41001", "English")
    assert summit.seen_at == NOW - timedelta(hours=15) + timedelta(minutes=15)
    denied = next(a for a in articles if a.url == site_url(SITES, GDELT_DENIED))
    assert (denied.domain, denied.language) == ("127.0.0.1:41002", "Arabic")


def test_gdelt_entries_have_the_documented_fields() -> None:
    document = json.loads(gdelt('"Abraham Accords"').body)
    assert list(document) == ["articles"]
    for entry in document["articles"]:
        assert list(entry) == ["url", "url_mobile", "title", "seendate", "socialimage", "domain", "language",
                               "sourcecountry"]
        assert urlsplit(entry["url"]).hostname == "127.0.0.1"
        assert entry["socialimage"] == "" or entry["socialimage"].startswith("http://127.0.0.1:")


def test_gdelt_relevant_and_missing_articles() -> None:
    for site, path in GDELT_RELEVANT:
        article = c.SITES[site].article(path)
        assert article is not None and article.relevant
    assert c.SITES[GDELT_MISSING[0]].article(GDELT_MISSING[1]) is None  # the site answers 404


def test_gdelt_nothing_matched_is_an_empty_object() -> None:
    response = gdelt('("nothing-matches" OR "Abraham Accords")')
    assert response.body == b"{}"
    assert read_gdelt(response.body) == []


@pytest.mark.parametrize(("query", "mode", "message"), [
    ("", "ArtList", "The query was blank"),
    ('"Abraham Accords"', "TimelineVol", "only answers mode=ArtList"),
    ('("Abraham Accords")', "ArtList", "Parentheses may only be used around OR'd statements"),
    ('"Abraham Accords" OR normalization', "ArtList", r"must be surrounded by \(\)"),
])
def test_gdelt_rejects_bad_queries_in_plain_text(query: str, mode: str, message: str) -> None:
    response = gdelt(query, mode)
    assert (response.status, response.content_type) == (200, "text/plain; charset=utf-8")
    with pytest.raises(DiscoveryError, match=message):
        read_gdelt(response.body)


def google_news(query: str) -> Any:
    response = get(google_news_search_url(HOME + GOOGLE_NEWS_SEARCH_PATH, query, "en-US", "US", "US:en"))
    assert (response.status, response.content_type) == (200, "application/rss+xml; charset=utf-8")
    feed: Any = feedparser.parse(response.body)
    assert not feed.bozo
    return feed


def test_google_news_rss_in_the_recorded_format() -> None:
    feed = google_news(google_news_query(PHRASES))
    assert feed.feed.title == '"Abraham Accords" OR "accords d\'Abraham" - Google News'
    assert feed.feed.generator == "NFE/5.0"
    assert len(feed.entries) == 4
    resolved = google_news_resolved(SITES)
    ids = [google_news_article_id(entry.link) for entry in feed.entries]
    assert set(ids) == {*resolved, GOOGLE_NEWS_UNRESOLVABLE_ID}
    for entry, article_id in zip(feed.entries, ids, strict=True):
        assert entry.link == google_news_link(HOME, str(article_id))
        assert entry.id == article_id
        assert f'<a href="{entry.link}" target="_blank">' in entry.summary
        assert entry.title.endswith(" - " + entry.source.title)
        assert entry.source.href in SITES.values()
    knesset = next(e for e in feed.entries if e.source.title == "Israel Daily" and "Knesset" in e.title)
    assert knesset.title == "Knesset debates expanding the Abraham Accords to new Gulf partners - Israel Daily"
    assert knesset.published == "Fri, 27 Nov 2026 07:00:00 GMT"  # B−29h


def test_google_news_nothing_matched_is_a_feed_without_items() -> None:
    feed = google_news('"nothing-matches"')
    assert feed.feed.title == '"nothing-matches" - Google News' and feed.entries == []


def test_google_news_needs_a_query() -> None:
    assert get(HOME + GOOGLE_NEWS_SEARCH_PATH + "?hl=en-US").status == 400


def test_old_ids_decode_offline_to_newsroom_articles() -> None:
    resolved = google_news_resolved(SITES)
    decoded = {article_id: decode_old_google_news_id(article_id) for article_id in resolved}
    assert [url for url in decoded.values() if url] == [site_url(SITES, pair) for pair in GOOGLE_NEWS_DECODED]
    assert decoded[GOOGLE_NEWS_NEW_ID] is None
    assert decode_old_google_news_id(GOOGLE_NEWS_UNRESOLVABLE_ID) is None
    for site, path in (*GOOGLE_NEWS_DECODED, GOOGLE_NEWS_BATCHEXECUTED):
        article = c.SITES[site].article(path)
        assert article is not None and article.relevant


def resolve(link: str) -> str | None:
    """What a crawler does with a new-format link: GET the page, POST to batchexecute."""
    article_id = google_news_article_id(link)
    assert article_id is not None
    params = decoding_params(get(link).body.decode())
    assert params is not None
    signature, timestamp = params
    endpoint = batchexecute_url(link)
    assert endpoint == HOME + BATCHEXECUTE_PATH
    response = batchexecute_response(batchexecute_body(article_id, timestamp, signature).encode(), SITES)
    assert (response.status, response.content_type) == (200, "application/json; charset=utf-8")
    assert response.body.startswith(b")]}'\n\n")
    return read_batchexecute(response.body.decode())


def test_new_id_resolves_through_batchexecute() -> None:
    expected = site_url(SITES, GOOGLE_NEWS_BATCHEXECUTED)
    assert google_news_resolved(SITES)[GOOGLE_NEWS_NEW_ID] == expected
    assert resolve(google_news_link(HOME, GOOGLE_NEWS_NEW_ID)) == expected
    assert resolve(f"{HOME}{GOOGLE_NEWS_ROOT}/articles/{GOOGLE_NEWS_NEW_ID}") == expected


def test_unresolvable_id_gets_an_answer_without_url() -> None:
    assert resolve(google_news_link(HOME, GOOGLE_NEWS_UNRESOLVABLE_ID)) is None


def test_old_ids_resolve_through_batchexecute_too() -> None:
    for article_id, url in google_news_resolved(SITES).items():
        assert resolve(google_news_link(HOME, article_id)) == url


def test_article_page_of_an_unknown_id_is_404() -> None:
    assert get(google_news_link(HOME, "CBMiAAAA")).status == 404


@pytest.mark.parametrize(("body", "message"), [
    (batchexecute_body(GOOGLE_NEWS_NEW_ID, "1795000000", "AZ5r3eWRONG").encode(), b"signature or timestamp"),
    (b"f.req=" + quote(json.dumps([[["Fbv4je", '["garturlreq"]', None, "generic"]]])).encode(), b"not a garturlreq"),
    (b"f.req=%5Bnot%20json", b"not a batchexecute request"),
    (b"q=1", b"not a batchexecute request"),
    (b"\xff\xfe", b"not a batchexecute request"),
])
def test_batchexecute_rejects_bad_requests(body: bytes, message: bytes) -> None:
    response = batchexecute_response(body, SITES)
    assert response.status == 400 and message in response.body


def test_batchexecute_only_answers_post() -> None:
    response = get(HOME + BATCHEXECUTE_PATH)
    assert response.status == 405 and ("Allow", "POST") in response.headers
