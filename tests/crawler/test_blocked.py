"""Bot challenges, consent walls and paywall stubs (crawler/blocked.py) on hand-written pages in pages/blocked/.

Every page there is fictional and trimmed, modelled on the markup each vendor serves; the two articles
carry the markers real articles do (a cookie banner, a comment form's reCAPTCHA, a newsletter footer,
``isAccessibleForFree: false``) and must never be flagged.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.blocked import (
    ARTICLE_MIN_CHARS,
    CAPTCHA_ONLY_CHARS,
    CHALLENGE_PAGE_CHARS,
    TINY_PAGE_CHARS,
    blocked_reason,
)
from crawler.normalize import normalize

PAGES = Path(__file__).with_name("pages")
BLOCKED = PAGES / "blocked"

#: (page, final URL, status, response headers, expected reason)
CASES = [
    ("cloudflare-just-a-moment", "https://www.gulftribune.example/world/uae-israel-water-summit-2026", 403,
     {"Server": "cloudflare", "CF-RAY": "8e1f2a3b4c5d6e7f-DXB", "cf-mitigated": "challenge"},
     "bot challenge (Cloudflare)"),
    ("cloudflare-checking-your-browser", "https://www.coastalherald.example/news/ferry-timetable-winter", 503,
     {"Server": "cloudflare", "CF-RAY": "6a7b8c9d0e1f2a3b-LHR"}, "bot challenge (Cloudflare)"),
    ("datadome-captcha", "https://www.lemarinquotidien.example/ports/2026/11/28/grue-record", 403,
     {"X-DataDome": "protected", "X-DD-B": "2", "Set-Cookie": "datadome=Zk3a1X0b; Max-Age=31536000; Path=/"},
     "bot challenge (DataDome)"),
    ("perimeterx-press-and-hold", "https://www.harborpost.example/local/port-strike-talks-resume/", 403,
     {"Content-Type": "text/html; charset=utf-8"}, "bot challenge (PerimeterX)"),
    ("imperva-incident", "https://www.steppetimes.example/economy/astana-forum-closing-day/", 200,
     {"X-CDN": "Imperva", "X-Iinfo": "7-41029384-0 0NNN RT(1764331200114 112) q(0 -1 -1 0) r(0 -1) U18"},
     "bot challenge (Imperva)"),
    ("akamai-access-denied", "https://www.capitalledger.example/politics/2026/11/28/budget-vote/", 403,
     {"Server": "AkamaiGHost", "Mime-Version": "1.0"}, "bot challenge (Akamai)"),
    ("aws-waf-captcha", "https://www.islandchronicle.example/tourism/pact-signed", 405,
     {"x-amzn-waf-action": "captcha", "x-amzn-requestid": "ee270925-a72c-4312-a2c7-c680bc157787"},
     "bot challenge (AWS WAF)"),
    ("sucuri-access-denied", "https://www.steppetimes.example/economy/astana-forum-closing-day/", 403,
     {"Server": "Sucuri/Cloudproxy", "X-Sucuri-ID": "14013", "X-Sucuri-Block": "BNP005"}, "bot challenge (Sucuri)"),
    ("recaptcha-only", "https://www.harborpost.example/local/port-strike-talks-resume/", 200, {},
     "bot challenge (reCAPTCHA)"),
    ("quantcast-consent-wall", "https://www.penninegazette.example/news/24781234.moorland-bus-route-saved/", 200,
     {"Server": "nginx"}, "consent wall (Quantcast)"),
    ("yahoo-guce-consent",
     "https://consent.yahoo.com/v2/collectConsent?sessionId=3_cc-session_5d1c7e9a-2f4b-4c8e-9a1d-6b3e7f0c2a84", 200,
     {"Server": "ATS"}, "consent wall (consent.yahoo.com)"),
    ("paywall-stub-subscribers-only", "https://www.capitalledger.example/climate/2026/11/27/gulf-desalination-race/",
     200, {"Server": "nginx"}, "paywall stub (subscribers only)"),
    ("article-long-newsletter-footer", "https://www.coastalherald.example/news/saltmarsh-bay-desalination-winter-test",
     200, {"Server": "cloudflare", "CF-RAY": "7b8c9d0e1f2a3b4c-LHR"}, None),
    ("article-short-brief", "https://www.harborpost.example/local/gull-island-ferry-resumes/", 200,
     {"Server": "nginx", "X-DataDome": "protected"}, None),
]
ARTICLE_FIXTURES = sorted(PAGES.glob("*.html"))


def page(name: str) -> str:
    return (BLOCKED / f"{name}.html").read_text(encoding="utf-8")


def with_text(marker_html: str, chars: int, head: str = "") -> str:
    """A page whose visible text is exactly ``chars`` characters: ``marker_html`` (no text of its own) plus filler."""
    return f"<html><head>{head}</head><body>{marker_html}<p>{'x' * chars}</p></body></html>"


def test_there_is_a_fixture_for_every_case_and_a_case_for_every_fixture() -> None:
    assert sorted(case[0] for case in CASES) == sorted(path.stem for path in BLOCKED.glob("*.html"))


@pytest.mark.parametrize(("name", "url", "status", "headers", "reason"), CASES, ids=[case[0] for case in CASES])
def test_reason_of_each_fixture_page(name: str, url: str, status: int, headers: dict[str, str],
                                     reason: str | None) -> None:
    assert blocked_reason(url, status, headers, page(name)) == reason


@pytest.mark.parametrize(("name", "url", "status", "headers", "reason"), CASES, ids=[case[0] for case in CASES])
def test_the_page_alone_names_the_same_block(name: str, url: str, status: int, headers: dict[str, str],
                                             reason: str | None) -> None:
    assert blocked_reason(url, 200, {}, page(name)) == reason


@pytest.mark.parametrize(("name", "url", "status", "headers", "reason"), CASES, ids=[case[0] for case in CASES])
def test_the_extracted_body_length_agrees(name: str, url: str, status: int, headers: dict[str, str],
                                          reason: str | None) -> None:
    html = page(name)
    body = normalize(url, html).body
    assert blocked_reason(url, status, headers, html, body_text_chars=len(body)) == reason


@pytest.mark.parametrize("path", ARTICLE_FIXTURES, ids=lambda path: path.stem)
def test_no_article_fixture_is_flagged(path: Path) -> None:
    """The metadata fixtures: cookie banners, subscriber badges, ``isAccessibleForFree: false`` on full text."""
    assert blocked_reason("https://www.example.com/article", 200, {"Server": "cloudflare"},
                          path.read_text(encoding="utf-8")) is None


def test_a_short_brief_with_a_cookie_banner_and_a_recaptcha_comment_form_is_not_flagged() -> None:
    brief = page("article-short-brief").replace(
        "<body>", '<body><div id="onetrust-consent-sdk"><p>We value your privacy. Accept all cookies?</p></div>'
    ).replace("</main>", '<form><div class="g-recaptcha" data-sitekey="6Lc-key"></div></form></main>')
    assert blocked_reason("https://www.harborpost.example/local/gull-island-ferry-resumes/", 200, {}, brief) is None


@pytest.mark.parametrize(
    ("headers", "status", "reason"),
    [
        ({"cf-mitigated": "challenge"}, 200, "bot challenge (Cloudflare)"),
        ({"CF-Mitigated": "Challenge", "Server": "cloudflare"}, 403, "bot challenge (Cloudflare)"),
        ({"x-amzn-waf-action": "captcha"}, 405, "bot challenge (AWS WAF)"),
        ({"x-amzn-waf-action": "challenge"}, 202, "bot challenge (AWS WAF)"),
        ({"x-vercel-mitigated": "challenge"}, 429, "bot challenge (Vercel)"),
        ({"cf-mitigated": "challenge"}, 404, None),  # only statuses that could hold a page are looked at
        ({"cf-mitigated": "challenge"}, 500, None),
        ({"Server": "cloudflare", "CF-RAY": "8e1f2a3b4c5d6e7f-DXB"}, 403, None),  # a vendor header alone is no block
        ({"X-DataDome": "protected"}, 200, None),
        ({"x-amzn-waf-action": "allow"}, 200, None),
    ],
)
def test_headers_alone(headers: dict[str, str], status: int, reason: str | None) -> None:
    assert blocked_reason("https://www.gulftribune.example/world/summit", status, headers, "") == reason


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://consent.yahoo.com/v2/collectConsent?sessionId=3_cc-session_abc", "consent wall (consent.yahoo.com)"),
        ("https://guce.yahoo.com/consent?brandType=eu&gcrumb=abc", "consent wall (guce.yahoo.com)"),
        ("https://guce.oath.com/collectConsent?brandType=nonEu", "consent wall (guce.oath.com)"),
        ("https://consent.google.com/ml?continue=https://news.google.com/", "consent wall (consent.google.com)"),
        ("https://consent.google.de/ml?continue=https://news.google.de/", "consent wall (consent.google.de)"),
        ("https://CONSENT.YouTube.com/m?continue=https://www.youtube.com/", "consent wall (consent.youtube.com)"),
        ("https://news.yahoo.com/abraham-accords-partners-meet-101500123.html", None),
        ("https://consent.yahoo.com.example.net/article", None),
        ("https://myconsent.google.com/article", None),
    ],
)
def test_consent_hosts(url: str, reason: str | None) -> None:
    assert blocked_reason(url, 200, {}, page("article-short-brief")) == reason


@pytest.mark.parametrize(
    ("headers", "vendor"),
    [
        ({"Server": "cloudflare"}, "Cloudflare"),
        ({"X-DataDome": "protected"}, "DataDome"),
        ({"Set-Cookie": "_pxhd=abc; path=/"}, "PerimeterX"),
        ({"X-Iinfo": "7-41029384-0 0NNN"}, "Imperva"),
        ({"Server": "AkamaiGHost"}, "Akamai"),
        ({"X-Sucuri-ID": "14013"}, "Sucuri"),
        ({"Server": "nginx"}, "unknown vendor"),
    ],
)
def test_vendor_neutral_wording_is_named_after_the_headers(headers: dict[str, str], vendor: str) -> None:
    html = "<html><head><title>Security check</title></head><body><h1>Verify you are human</h1></body></html>"
    assert blocked_reason("https://www.gulftribune.example/", 403, headers, html) == f"bot challenge ({vendor})"


@pytest.mark.parametrize(
    ("marker_html", "head", "limit", "reason"),
    [
        ("", "<title>Access Denied</title>", CHALLENGE_PAGE_CHARS, "bot challenge (unknown vendor)"),
        ('<div class="g-recaptcha" data-sitekey="6Lc-key"></div>', "", CAPTCHA_ONLY_CHARS, "bot challenge (reCAPTCHA)"),
        ('<div id="onetrust-consent-sdk"><p>We value your privacy, and we use cookies.</p></div>', "",
         TINY_PAGE_CHARS, "consent wall (OneTrust)"),
        ("", '<script type="application/ld+json">{"@type": "NewsArticle", "isAccessibleForFree": "False"}</script>',
         TINY_PAGE_CHARS, "paywall stub (isAccessibleForFree: false)"),
        ('<div class="tp-modal"></div>', "", ARTICLE_MIN_CHARS, "paywall stub (Piano)"),
    ],
    ids=["challenge", "captcha-only", "consent", "json-ld", "piano"],
)
def test_weak_markers_count_only_below_their_text_limit(marker_html: str, head: str, limit: int, reason: str) -> None:
    url = "https://www.gulftribune.example/world/summit"
    assert blocked_reason(url, 200, {}, with_text(marker_html, limit - 1, head)) == reason
    assert blocked_reason(url, 200, {}, with_text(marker_html, limit, head)) is None


def test_the_extracted_body_length_decides_the_paywall_rule() -> None:
    url, html = CASES[11][1], page("paywall-stub-subscribers-only")
    assert blocked_reason(url, 200, {}, html, body_text_chars=ARTICLE_MIN_CHARS - 1) == "paywall stub (subscribers only)"
    assert blocked_reason(url, 200, {}, html, body_text_chars=ARTICLE_MIN_CHARS) is None


def test_a_long_extracted_body_vetoes_weak_markers_but_not_decisive_ones() -> None:
    url = "https://www.gulftribune.example/world/summit"
    assert blocked_reason(url, 200, {}, page("recaptcha-only"), body_text_chars=ARTICLE_MIN_CHARS) is None
    assert blocked_reason(url, 200, {}, page("imperva-incident"), body_text_chars=5_000) == "bot challenge (Imperva)"


def test_css_that_styles_a_piano_modal_is_not_a_modal() -> None:
    html = with_text("", 100, head="<style>.tp-modal{position:fixed}.tp-backdrop{opacity:.5}</style>")
    assert blocked_reason("https://www.gulftribune.example/world/summit", 200, {}, html) is None


@pytest.mark.parametrize("status", [200, 202, 403, 405, 429, 503])
def test_every_inspected_status(status: int) -> None:
    assert blocked_reason("https://e.example/a", status, {}, page("datadome-captcha")) == "bot challenge (DataDome)"


@pytest.mark.parametrize("html", ["", "<html></html>", "<p>hello</p>", "\x00\ud800 not html"])
def test_degenerate_pages(html: str) -> None:
    assert blocked_reason("https://e.example/a", 200, {}, html) is None
