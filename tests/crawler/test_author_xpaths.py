"""The byline expressions evaluated in Python find exactly what trafilatura's XPaths find."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pytest
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.utils import load_html
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

from crawler._author_xpaths import author_candidates, discarded
from tests.support.corpus import corpus_pages

PAGES = Path(__file__).parent / "pages"

#: trafilatura's text of the expressions crawler/_author_xpaths.py transcribes (whitespace collapsed)
TRANSCRIBED = [
    "//*[self::a or self::address or self::div or self::link or self::p or self::span or self::strong][ "
    "@rel='author' or @id='author' or @class='author' or @itemprop='author name' or rel='me' or "
    "@data-testid='AuthorCard' or @data-testid='AuthorURL' or re:test(@class, 'author-?name|AuthorName|authorName')]"
    "|//author",
    "//*[self::a or self::div or self::h3 or self::h4 or self::p or self::span][ @class='byline' or "
    "@class='username' or @class='byl' or @class='BBL' or contains(@itemprop, 'author') or "
    "re:test(@id, 'author|zuozhe|bianji|xiaobian') or re:test(@class, "
    "'author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name')]",
    "//*[ contains(@data-component, 'Byline') or contains(@itemprop, 'author') or re:test(@id, '[Aa]uthor') or "
    "re:test(@class, '[Aa]uthor|screenname|writer|[Bb]yline')]",
    ".//*[self::a or self::div or self::section or self::span][ @id='comments' or @class='comments' or "
    "@class='title' or @class='date' or re:test(@id, '^comments|comment-?list|ProductReviews') or "
    "re:test(@class, '^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram|"
    "article-(?:share|support)|print|category|meta-date|meta-reviewer') or contains(@data-component, 'Figure')]",
    "//time|//figure",
]

TAGS = ["a", "address", "div", "link", "p", "span", "strong", "h3", "h4", "section", "li", "author", "time", "figure"]
ATTRIBUTES = [
    *(("class", value) for value in (
        "author", "x authorname", "author-name", "AuthorName", "authorName", "Author", "byline", "Byline", "x byline",
        "username", "byl", "BBL", "channel-name", "zuozhe", "bianji", "xiaobian", "submitted-by", "posted-by",
        "journalist-name", "screenname", "writer", "comments", "Comments x", "x comments", "commentlist",
        "comments-list", "title", "date", "sidebar", "is-hidden", "quote", "embedly-instagram", "article-share",
        "article-support", "print", "category", "meta-date", "meta-reviewer", "nothing")),
    *(("id", value) for value in ("author", "xAuthor", "zuozhe", "bianji", "xiaobian", "comments", "commentsbox",
                                  "x-comments", "commentlist", "comment-list", "ProductReviews", "other")),
    *(("itemprop", value) for value in ("author name", "author", "creator")),
    ("rel", "author"), ("rel", "me"), ("data-testid", "AuthorCard"), ("data-testid", "AuthorURL"),
    ("data-testid", "Other"), ("data-component", "Byline"), ("data-component", "FigureBlock"),
]


def every_case() -> str:
    """Each tag with each tested attribute value, a ``rel`` child, and candidates inside discarded elements."""
    elements = [f'<{tag} {name}="{escape(value)}">Some Name</{tag}>' for tag in TAGS for name, value in ATTRIBUTES]
    elements += [f"<{tag}><rel>{text}</rel>Some Name</{tag}>" for tag in TAGS for text in ("me", "you")]
    elements += ['<div class="sidebar"><p><span class="author">Inside a sidebar</span></p></div>',
                 '<section id="comments"><a rel="author">A reader</a></section>',
                 '<figure><div class="byline">In a figure</div></figure>']
    return f"<html><body class='author'><article>{''.join(elements)}</article></body></html>"


def assert_same_as_trafilatura(tree: HtmlElement) -> None:
    assert author_candidates(tree) == [expression(tree) for expression in AUTHOR_XPATHS]
    pruned = {element for expression in AUTHOR_DISCARD_XPATHS for element in expression(tree)}
    assert [discarded(element, tree) for element in tree.iter(etree.Element)] == [
        element in pruned for element in tree.iter(etree.Element)]


def test_trafilaturas_expressions_are_the_ones_transcribed() -> None:
    assert [" ".join(x.path.split()) for x in (*AUTHOR_XPATHS, *AUTHOR_DISCARD_XPATHS)] == TRANSCRIBED


def test_every_tested_name_and_attribute_value_gives_trafilaturas_result() -> None:
    tree = load_html(every_case())
    assert_same_as_trafilatura(tree)
    found = author_candidates(tree)
    assert [len(elements) for elements in found] == [len(x(tree)) for x in AUTHOR_XPATHS]
    assert all(len(elements) > 20 for elements in found)


@pytest.mark.parametrize("path", sorted(PAGES.glob("*.html")), ids=lambda p: p.stem)
def test_the_fixture_pages_give_trafilaturas_result(path: Path) -> None:
    assert_same_as_trafilatura(load_html(path.read_bytes()))


@pytest.mark.corpus
def test_the_shared_corpus_gives_trafilaturas_result() -> None:
    pages = corpus_pages()
    assert len(pages) == 181
    for page in pages:
        assert_same_as_trafilatura(load_html(page.html))
