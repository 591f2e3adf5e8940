"""Choosing each article field from the candidates a page offers, remembering where it came from.

Priority for every field: JSON-LD, then microdata, then OpenGraph/``article:*``,
then other meta tags (Dublin Core, ``name=author``…), then ``<time datetime>``,
then trafilatura's own metadata (its byline and date heuristics).
"""

from __future__ import annotations

import html as html_entities
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, Generic, Protocol, TypeVar
from urllib.parse import urljoin

from crawler._dates import parse_datetime
from crawler._people import clean_authors
from crawler._structured import Structured, jsonld_people, jsonld_text, jsonld_url
from crawler._text import strip_markup

T = TypeVar("T")
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " • ", " « ", " » ")
_PUBLISHED_META = ("article:published_time", "og:published_time", "datepublished", "pubdate",
                   "publish-date", "publishdate", "sailthru.date", "parsely-pub-date", "dc.date.issued",
                   "dc.date", "dcterms.date", "dcterms.created", "date")
_MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dc.date.modified",
                  "dcterms.modified", "last-modified")
_AUTHOR_META = ("author", "parsely-author", "sailthru.author", "byl")
_CREATOR_META = ("dc.creator", "dcterms.creator")


class Fallback(Protocol):
    """trafilatura's metadata, computed only when a field has no declared value."""

    def get(self, key: str) -> Any: ...


@dataclass(frozen=True)
class Picked(Generic[T]):
    value: T
    source: str | None


NONE: Picked[Any] = Picked(None, None)


def first(candidates: Iterable[tuple[str, T | None]]) -> Picked[T | None]:
    """The first candidate with a value (non-empty after cleaning), with its source name."""
    for source, value in candidates:
        if value is not None and value != "" and value != []:
            return Picked(value, source)
    return NONE


def clean_text(value: object) -> str | None:
    """Declared text as plain text: entities decoded, markup (and scripts) removed, whitespace collapsed."""
    if not isinstance(value, str):
        return None
    text = strip_markup(html_entities.unescape(value))
    text = re.sub(r"\s+", " ", text).strip()
    return text or None


def site_name(declared: Structured) -> Picked[str | None]:
    def candidates() -> Iterator[tuple[str, str | None]]:
        yield "opengraph", clean_text(declared.first("og:site_name"))
        yield "jsonld", clean_text(jsonld_text(declared.article("publisher")))
        yield "meta", clean_text(declared.first("application-name"))

    return first(candidates())


def title(declared: Structured, fallback: Fallback, site: str | None) -> Picked[str | None]:
    def candidates() -> Iterator[tuple[str, str | None]]:
        yield "jsonld", clean_text(jsonld_text(declared.article("headline")))
        yield "microdata", clean_text(declared.micro("headline"))
        yield "opengraph", clean_text(declared.first("og:title"))
        yield "meta", clean_text(declared.first("twitter:title", "dc.title", "dcterms.title", "title"))
        yield "title-tag", clean_text(declared.title_tag)
        yield "trafilatura", clean_text(fallback.get("title"))

    picked = first(candidates())
    return Picked(strip_site_name(picked.value, site), picked.source) if picked.value else picked


def strip_site_name(text: str, site: str | None) -> str:
    """Drop a " | Site" suffix or "Site — " prefix naming the site."""
    if not site:
        return text
    key = site.casefold()
    for separator in _TITLE_SEPARATORS:
        head, _, tail = text.rpartition(separator)
        if head and _names_site(tail, key):
            return head.strip()
        head, _, tail = text.partition(separator)
        if tail and _names_site(head, key):
            return tail.strip()
    return text


def _names_site(segment: str, site_key: str) -> bool:
    segment_key = segment.strip().casefold()
    if not segment_key:
        return False
    compact = segment_key.replace(" ", "")
    return segment_key == site_key or compact == site_key.replace(" ", "") or (
        len(segment_key) >= 4 and (segment_key in site_key or site_key in segment_key)
    )


