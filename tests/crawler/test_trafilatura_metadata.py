"""The metadata fallback gives, field by field, what ``trafilatura.extract_metadata`` gives."""

from __future__ import annotations

import copy
from pathlib import Path

import lxml.etree
import pytest
import trafilatura
from trafilatura import metadata
from trafilatura.utils import load_html

from crawler._trafilatura_metadata import TrafilaturaMetadata, byline
from tests.support.corpus import corpus_pages

PAGES = Path(__file__).parent / "pages"
FIELDS = ("title", "author", "date")
URL = "https://example.com/2021/03/04/a"


def whole_metadata(html: bytes | str, url: str) -> dict[str, object]:
    """The three fields as the crawl asked trafilatura for them before: all metadata at once."""
    document = trafilatura.extract_metadata(copy.deepcopy(load_html(html)), default_url=url, extensive=False,
                                            date_config={"extensive_search": False, "original_date": True})
    return {name: document.as_dict()[name] for name in FIELDS}


def fallback_metadata(html: bytes | str, url: str) -> dict[str, object]:
    """The same three fields from ``TrafilaturaMetadata``; fails if it changed the tree."""
    tree = load_html(html)
    before = lxml.etree.tostring(tree)
    values = {name: TrafilaturaMetadata(tree, url).get(name) for name in FIELDS}
    assert lxml.etree.tostring(tree) == before
    return values


@pytest.mark.parametrize("path", sorted(PAGES.glob("*.html")), ids=lambda p: p.stem)
def test_each_field_equals_trafilaturas_whole_metadata_on_the_fixture_pages(path: Path) -> None:
    html = path.read_bytes()
    assert fallback_metadata(html, URL) == whole_metadata(html, URL)


def test_the_date_takes_the_pages_url_when_it_declares_none() -> None:
    html = "<html><head><title>A story</title></head><body><article><p>No date in the text.</p></article></body></html>"
    values = fallback_metadata(html, URL)
    assert values["date"] == "2021-03-04"
    assert values == whole_metadata(html, URL)


def test_the_date_takes_the_declared_url_over_the_fetched_one() -> None:
    html = ('<html><head><title>A story</title><meta property="og:url" content="https://example.com/2019/12/30/a">'
            "</head><body><article><p>No date in the text.</p></article></body></html>")
    values = fallback_metadata(html, URL)
    assert values["date"] == "2019-12-30"
    assert values == whole_metadata(html, URL)


BYLINES = {
    "plain": '<div class="byline">By Dana Levi</div>',
    "a date inside the byline is left out": '<p class="byline">By Omar Haddad <time>March 4, 2021</time> updated</p>',
    "a figure inside the byline is left out": '<div class="author">Noa Cohen<figure>Photo: Agency</figure></div>',
    "a byline in the comments is skipped": ('<div id="comments"><span class="author">A Reader</span></div>'
                                            '<span class="author-name">Sara Mizrahi</span>'),
    "a byline in a discarded sidebar is skipped": '<aside><div class="sidebar"><p class="byline">Sidebar Person</p></div></aside>',
    "too short, then the next candidate": '<span class="author">Al</span><a rel="author">Yael Ben David</a>',
    "too long for a byline": f'<div class="byline">{"word " * 40}</div>',
    "a later expression": '<span data-component="Byline">Rami Khoury and Lior Adler</span>',
    "none": "<p>Nobody signed this.</p>",
}


@pytest.mark.parametrize("markup", BYLINES.values(), ids=BYLINES.keys())
def test_the_byline_equals_trafilaturas(markup: str) -> None:
    tree = load_html(f"<html><body><article><h1>Title</h1>{markup}<p>Text of the story.</p></article></body></html>")
    assert byline(tree) == metadata.extract_author(tree)


def test_the_byline_cases_cover_found_and_missing_bylines() -> None:
    found = {name: byline(load_html(f"<html><body><article>{markup}</article></body></html>"))
             for name, markup in BYLINES.items()}
    assert found["plain"] == "Dana Levi"
    assert found["a date inside the byline is left out"] == "Omar Haddad updated"
    assert found["a byline in the comments is skipped"] == "Sara Mizrahi"
    assert found["too short, then the next candidate"] == "Yael Ben David"
    assert found["none"] is None and found["too long for a byline"] is None


@pytest.mark.corpus
def test_each_field_equals_trafilaturas_whole_metadata_on_the_shared_corpus() -> None:
    pages = corpus_pages()
    differing = [page.url for page in pages if fallback_metadata(page.html, page.url) != whole_metadata(page.html, page.url)]
    assert len(pages) == 181 and differing == []
