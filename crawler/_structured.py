"""Structured metadata a page declares: JSON-LD, microdata, OpenGraph/``article:*``, Dublin Core, ``<time>``.

``read_structured(tree)`` returns the raw declared values; ``crawler.normalize``
decides which source wins for each field. Broken JSON-LD blocks are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

ARTICLE_TYPES = frozenset({
    "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
    "BackgroundNewsArticle", "ReviewNewsArticle", "AskPublicNewsArticle", "BlogPosting",
    "LiveBlogPosting", "Report", "ScholarlyArticle", "SatiricalArticle", "TechArticle", "SocialMediaPosting",
})
LISTING_TYPES = frozenset({"CollectionPage", "ItemList", "SearchResultsPage", "WebSite"})
PERSON_TYPES = frozenset({"Person"})
MICRODATA_PROPERTIES = frozenset({
    "headline", "datePublished", "dateModified", "author", "articleSection", "keywords",
    "image", "description", "inLanguage", "publisher",
})


@dataclass
class Structured:
    """Values declared by the page, each list in document order."""

    jsonld_article: dict[str, Any] | None = None
    jsonld_types: set[str] = field(default_factory=set)
    microdata: dict[str, list[str]] = field(default_factory=dict)
    meta: dict[str, list[str]] = field(default_factory=dict)
    canonical_link: str | None = None
    html_lang: str | None = None
    title_tag: str | None = None
    #: texts of visible byline elements (class "byline", "author"…, rel="author")
    bylines: list[str] = field(default_factory=list)
    #: whitespace-normalised, case-folded texts of the page's h1-h3 headings
    headings: set[str] = field(default_factory=set)
    #: JSON-LD nodes by their ``@id``, to resolve references such as ``"author": {"@id": "#writer"}``
    jsonld_ids: dict[str, dict[str, Any]] = field(default_factory=dict)
    time_datetimes: list[str] = field(default_factory=list)

    def first(self, *names: str) -> str | None:
        """The first non-empty value among the meta tags ``names`` (in that order)."""
        for name in names:
            for value in self.meta.get(name, ()):
                if value.strip():
                    return value.strip()
        return None

    def all(self, *names: str) -> list[str]:
        return [v.strip() for name in names for v in self.meta.get(name, ()) if v.strip()]

    def article(self, key: str) -> Any:
        """A property of the JSON-LD article, with ``{"@id": …}`` references resolved."""
        return self._resolve((self.jsonld_article or {}).get(key))

    def _resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self._resolve(item) for item in value]
        if isinstance(value, dict) and set(value) <= {"@id", "@type"} and value.get("@id") in self.jsonld_ids:
            return self.jsonld_ids[value["@id"]]
        return value

    def micro(self, key: str) -> str | None:
        values = self.microdata.get(key)
        return values[0] if values else None


def read_structured(tree: HtmlElement) -> Structured:
    found = Structured()
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("http-equiv")
        content = element.get("content")
        if key and content is not None:
            found.meta.setdefault(key.strip().lower(), []).append(content)
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            found.canonical_link = found.canonical_link or link.get("href", "").strip()
    found.html_lang = (tree.get("lang") or tree.get("xml:lang") or "").strip() or None
    title = tree.find(".//title")
    found.title_tag = title.text_content() if title is not None else None
    found.time_datetimes = [t.get("datetime", "").strip() for t in tree.iter("time") if t.get("datetime")]
    for node in _jsonld_nodes(tree):
        if isinstance(node.get("@id"), str) and len(node) > 1:
            found.jsonld_ids.setdefault(node["@id"], node)
        types = node_types(node)
        found.jsonld_types |= types
        if found.jsonld_article is None and types & ARTICLE_TYPES:
            found.jsonld_article = node
    found.microdata = _microdata_article(tree)
    found.bylines = _bylines(tree)
    found.headings = {" ".join(h.text_content().split()).casefold() for h in tree.iter("h1", "h2", "h3")}
    return found


def jsonld_people(value: Any) -> list[str]:
    """Person names from a JSON-LD author value; organisations are left out."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [name for item in value for name in jsonld_people(item)]
    if isinstance(value, dict):
        types = node_types(value)
        name = value.get("name")
        if types and not types & PERSON_TYPES:
            return []
        return [name] if isinstance(name, str) else []
    return []


