"""The throughput bench's site: topic-marked, relevant, and no two pages copies of one another."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pytest

from bench.throughput import Site, _topic_table, baseline_sample, distinct_copy, steady_rate, usable_pages
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


def test_the_baseline_sample_holds_copies_of_every_corpus_page_alike(tmp_path: Path) -> None:
    site = Site(tmp_path, "http://127.0.0.1:1", [f"http://127.0.0.1:1/news/{n:05d}-story.html" for n in range(2400)],
                distinct_pages=152)
    sample = baseline_sample(site, every=4)
    copied = Counter(site.urls.index(url) % 152 for url in sample)
    assert len(sample) == 480 and set(copied) == set(range(152))  # every 5th: 4 shares a factor with 152
    assert max(copied.values()) - min(copied.values()) <= 1
    assert baseline_sample(Site(tmp_path, "", site.urls, distinct_pages=151), every=4) == site.urls[::4]


def test_the_steady_rate_leaves_out_the_first_and_last_tenth_of_the_articles() -> None:
    progress = [(0.0, 0), (2.0, 0), (3.0, 50), (4.0, 100), (5.0, 300), (13.0, 900), (14.0, 940), (20.0, 1000)]
    assert steady_rate(progress, 1000) == (900 - 100) / (13.0 - 4.0)
    assert math.isnan(steady_rate([(0.0, 0), (1.0, 1000)], 1000))  # one sample holds both tenths
