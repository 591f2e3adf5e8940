"""Metadata extraction on realistic fixture pages (tests/crawler/pages), each field asserted exactly."""

from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from crawler.normalize import NormalizedArticle, normalize

PAGES = Path(__file__).with_name("pages")
FIELDS = ("title", "authors", "language", "site_name", "description", "section", "tags", "image_url",
          "canonical_url")


def fixtures() -> list[Path]:
    return sorted(PAGES.glob("*.json"))


def actual(article: NormalizedArticle) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(article, name) for name in FIELDS}
    for name in ("published_at", "modified_at"):
        value = getattr(article, name)
        values[name] = value.isoformat() if value else None
    return values


def test_there_are_enough_fixture_pages() -> None:
    assert len(fixtures()) >= 30
    languages = {json.loads(p.read_text(encoding="utf-8"))["expected"]["language"] for p in fixtures()}
    assert {"en", "ar", "he", "ru", "fr"} <= languages


@pytest.mark.parametrize("spec_path", fixtures(), ids=lambda p: p.stem)
def test_fields_of_fixture_page(spec_path: Path) -> None:
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    expected = spec["expected"]
    html = spec_path.with_suffix(".html").read_bytes()
    timezone = ZoneInfo(spec["timezone"]) if spec.get("timezone") else UTC
    article = normalize(spec["url"], html, timezone=timezone)
    wanted = {name: expected[name] for name in (*FIELDS, "published_at", "modified_at")}
    assert actual(article) == wanted
    assert article.is_article
    assert article.body.startswith(expected["body_starts_with"])
    assert article.body.endswith(expected["body_ends_with"])
    for boilerplate in expected["body_excludes"]:
        assert boilerplate not in article.body
    assert "\n\n" in article.body