def jsonld_text(value: Any) -> str | None:
    """A JSON-LD value as text (the first of a list, the ``@value``, ``name`` or ``url`` of an object)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value:
        return jsonld_text(value[0])
    if isinstance(value, dict):
        return jsonld_text(value.get("@value") or value.get("name") or value.get("url"))
    return None


def jsonld_url(value: Any) -> str | None:
    """A JSON-LD image-like value as a URL (string, ``ImageObject`` url, or the first of a list)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value:
        return jsonld_url(value[0])
    if isinstance(value, dict):
        return jsonld_url(value.get("url") or value.get("contentUrl") or value.get("@id"))
    return None


def node_types(node: dict[str, Any]) -> set[str]:
    declared = node.get("@type")
    names = declared if isinstance(declared, list) else [declared]
    return {name.rsplit("/", 1)[-1] for name in names if isinstance(name, str)}


def _jsonld_nodes(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            document = json.loads(script.text or "")
        except ValueError:
            continue
        yield from _walk(document)


def _walk(document: Any) -> Iterator[dict[str, Any]]:
    if isinstance(document, list):
        for item in document:
            yield from _walk(item)
    elif isinstance(document, dict):
        yield document
        if "@graph" in document:
            yield from _walk(document["@graph"])


#: the elements below the root with an ``itemscope``, in document order (found in C: a Python loop over
#: every element of a page took half a millisecond)
_ITEM_SCOPES = etree.XPath("descendant::*[@itemscope]")


def _microdata_article(tree: HtmlElement) -> dict[str, list[str]]:
    """``itemprop`` values of the first schema.org article item (authors by their ``name``)."""
    for scope in _ITEM_SCOPES(tree):
        item_type = (scope.get("itemtype") or "").rstrip("/").rsplit("/", 1)[-1]
        if item_type in ARTICLE_TYPES:
            return _item_properties(scope)
    return {}


def _item_properties(scope: HtmlElement) -> dict[str, list[str]]:
    """Properties of one item; a nested item (an author) contributes only its ``name``."""
    values: dict[str, list[str]] = {}
    pending = list(scope)
    while pending:
        element = pending.pop(0)
        if not isinstance(element.tag, str):
            continue
        nested = element.get("itemscope") is not None
        for prop in (element.get("itemprop") or "").split():
            if prop in MICRODATA_PROPERTIES:
                value = _nested_name(element) if nested else _item_value(element)
                if value and value.strip():
                    values.setdefault(prop, []).append(" ".join(value.split()))
        if not nested:
            pending[:0] = list(element)
    return values


def _nested_name(item: HtmlElement) -> str:
    names = item.xpath('.//*[@itemprop="name"]')
    return _item_value(names[0]) if names else str(item.text_content())


_BYLINE_CLASSES = frozenset({"byline", "byline__author", "author", "authors", "author-name", "author__name",
                             "author__detail", "article-author", "story-author", "byl", "writer", "c-byline"})
_MAX_BYLINE_CHARS = 150


def _bylines(tree: HtmlElement) -> list[str]:
    """Texts of the page's byline elements, innermost first, in document order."""
    found = []
    for element in tree.iter(etree.Element):
        css = element.get("class")  # most elements have none: no set is made for them
        if not ((css is not None and not _BYLINE_CLASSES.isdisjoint(css.lower().split()))
                or element.get("rel") == "author") or element.tag in ("script", "style", "meta", "link"):
            continue
        text = " ".join(element.text_content().split())
        if text and len(text) <= _MAX_BYLINE_CHARS and text not in found:
            found.append(text)
    return found


def _item_value(element: HtmlElement) -> str:
    for attribute in ("content", "datetime", "src", "href"):
        if element.get(attribute):
            return str(element.get(attribute))
    return str(element.text_content())
