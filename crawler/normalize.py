"""Turn one fetched page into a normalized article, recording where each field came from.

Library entry point::

    from crawler.normalize import normalize
    article = normalize(url, html, headers=None)
    article.title, article.authors, article.published_at, article.field_sources["title"]

The body comes from trafilatura (precision mode, comments left out, its
fallback extractors only when its main one finds little text); the other
fields from what the page declares (JSON-LD, microdata, OpenGraph and
``article:*``, Dublin Core, ``<time datetime>``), with trafilatura's own
metadata heuristics (bylines, dates in the text) as the last resort. The
result's attribute names are the export's field names; ``field_sources``
names the source of each field. ``is_article`` is false for section pages,
listings and pages with too little text.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, tzinfo
from functools import cache
from typing import Any, AnyStr
from urllib.parse import urljoin

import trafilatura
import trafilatura.utils
from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction
from trafilatura.settings import Document
from trafilatura.utils import load_html

from crawler import _fields
from crawler._boilerplate import strip_boilerplate
from crawler._language import detect_language, primary_subtag
from crawler._limits import MAX_URL, FieldLimits, clamp
from crawler._structured import LISTING_TYPES, Structured, jsonld_text, read_structured
from crawler._trafilatura_metadata import TrafilaturaMetadata
from crawler.article import NormalizedArticle
from crawler.urls import QueryRules, canonical_url, desktop_url, same_site

MIN_ARTICLE_WORDS = 60
MIN_UNDECLARED_ARTICLE_WORDS = 150
MIN_PARAGRAPH_WORDS = 20
#: trafilatura's main extractor alone finds the whole body of most articles; its fallback extractors
#: (readability, then jusText), which cost about as much again, run only when it finds less text than
#: this. On the 181 corpus pages, 160 skip them and the body F1 is unchanged (0.9655; bench/extraction.py).
FALLBACK_BELOW_CHARS = 1000

__all__ = ["NormalizedArticle", "normalize", "use_compiled_element_lookup"]


@cache
def use_compiled_element_lookup() -> None:
    """Have trafilatura's HTML parser (the one ``normalize`` parses with) pick element classes in C.

    lxml.html's parser picks the Python class of each element by calling back into Python
    (``HtmlElementClassLookup``, which gives form controls classes of their own) each time an
    element is first touched: thousands of calls per page, about a tenth of a page's extraction
    time. trafilatura, htmldate and this package use none of the form-control classes, so the
    parser gets lxml's C-level lookup with lxml.html's element, comment, processing-instruction and
    entity classes instead; the articles come out the same. Called by ``crawler.analysis`` (the
    crawl's extraction), once per process; changes this process's trafilatura parser for good.
    """
    trafilatura.utils.HTML_PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity))


def normalize(
    url: str,
    html: str | bytes,
    headers: Mapping[str, Any] | None = None,
    *,
    rules: QueryRules = QueryRules(),
    language_hint: str | None = None,
    timezone: tzinfo = UTC,
    limits: FieldLimits = FieldLimits(),
) -> NormalizedArticle:
    """Normalize the page fetched from ``url`` (its final URL, after redirects).

    ``timezone`` is the source's: naive times on the page are read in it. Values longer than
    ``limits`` (and the database's column sizes) are cut and listed in ``field_sources["truncated"]``.
    """
    tree = _parse(html)
    if tree is None:
        return NormalizedArticle(url=url, canonical_url=canonical_url(url, rules), title="", body="",
                                 word_count=0, is_article=False)
    declared = read_structured(tree)
    fallback = TrafilaturaMetadata(tree, url)
    sources: dict[str, str] = {}

    def take(name: str, picked: _fields.Picked[Any]) -> Any:
        if picked.source:
            sources[name] = picked.source
        return picked.value

    site_name = take("site_name", _fields.site_name(declared))
    title = take("title", _fields.title(declared, fallback, site_name)) or ""
    organisations = [n for n in (site_name, jsonld_text(declared.article("publisher"))) if n]
    article = dict(
        authors=take("authors", _fields.authors(declared, fallback, organisations)),
        published_at=take("published_at", _fields.published(declared, fallback, timezone)),
        modified_at=take("modified_at", _fields.modified(declared, timezone)),
        description=take("description", _fields.description(declared)),
        section=take("section", _fields.section(declared)),
        tags=take("tags", _fields.tags(declared)),
        image_url=take("image_url", _fields.image_url(declared, url)),
    )
    canonical_source, sources["canonical_url"] = _canonical_source(url, declared)
    body = _body(tree, html, url, title, article["description"], declared.headings)
    sources["body"] = "trafilatura"
    word_count = len(body.split())
    language, sources["language"] = _language(declared, headers, f"{title}\n{body}", language_hint)
    canonical = canonical_url(canonical_source, rules)
    if len(canonical) > MAX_URL:  # an over-long canonical link: the fetched URL identifies the page
        canonical, sources["canonical_url"] = canonical_url(url, rules), "url"
    return clamp(NormalizedArticle(
        url=url,
        canonical_url=canonical,
        title=title,
        body=body,
        word_count=word_count,
        is_article=_is_article(declared, body, word_count),
        site_name=site_name,
        language=language,
        field_sources=sources,
        **article,
    ), limits)


#: libxml2 gives up on a text node over 10 MB (an 11 MB title leaves an empty tree), so longer runs
#: of text are cut to this many characters before parsing; every field is far shorter anyway
MAX_TEXT_RUN = 1_000_000


def _parse(html: str | bytes) -> HtmlElement | None:
    if len(html) > MAX_TEXT_RUN:
        html = _cut_long_text(html, "<") if isinstance(html, str) else _cut_long_text(html, b"<")
    try:
        return load_html(html)
    except (ValueError, TypeError):
        return None


def _cut_long_text(html: AnyStr, bracket: AnyStr) -> AnyStr:
    """``html`` with every run of more than ``MAX_TEXT_RUN`` characters between two ``<`` cut (linear time)."""
    pieces = html.split(bracket)
    if max(map(len, pieces)) <= MAX_TEXT_RUN:
        return html
    return bracket.join(piece[:MAX_TEXT_RUN] for piece in pieces)


def _canonical_source(url: str, declared: Structured) -> tuple[str, str]:
    """rel=canonical, else og:url, when on the same site as the page; else the page's URL."""
    for source, candidate in (("link-canonical", declared.canonical_link),
                              ("opengraph", declared.first("og:url"))):
        if candidate:
            absolute = urljoin(url, candidate)
            if absolute.startswith(("http://", "https://")) and same_site(absolute, url):
                return absolute, source
    desktop = desktop_url(url)
    return desktop, "url" if desktop == url else "url-amp-mapped"


def _body(tree: HtmlElement, html: str | bytes, url: str, title: str, description: str | None,
          headings: set[str]) -> str:
    """Paragraphs separated by blank lines, without the repeated headline or standfirst, or boilerplate.

    ``tree`` is ``html`` parsed; trafilatura prunes it, so its fallback extractors get the page parsed again.
    """
    text = _trafilatura_text(tree, url, fast=True)
    if len(text) < FALLBACK_BELOW_CHARS and (fresh := _parse(html)) is not None:
        text = _trafilatura_text(fresh, url, fast=False)
    paragraphs = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    leading = {title.casefold(), (description or "").casefold(), *headings}
    while paragraphs and paragraphs[0].casefold() in leading:
        paragraphs = paragraphs[1:]
    return "\n\n".join(strip_boilerplate([p for p in paragraphs if p]))


def _trafilatura_text(tree: HtmlElement, url: str, *, fast: bool) -> str:
    document = trafilatura.bare_extraction(
        tree, url=url, include_comments=False, favor_precision=True, with_metadata=False, fast=fast,
    )
    return document.as_dict().get("text") or "" if isinstance(document, Document) else ""


def _language(
    declared: Structured, headers: Mapping[str, Any] | None, text: str, hint: str | None
) -> tuple[str | None, str]:
    """From markup when the page declares it, else detected from the text, else the source's hint."""
    header = {k.lower(): v for k, v in (headers or {}).items()}.get("content-language")
    for source, code in (
        ("jsonld", jsonld_text(declared.article("inLanguage"))),
        ("markup", declared.html_lang),
        ("opengraph", declared.first("og:locale")),
        ("meta", declared.first("content-language", "dc.language", "language")),
        ("header", str(header).split(",")[0] if header else None),
    ):
        language = primary_subtag(code)
        if language:
            return language, source
    detected = detect_language(text)
    if detected:
        return detected, "detected"
    return primary_subtag(hint), "source"


def _is_article(declared: Structured, body: str, word_count: int) -> bool:
    if word_count < MIN_ARTICLE_WORDS:
        return False
    og_type = (declared.first("og:type") or "").lower()
    if declared.jsonld_article is not None or declared.microdata or og_type == "article":
        return True
    if declared.jsonld_types & LISTING_TYPES or og_type == "website":
        return False
    long_paragraphs = [p for p in body.split("\n\n") if len(p.split()) >= MIN_PARAGRAPH_WORDS]
    return word_count >= MIN_UNDECLARED_ARTICLE_WORDS and len(long_paragraphs) >= 2
