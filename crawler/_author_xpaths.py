"""trafilatura's byline XPaths (``AUTHOR_XPATHS``, and ``AUTHOR_DISCARD_XPATHS`` for one element),
evaluated in one Python pass over the page.

lxml runs each ``re:test`` of those expressions as a call back into Python, once per element with a
``class`` or ``id``: the three expressions took about 9 ms on a page without a byline, a quarter of
the page's whole analysis. The same tests made here in one pass over the elements take about a
quarter of that.
They are transcribed from trafilatura's expressions; tests/crawler/test_author_xpaths.py pins
trafilatura's text of them (a trafilatura release that changes them fails that test) and compares
the results with lxml's on every fixture and corpus page.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

_BY_NAME_0 = frozenset({"a", "address", "div", "link", "p", "span", "strong"})
_CLASS_0 = re.compile("author-?name|AuthorName|authorName")
_BY_NAME_1 = frozenset({"a", "div", "h3", "h4", "p", "span"})
_ID_1 = re.compile("author|zuozhe|bianji|xiaobian")
_CLASS_1 = re.compile("author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name")
_ID_2 = re.compile("[Aa]uthor")
_CLASS_2 = re.compile("[Aa]uthor|screenname|writer|[Bb]yline")
_DISCARD_NAMES = frozenset({"a", "div", "section", "span"})
_DISCARD_ID = re.compile("^comments|comment-?list|ProductReviews")
_DISCARD_CLASS = re.compile("^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram|"
                            "article-(?:share|support)|print|category|meta-date|meta-reviewer")


#: the attributes the expressions test; an element with none of them can match only by its name or a child
_TESTED = frozenset({"class", "id", "itemprop", "rel", "data-testid", "data-component"})


def author_candidates(tree: HtmlElement) -> list[list[HtmlElement]]:
    """What each of ``AUTHOR_XPATHS`` finds in ``tree``'s document, in document order."""
    first: list[HtmlElement] = []
    second: list[HtmlElement] = []
    third: list[HtmlElement] = []
    for element in tree.getroottree().iter(etree.Element):
        tag = element.tag
        names = element.keys()
        if not names or _TESTED.isdisjoint(names):
            if tag == "author" or (tag in _BY_NAME_0 and _has_rel_me(element)):
                first.append(element)
            continue
        get = element.get
        css, ident, itemprop = get("class"), get("id"), get("itemprop") or ""
        css_text, ident_text = css or "", ident or ""
        # AUTHOR_XPATHS[0]
        if tag == "author" or (tag in _BY_NAME_0 and (
                get("rel") == "author" or ident == "author" or css == "author" or itemprop == "author name"
                or _has_rel_me(element) or get("data-testid") in ("AuthorCard", "AuthorURL")
                or _CLASS_0.search(css_text))):
            first.append(element)
        # AUTHOR_XPATHS[1]
        if tag in _BY_NAME_1 and (
                css in ("byline", "username", "byl", "BBL") or "author" in itemprop
                or _ID_1.search(ident_text) or _CLASS_1.search(css_text)):
            second.append(element)
        # AUTHOR_XPATHS[2]
        if ("Byline" in (get("data-component") or "") or "author" in itemprop
                or _ID_2.search(ident_text) or _CLASS_2.search(css_text)):
            third.append(element)
    return [first, second, third]


def _has_rel_me(element: HtmlElement) -> bool:
    """XPath's ``rel='me'``: a child element ``rel`` whose text is ``me``."""
    return any(child.xpath("string()") == "me" for child in element.iterchildren("rel"))


def discarded(element: HtmlElement, tree: HtmlElement) -> bool:
    """Whether ``AUTHOR_DISCARD_XPATHS`` evaluated on ``tree`` find ``element``."""
    if element.tag in ("time", "figure"):
        return True
    if element.tag not in _DISCARD_NAMES or tree not in element.iterancestors():
        return False
    get = element.get
    return (get("id") == "comments" or get("class") in ("comments", "title", "date")
            or _DISCARD_ID.search(get("id") or "") is not None
            or _DISCARD_CLASS.search(get("class") or "") is not None
            or "Figure" in (get("data-component") or ""))
