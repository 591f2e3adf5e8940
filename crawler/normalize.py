"""Turn one fetched page into a normalized article.

``normalize(url, html, headers=None)`` runs trafilatura for the body text and
its metadata, reads what the page declares (JSON-LD, OpenGraph, ``article:*``
meta tags, ``<time datetime>``), and merges them field by field. The result's
attribute names are the export's field names. ``is_article`` is false for
section pages, listings and pages with too little text.
"""

from __future__ import annotations

import html as html_entities
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

import lxml.html
import trafilatura
from lxml.etree import ParserError
from trafilatura.settings import Document

from crawler._dates import parse_datetime
from crawler._language import detect_language
from crawler._people import clean_authors
from crawler._structured import (
    LISTING_TYPES,
    Structured,
    jsonld_names,
    jsonld_text,
    read_structured,
)
from crawler.urls import QueryRules, canonical_url, same_site

MIN_ARTICLE_WORDS = 60
MIN_UNDECLARED_ARTICLE_WORDS = 150
MIN_PARAGRAPH_WORDS = 20
#: htmldate without its "extensive" guessing (it reads a footer's copyright year as a date).
_DATE_SEARCH = {"extensive_search": False, "original_date": True}
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " • ")


@dataclass(frozen=True)
class NormalizedArticle:
    url: str
    canonical_url: str
    title: str
    body: str
    word_count: int
    is_article: bool
    site_name: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    modified_at: datetime | None = None
    language: str | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)


def normalize(
    url: str,
    html: str | bytes,
    headers: Mapping[str, Any] | None = None,
    *,
    rules: QueryRules = QueryRules(),
    language_hint: str | None = None,
) -> NormalizedArticle:
    """Normalize the page fetched from ``url`` (its final URL, after redirects)."""
    declared = _read_declared(html)
    document = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False,
        date_extraction_params=_DATE_SEARCH,
    )
    extracted: dict[str, Any] = document.as_dict() if isinstance(document, Document) else {}
    site_name = _clean_text(
        declared.first("og:site_name")
        or jsonld_text((declared.jsonld_article or {}).get("publisher"))
        or extracted.get("sitename")
    )
    title = _title(declared, extracted, site_name)
    body = _body(extracted.get("text") or "", title)
    word_count = len(body.split())
    content_language = (headers or {}).get("Content-Language")
    return NormalizedArticle(
        url=url,
        canonical_url=canonical_url(_canonical_source(url, declared), rules),
        title=title,
        body=body,
        word_count=word_count,
        is_article=_is_article(declared, body, word_count),
        site_name=site_name,
        authors=_authors(declared, extracted, site_name),
        published_at=_published(declared, extracted),
        modified_at=_modified(declared),
        language=detect_language(
            f"{title}\n{body}", declared.html_lang or content_language, language_hint
        ),
        description=_clean_text(
            declared.first("og:description", "description", "twitter:description", "dc.description")
            or jsonld_text((declared.jsonld_article or {}).get("description"))
            or extracted.get("description")
        ),
        tags=_tags(declared, extracted),
    )


def _read_declared(html: str | bytes) -> Structured:
    try:
        return read_structured(lxml.html.document_fromstring(html))
    except (ParserError, ValueError):
        return Structured()


def _canonical_source(url: str, declared: Structured) -> str:
    """rel=canonical, else og:url, when on the same site as the page; else the page's URL."""
    for candidate in (declared.canonical_link, declared.first("og:url")):
        if candidate:
            absolute = urljoin(url, candidate)
            if absolute.startswith(("http://", "https://")) and same_site(absolute, url):
                return absolute
    return url


def _title(declared: Structured, extracted: dict[str, object], site_name: str | None) -> str:
    article = declared.jsonld_article or {}
    raw = (
        jsonld_text(article.get("headline"))
        or declared.first("og:title", "twitter:title", "dc.title")
        or str(extracted.get("title") or "")
    )
    return _strip_site_name(_clean_text(raw) or "", site_name)


def _strip_site_name(title: str, site_name: str | None) -> str:
    if not site_name:
        return title
    for separator in _TITLE_SEPARATORS:
        if title.endswith(separator + site_name):
            return title[: -len(separator + site_name)].strip()
        if title.startswith(site_name + separator):
            return title[len(site_name + separator) :].strip()
    return title


def _body(text: str, title: str) -> str:
    """Paragraphs separated by blank lines, without a repeated headline on top."""
    paragraphs = [" ".join(line.split()) for line in text.splitlines()]
    paragraphs = [p for p in paragraphs if p]
    if paragraphs and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    return "\n\n".join(paragraphs)


def _is_article(declared: Structured, body: str, word_count: int) -> bool:
    if word_count < MIN_ARTICLE_WORDS:
        return False
    og_type = (declared.first("og:type") or "").lower()
    if declared.jsonld_article is not None or og_type == "article":
        return True
    if declared.jsonld_types & LISTING_TYPES or og_type == "website":
        return False
    long_paragraphs = [p for p in body.split("\n\n") if len(p.split()) >= MIN_PARAGRAPH_WORDS]
    return word_count >= MIN_UNDECLARED_ARTICLE_WORDS and len(long_paragraphs) >= 2


def _authors(declared: Structured, extracted: dict[str, object], site_name: str | None) -> list[str]:
    from_jsonld = jsonld_names((declared.jsonld_article or {}).get("author"))
    raw = from_jsonld or declared.all("author", "dc.creator", "article:author", "sailthru.author")
    raw = [name for name in raw if not name.startswith(("http://", "https://"))]
    if not raw and extracted.get("author"):
        raw = [str(extracted["author"])]
    return clean_authors(raw, site_name)


def _published(declared: Structured, extracted: dict[str, object]) -> datetime | None:
    article = declared.jsonld_article or {}
    candidates = [
        jsonld_text(article.get("datePublished")),
        declared.first("article:published_time", "og:published_time", "datepublished",
                       "pubdate", "publish-date", "dc.date", "dc.date.issued", "date"),
        *declared.time_datetimes[:1],
        str(extracted.get("date") or ""),
    ]
    return next((d for d in map(parse_datetime, candidates) if d is not None), None)


def _modified(declared: Structured) -> datetime | None:
    article = declared.jsonld_article or {}
    candidates = [
        jsonld_text(article.get("dateModified")),
        declared.first("article:modified_time", "og:updated_time", "datemodified", "dc.date.modified"),
    ]
    return next((d for d in map(parse_datetime, candidates) if d is not None), None)


def _tags(declared: Structured, extracted: dict[str, object]) -> list[str]:
    keywords = (declared.jsonld_article or {}).get("keywords")
    raw: list[str] = []
    if isinstance(keywords, list):
        raw += [k for k in keywords if isinstance(k, str)]
    elif isinstance(keywords, str):
        raw += keywords.split(",")
    raw += declared.all("article:tag")
    for value in declared.all("news_keywords", "keywords"):
        raw += value.split(",")
    for tag in extracted.get("tags") or []:  # type: ignore[attr-defined]
        raw += str(tag).split(",")
    tags: dict[str, str] = {}
    for tag in raw:
        cleaned = _clean_text(tag)
        if cleaned:
            tags.setdefault(cleaned.casefold(), cleaned)
    return list(tags.values())


def _clean_text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = re.sub(r"\s+", " ", html_entities.unescape(value)).strip()
    return text or None
