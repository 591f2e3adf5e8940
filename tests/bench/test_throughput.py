"""The throughput bench's site: topic-marked, relevant, and no two pages copies of one another."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.throughput import _topic_table, distinct_copy, usable_pages
from crawler.fingerprint import fingerprint, similarity
from crawler.normalize import normalize
from tests.support.corpus import corpus_pages


@pytest.mark.corpus
def test_copies_are_relevant_articles_sharing_no_shingle(tmp_path: Path) -> None:
    corpus = corpus_pages()
    topic = tmp_path / "topic.toml"
    topic.write_text(f"[topic]\n{_topic_table()}", encoding="utf-8")
    pages = usable_pages(corpus[:12], topic)
    assert len(pages) >= 8  # most corpus pages take the topic sentence where the article starts
    for marked in pages[:4]:
        first, second = (normalize("http://127.0.0.1/a.html", distinct_copy(marked, n)) for n in (7, 8))
        assert first.is_article and first.body.count("Abraham Accords") >= 2
        prints = fingerprint(first.body), fingerprint(second.body)
        assert prints[0].content_hash != prints[1].content_hash
        assert similarity(prints[0].shingles, prints[1].shingles) < 0.05
