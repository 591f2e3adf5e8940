"""Duplicate decisions on corpus-built pairs: fails below 0.97 precision or 0.90 recall."""

from __future__ import annotations

import pytest

from bench.dedup import DEFAULT_THRESHOLD, judge, precision_recall
from bench.dedup_pairs import build_pairs
from crawler.config import DedupConfig
from tests.support.corpus import corpus_pages


@pytest.mark.corpus
def test_duplicate_precision_and_recall_on_corpus_pairs() -> None:
    pages = corpus_pages()
    assert DedupConfig().threshold == DEFAULT_THRESHOLD
    pairs = build_pairs(pages)
    assert sum(p.duplicate for p in pairs) >= 700 and sum(not p.duplicate for p in pairs) >= 850
    precision, recall = precision_recall(judge(pairs), DEFAULT_THRESHOLD)
    assert precision >= 0.97, f"precision {precision:.4f}"
    assert recall >= 0.90, f"recall {recall:.4f}"
