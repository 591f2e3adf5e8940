"""``accords extract``: normalize one saved page or URL and show each field with its source."""

from __future__ import annotations

import gzip
import json
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.config import DEFAULT_USER_AGENT
from scheduler._tables import render_table, shorten

if TYPE_CHECKING:
    from crawler.article import NormalizedArticle

FETCH_TIMEOUT = 30
SHOWN_FIELDS = ("canonical_url", "title", "authors", "published_at", "modified_at", "language",
                "site_name", "description", "section", "tags", "image_url", "word_count")


class ExtractError(Exception):
    """The page could not be read; the message names the file or URL."""


def load_page(target: str, url: str | None) -> tuple[str, bytes, dict[str, str]]:
    """(page URL, HTML bytes, response headers) of a saved file (``.gz`` too) or an http(s) URL."""
    if target.startswith(("http://", "https://")):
        request = urllib.request.Request(target, headers={"User-Agent": DEFAULT_USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
                return url or response.geturl(), response.read(), dict(response.headers.items())
        except OSError as exc:
            raise ExtractError(f"{target}: could not be fetched: {exc}") from None
    path = Path(target)
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise ExtractError(f"{path}: cannot be read: {exc.strerror}") from None
    if body[:2] == b"\x1f\x8b":
        body = gzip.decompress(body)
    return url or path.resolve().as_uri(), body, {}


def extract(target: str, url: str | None) -> NormalizedArticle:
    page_url, body, headers = load_page(target, url)
    from crawler.normalize import normalize  # trafilatura: loaded only when a page is extracted

    return normalize(page_url, body, headers)


def as_json(article: NormalizedArticle) -> str:
    record: dict[str, Any] = {
        name: getattr(article, name)
        for name in ("url", *SHOWN_FIELDS, "body", "is_article", "field_sources")
    }
    for name in ("published_at", "modified_at"):
        record[name] = record[name].isoformat() if record[name] else None
    return json.dumps(record, ensure_ascii=False, indent=2)


def as_table(article: NormalizedArticle) -> str:
    rows = []
    for name in (*SHOWN_FIELDS, "body"):
        value = getattr(article, name)
        if isinstance(value, list):
            value = "; ".join(value) or None
        elif name == "body":
            value = shorten(value.replace("\n\n", " ¶ "), 100) if value else None
        elif value is not None and not isinstance(value, str):
            value = value.isoformat() if hasattr(value, "isoformat") else str(value)
        rows.append((name, shorten(value, 100) if isinstance(value, str) else value,
                     article.field_sources.get(name)))
    verdict = ("an article" if article.is_article
               else "NOT an article (section page, listing or too little text)")
    return f"{article.url}: {verdict}\n\n" + render_table(["field", "value", "source"], rows)
