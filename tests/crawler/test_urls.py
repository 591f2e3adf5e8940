from __future__ import annotations

import pytest

from crawler.urls import QueryRules, canonical_url, default_domain, desktop_url, in_scope, looks_like_html


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Example.COM:80/a/b?b=2&a=1#comments", "http://example.com/a/b?a=1&b=2"),
        ("https://example.com:443/x?utm_source=tw&utm_medium=social&fbclid=abc", "https://example.com/x"),
        ("https://example.com/x?gclid=1&mc_cid=2&mc_eid=3&page=2", "https://example.com/x?page=2"),
        ("http://127.0.0.1:8001/story.html", "http://127.0.0.1:8001/story.html"),
        ("https://example.com/أخبار", "https://example.com/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_source_rules_keep_identifying_parameters_and_drop_others() -> None:
    url = "https://example.com/story?cid=42&print=1&utm_campaign=x"
    assert canonical_url(url) == "https://example.com/story?print=1"
    assert canonical_url(url, QueryRules(keep=("cid",), drop=("print",))) == "https://example.com/story?cid=42"


def test_scope_tells_ports_apart_and_admits_subdomains() -> None:
    assert in_scope("http://127.0.0.1:8001/a", ["127.0.0.1:8001"])
    assert not in_scope("http://127.0.0.1:8002/a", ["127.0.0.1:8001"])
    assert in_scope("https://blogs.example.com/a", ["example.com"])
    assert not in_scope("https://notexample.com/a", ["example.com"])
    assert default_domain("https://www.example.com/feed") == "example.com"
    assert default_domain("http://127.0.0.1:8001/feed") == "127.0.0.1:8001"


@pytest.mark.parametrize(
    ("url", "html"),
    [("https://e.com/media/a.JPG", False), ("https://e.com/r.pdf", False), ("https://e.com/p.mp3", False),
     ("https://e.com/story.html", True), ("https://e.com/section/", True), ("https://e.com/a?b=c.pdf", True)],
)
def test_non_html_links(url: str, html: bool) -> None:
    assert looks_like_html(url) is html


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://m.example.com/world/story.html", "https://example.com/world/story.html"),
        ("https://www.example.com/amp/world/story.html", "https://www.example.com/world/story.html"),
        ("https://www.example.com/world/story/amp", "https://www.example.com/world/story"),
        ("https://www.example.com/world/story.amp.html", "https://www.example.com/world/story.html"),
        ("https://www.example.com/story?id=3&amp=1", "https://www.example.com/story?id=3"),
        ("https://www.example.com/story/?outputType=amp", "https://www.example.com/story/"),
        ("https://amp.example.com/story", "https://example.com/story"),
        ("https://m.co/story", "https://m.co/story"),  # a short domain, not a mobile host
        ("https://www.example.com/ampere/story", "https://www.example.com/ampere/story"),
    ],
)
def test_amp_and_mobile_urls_map_to_the_regular_page(url: str, expected: str) -> None:
    assert desktop_url(url) == expected
