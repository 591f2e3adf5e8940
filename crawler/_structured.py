"""Structured metadata a page declares: JSON-LD, OpenGraph/``article:*``, Dublin Core, ``<time>``.

``read_structured(tree)`` returns the raw declared values; ``crawler.normalize``
decides which source wins for each field. Broken JSON-LD blocks are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

ARTICLE_TYPES = frozenset({
    "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
    "BackgroundNewsArticle", "ReviewNewsArticle", "AskPublicNewsArticle", "BlogPosting",
    "LiveBlogPosting", "Report", "ScholarlyArticle", "SatiricalArticle", "TechArticle",
})
LISTING_TYPES = frozenset({"CollectionPage", "ItemList", "SearchResultsPage", "WebSite"})


@dataclass
class Structured:
    """Values declared by the page, each list in document order."""

    jsonld_article: dict[str, Any] | None = None
    jsonld_types: set[str] = field(default_factory=set)
    meta: dict[str, list[str]] = field(default_factory=dict)
    canonical_link: str | None = None
    html_lang: str | None = None
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


def read_structured(tree: HtmlElement) -> Structured:
    found = Structured()
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        content = element.get("content")
        if key and content is not None:
            found.meta.setdefault(key.strip().lower(), []).append(content)
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            found.canonical_link = found.canonical_link or link.get("href", "").strip()
    found.html_lang = (tree.get("lang") or tree.get("xml:lang") or "").strip() or None
    found.time_datetimes = [t.get("datetime", "").strip() for t in tree.iter("time") if t.get("datetime")]
    for node in _jsonld_nodes(tree):
        types = _types(node)
        found.jsonld_types |= types
        if found.jsonld_article is None and types & ARTICLE_TYPES:
            found.jsonld_article = node
    return found


def jsonld_names(value: Any) -> list[str]:
    """Names from a JSON-LD person/organisation value (string, object or list of either)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        name = value.get("name")
        return [name] if isinstance(name, str) else []
    if isinstance(value, list):
        return [name for item in value for name in jsonld_names(item)]
    return []


def jsonld_text(value: Any) -> str | None:
    """A JSON-LD value as text (the first of a list, a ``@value`` of an object)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value:
        return jsonld_text(value[0])
    if isinstance(value, dict):
        return jsonld_text(value.get("@value") or value.get("name"))
    return None


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


def _types(node: dict[str, Any]) -> set[str]:
    declared = node.get("@type")
    names = declared if isinstance(declared, list) else [declared]
    return {name.rsplit("/", 1)[-1] for name in names if isinstance(name, str)}
