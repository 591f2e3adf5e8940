"""Field limits: a value longer than allowed is cut (or, for a URL, dropped) and the cut is recorded.

Database columns bound ``site_name`` and ``section`` (200 characters) and URLs
(2,048); the config's ``[crawl]`` table bounds title, description and body.
Cut fields are listed in ``field_sources["truncated"]`` (comma-separated), so a
long page never makes the database reject a batch.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crawler.article import NormalizedArticle

MAX_URL = 2048
MAX_NAME = 200
MAX_AUTHORS = 20
MAX_TAGS = 50


@dataclass(frozen=True)
class FieldLimits:
    title: int = 1_000
    description: int = 5_000
    body: int = 200_000


def clamp(article: NormalizedArticle, limits: FieldLimits) -> NormalizedArticle:
    cut: list[str] = []
    changes: dict[str, object] = {}
    for name, limit in (("title", limits.title), ("description", limits.description), ("body", limits.body),
                        ("site_name", MAX_NAME), ("section", MAX_NAME)):
        value = getattr(article, name)
        if isinstance(value, str) and len(value) > limit:
            changes[name] = value[: limit - 1].rstrip() + "…"
            cut.append(name)
    if article.image_url is not None and len(article.image_url) > MAX_URL:
        changes["image_url"] = None
        cut.append("image_url")
    for name, count, size in (("authors", MAX_AUTHORS, MAX_NAME), ("tags", MAX_TAGS, MAX_NAME)):
        values = getattr(article, name)
        kept = [v for v in values[:count] if len(v) <= size]
        if kept != values:
            changes[name] = kept
            cut.append(name)
    if "body" in changes:
        changes["word_count"] = len(str(changes["body"]).split())
    if not cut:
        return article
    return replace(article, **changes, field_sources={**article.field_sources, "truncated": ",".join(cut)})  # type: ignore[arg-type]