def authors(declared: Structured, fallback: Fallback, blocked: Iterable[str]) -> Picked[list[str]]:
    blocked = list(blocked)

    def candidates() -> Iterator[tuple[str, list[str]]]:
        yield "jsonld", clean_authors(jsonld_people(declared.article("author")), blocked)
        yield "microdata", clean_authors(declared.microdata.get("author", []), blocked)
        yield "opengraph", clean_authors(_names(declared.all("article:author")), blocked)
        yield "meta", clean_authors(_names(declared.all(*_AUTHOR_META)), blocked)
        yield "meta", clean_authors(_names(declared.all(*_CREATOR_META)), blocked)
        yield "byline", clean_authors(declared.bylines[:1], blocked)
        byline = fallback.get("author")
        yield "trafilatura", clean_authors([byline] if byline else [], blocked)

    picked = first(candidates())
    return Picked(picked.value or [], picked.source)


def _names(values: list[str]) -> list[str]:
    """Author meta values that are names, not profile URLs."""
    return [value for value in values if not value.startswith(("http://", "https://", "/"))]


def published(declared: Structured, fallback: Fallback, local: tzinfo) -> Picked[datetime | None]:
    def candidates() -> Iterator[tuple[str, datetime | None]]:
        yield "jsonld", parse_datetime(jsonld_text(declared.article("datePublished")), local)
        yield "microdata", parse_datetime(declared.micro("datePublished"), local)
        yield "opengraph", parse_datetime(declared.first(*_PUBLISHED_META[:2]), local)
        yield "meta", parse_datetime(declared.first(*_PUBLISHED_META[2:]), local)
        yield "time-element", parse_datetime(next(iter(declared.time_datetimes), None), local)
        yield "trafilatura", parse_datetime(fallback.get("date"), local)

    return first(candidates())


def modified(declared: Structured, local: tzinfo) -> Picked[datetime | None]:
    return first([
        ("jsonld", parse_datetime(jsonld_text(declared.article("dateModified")), local)),
        ("microdata", parse_datetime(declared.micro("dateModified"), local)),
        ("opengraph", parse_datetime(declared.first(*_MODIFIED_META[:2]), local)),
        ("meta", parse_datetime(declared.first(*_MODIFIED_META[2:]), local)),
    ])


def description(declared: Structured) -> Picked[str | None]:
    def candidates() -> Iterator[tuple[str, str | None]]:
        yield "opengraph", clean_text(declared.first("og:description"))
        yield "meta", clean_text(declared.first("description", "twitter:description"))
        yield "jsonld", clean_text(jsonld_text(declared.article("description")))
        yield "microdata", clean_text(declared.micro("description"))
        yield "meta", clean_text(declared.first("dc.description", "dcterms.description"))

    return first(candidates())


def section(declared: Structured) -> Picked[str | None]:
    return first([
        ("opengraph", clean_text(declared.first("article:section"))),
        ("jsonld", clean_text(jsonld_text(declared.article("articleSection")))),
        ("microdata", clean_text(declared.micro("articleSection"))),
    ])


def image_url(declared: Structured, page_url: str) -> Picked[str | None]:
    picked = first([
        ("opengraph", declared.first("og:image", "og:image:url", "og:image:secure_url")),
        ("jsonld", jsonld_url(declared.article("image"))),
        ("meta", declared.first("twitter:image", "twitter:image:src")),
        ("microdata", declared.micro("image")),
    ])
    if not picked.value:
        return picked
    absolute = urljoin(page_url, picked.value.strip())
    return Picked(absolute, picked.source) if absolute.startswith(("http://", "https://")) else NONE


def tags(declared: Structured) -> Picked[list[str]]:
    sources: list[tuple[str, list[str]]] = []
    keywords = declared.article("keywords")
    if isinstance(keywords, list):
        sources.append(("jsonld", [k for k in keywords if isinstance(k, str)]))
    elif isinstance(keywords, str):
        sources.append(("jsonld", keywords.split(",")))
    microdata = declared.microdata.get("keywords", [])
    sources.append(("microdata", [tag for value in microdata for tag in value.split(",")]))
    sources.append(("opengraph", declared.all("article:tag")))
    keyword_metas = declared.all("news_keywords", "keywords")
    sources.append(("meta", [tag for value in keyword_metas for tag in value.split(",")]))
    merged: dict[str, str] = {}
    used: list[str] = []
    for source, values in sources:
        for value in values:
            cleaned = clean_text(value)
            if cleaned and cleaned.casefold() not in merged:
                merged[cleaned.casefold()] = cleaned
                if source not in used:
                    used.append(source)
    return Picked(list(merged.values()), "+".join(used) or None)
