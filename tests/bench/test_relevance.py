"""Topic relevance on the labelled set: fails below 0.90 precision or recall, overall or in any language."""

from __future__ import annotations

import pytest

from bench.relevance import DEFAULT_CONFIG, load_labelled, predictions, report
from crawler.config import load_config

FLOOR = 0.90


def test_labelled_set_has_every_language_and_enough_stories() -> None:
    articles = load_labelled()
    assert len(articles) >= 150
    assert sum(a.relevant for a in articles) >= 60
    assert {a.language for a in articles} == {"en", "ar", "he", "fr", "ru"}


@pytest.mark.parametrize("language", ["all", "en", "ar", "he", "fr", "ru"])
def test_precision_and_recall_with_the_shipped_topic(language: str) -> None:
    articles = load_labelled()
    table = report(articles, predictions(load_config(DEFAULT_CONFIG).topic, articles))
    row = table[language]
    assert row.precision >= FLOOR, f"{language}: precision {row.precision:.3f}"
    assert row.recall >= FLOOR, f"{language}: recall {row.recall:.3f}"
