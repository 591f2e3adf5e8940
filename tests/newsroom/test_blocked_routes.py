"""The newsroom's ``/__blocked/`` pages (tests/newsroom/blocked.py) at the function level: no server."""

from __future__ import annotations

import feedparser
import pytest

from crawler.blocked import blocked_reason
from crawler.config import TopicConfig
from crawler.normalize import normalize
from crawler.relevance import TopicMatcher
from tests.newsroom.blocked import BLOCKED_PREFIX, FEED_TITLES, blocked_response
from tests.newsroom.routes import HTML, RSS, Response

BASE_URL = "http://127.0.0.1:8123"
EXPECTED_REASONS = {
    "challenge.html": "bot challenge (Cloudflare)",
    "consent.html": "consent wall (Sourcepoint)",
    "paywall.html": "paywall stub (subscribers only)",
    "ok.html": None,
}
TOPIC = TopicConfig(terms=("Abraham Accords",))


def fetch(page: str) -> Response:
    response = blocked_response(BLOCKED_PREFIX + page, BASE_URL)
    assert response is not None
    return response


@pytest.mark.parametrize("target", ["/", "/feed.xml", "/__faults/feed.xml", "/__blocked/missing.html",
                                    "/__blocked/", "/__blocked"])
def test_other_targets_are_not_answered(target: str) -> None:
    assert blocked_response(target, BASE_URL) is None


def test_the_feed_lists_every_page_with_absolute_links() -> None:
    response = fetch("feed.xml")
    assert (response.status, response.content_type) == (200, RSS)
    feed = feedparser.parse(response.body)
    assert not feed.bozo
    assert [entry.link for entry in feed.entries] == [f"{BASE_URL}{BLOCKED_PREFIX}{page}" for page in EXPECTED_REASONS]
    assert [entry.title for entry in feed.entries] == [FEED_TITLES[page] for page in EXPECTED_REASONS]
    assert all("Abraham Accords" in entry.title for entry in feed.entries)


@pytest.mark.parametrize(("page", "reason"), EXPECTED_REASONS.items())
def test_each_page_is_blocked_as_expected(page: str, reason: str | None) -> None:
    response = fetch(page)
    assert (response.status, response.content_type) == (200, HTML)
    url, html = f"{BASE_URL}{BLOCKED_PREFIX}{page}", response.body.decode("utf-8")
    assert blocked_reason(url, response.status, dict(response.headers), html) == reason
    body = normalize(url, html).body
    assert blocked_reason(url, response.status, dict(response.headers), html, body_text_chars=len(body)) == reason


def test_the_challenge_carries_cloudflares_header() -> None:
    assert ("cf-mitigated", "challenge") in fetch("challenge.html").headers
    assert blocked_reason("http://127.0.0.1:8123/", 200, dict(fetch("challenge.html").headers), "") == (
        "bot challenge (Cloudflare)")


@pytest.mark.parametrize("page", ["paywall.html", "ok.html"])
def test_only_the_block_detector_tells_the_paywall_from_the_article(page: str) -> None:
    """Both are relevant articles to the extractor and the relevance filter."""
    url = f"{BASE_URL}{BLOCKED_PREFIX}{page}"
    article = normalize(url, fetch(page).body)
    assert article.is_article
    assert article.title == FEED_TITLES[page]
    verdict = TopicMatcher(TOPIC).judge(article.title, article.description, article.body, article.language)
    assert verdict.relevant
    assert "Abraham Accords" in article.body
