"""Duplicate detection: precision and recall of the duplicate decision, and its cost as the store grows.

Quality: pairs built from the article-extraction-benchmark corpus bodies
(``bench/dedup_pairs.py``: a body with another site's leftovers, with an update
paragraph, with a rewritten lede, its teaser vs. the full text as true
duplicates; two stories of one site, the corpus's most similar different
stories, and a follow-up quoting a paragraph as true non-duplicates). A pair is
judged a duplicate when the two share a MinHash band key (or a content hash)
and their similarity reaches ``[dedup] threshold``, as the store does. Prints
precision and recall per threshold.

Scale: the time to check and store one new article (``store_articles`` with
its fingerprint: content-hash lookup, band-key candidate lookup, similarity
checks, insert of the article and its band keys) when 1,000 and then 100,000
articles are already stored (synthetic bodies and band keys, bulk-loaded), on
SQLite and PostgreSQL; the ratio should stay under 1.5.

Needs: the corpus (default ``../shared/corpus/article-extraction-benchmark``); for
PostgreSQL, a server at ``$ACCORDS_TEST_POSTGRES_URL`` (default the local one;
a throwaway database is created and dropped). Loading 100,000 articles takes
a few minutes.

Run: ``.venv/bin/python -m bench.dedup [--corpus PATH] [--skip-scale] [--sizes 1000 100000]``
"""

from __future__ import annotations

import argparse
import random
import statistics
import string
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench.corpus import DEFAULT_CORPUS, load_corpus
from bench.dedup_pairs import Pair, build_pairs
from crawler.fingerprint import BodySimilarity, fingerprint, similarity
from storage.articles import ArticleRow, store_articles
from storage.migrate import upgrade
from storage.models import Article, ArticleBand, Story
from storage.runs import ensure_source
from storage.session import make_engine

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)
DEFAULT_THRESHOLD = 0.5
PROBES = 40
BANDS_PER_ARTICLE = 96
NOW = datetime(2026, 11, 28, tzinfo=UTC)


def judge(pairs: Sequence[Pair]) -> list[tuple[Pair, bool, float]]:
    judged = []
    for pair in pairs:
        a, b = fingerprint(pair.first), fingerprint(pair.second)
        candidate = a.content_hash == b.content_hash or bool(set(a.band_keys) & set(b.band_keys))
        judged.append((pair, candidate, similarity(a.shingles, b.shingles)))
    return judged


def precision_recall(judged: Sequence[tuple[Pair, bool, float]], threshold: float) -> tuple[float, float]:
    said = [(pair.duplicate, candidate and score >= threshold) for pair, candidate, score in judged]
    true_positive = sum(1 for truth, decision in said if truth and decision)
    predicted = sum(1 for _, decision in said if decision)
    actual = sum(1 for truth, _ in said if truth)
    return (true_positive / predicted if predicted else 1.0, true_positive / actual if actual else 1.0)


def quality(corpus: Path) -> None:
    pairs = build_pairs(load_corpus(corpus))
    judged = judge(pairs)
    duplicates = sum(p.duplicate for p in pairs)
    print(f"pairs: {len(pairs)} ({duplicates} duplicates, {len(pairs) - duplicates} non-duplicates)")
    print(f"{'threshold':>9} {'precision':>9} {'recall':>7}")
    for threshold in THRESHOLDS:
        precision, recall = precision_recall(judged, threshold)
        marker = "  <- default" if threshold == DEFAULT_THRESHOLD else ""
        print(f"{threshold:>9.2f} {precision:>9.4f} {recall:>7.4f}{marker}")
    misses: dict[str, int] = {}
    for pair, candidate, score in judged:
        if pair.duplicate != (candidate and score >= DEFAULT_THRESHOLD):
            misses[pair.kind] = misses.get(pair.kind, 0) + 1
    print(f"errors at the default, by kind: {misses or 'none'}")


def _synthetic_body(rng: random.Random, vocabulary: Sequence[str]) -> str:
    return " ".join(rng.choice(vocabulary) for _ in range(180))


def _bulk_load(url: str, count: int, rng: random.Random, vocabulary: Sequence[str]) -> None:
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as connection:
        from sqlalchemy.orm import Session

        with Session(bind=connection) as session:
            source_id = ensure_source(session, "bench", "en")
            session.flush()
        chunk = 2000
        for start in range(0, count, chunk):
            ids = range(start + 1, min(count, start + chunk) + 1)
            connection.execute(Story.__table__.insert(), [{"id": i, "origin_article_id": i, "created_at": NOW}
                                                          for i in ids])
            connection.execute(Article.__table__.insert(), [
                {"id": i, "source_id": source_id, "canonical_url": f"https://bench.example/{i}",
                 "url": f"https://bench.example/{i}", "title": f"Story {i}", "body": _synthetic_body(rng, vocabulary),
                 "word_count": 180, "relevance_score": 1.0, "fetched_at": NOW, "first_seen_at": NOW,
                 "content_hash": f"{rng.getrandbits(256):064x}", "story_id": i, "authors": [], "tags": [],
                 "matched_terms": {}, "field_sources": {}, "relevant": True}
                for i in ids])
            connection.execute(ArticleBand.__table__.insert(), [
                {"band_key": rng.getrandbits(63), "article_id": i} for i in ids for _ in range(BANDS_PER_ARTICLE)])
        if connection.dialect.name == "postgresql":
            for table in ("articles", "stories"):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            connection.exec_driver_sql("ANALYZE")
    engine.dispose()


def _check_and_store_ms(url: str, rng: random.Random, vocabulary: Sequence[str]) -> float:
    engine = make_engine(url)
    check = BodySimilarity(DEFAULT_THRESHOLD)
    timings = []
    from sqlalchemy.orm import Session

    for probe in range(PROBES):
        body = _synthetic_body(rng, vocabulary)
        prints = fingerprint(body)
        row = ArticleRow(canonical_url=f"https://probe.example/{probe}-{rng.getrandbits(32)}", url="https://p/",
                         title="Probe", body=body, word_count=180, relevance_score=1.0, fetched_at=NOW,
                         content_hash=prints.content_hash, band_keys=prints.band_keys)
        with Session(engine) as session, session.begin():
            source_id = ensure_source(session, "bench", "en")
            start = time.perf_counter()
            store_articles(session, source_id, None, [row], check)
            session.flush()
            timings.append((time.perf_counter() - start) * 1000)
    engine.dispose()
    return statistics.median(timings)


def scale(sizes: Sequence[int]) -> None:
    from tests.support.databases import POSTGRES_ADMIN_URL, throwaway_database

    rng = random.Random(11)
    vocabulary = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9))) for _ in range(20000)]
    print(f"check and store one article (median of {PROBES}), {BANDS_PER_ARTICLE} band keys per stored article:")
    for backend in ("sqlite", "postgresql"):
        results = {}
        for size in sizes:
            with tempfile.TemporaryDirectory() as folder, throwaway_database(backend, Path(folder)) as url:
                started = time.perf_counter()
                _bulk_load(url, size, rng, vocabulary)
                loaded = time.perf_counter() - started
                results[size] = _check_and_store_ms(url, rng, vocabulary)
                print(f"  {backend:<10} {size:>7} stored: {results[size]:6.2f} ms/article (loaded in {loaded:.0f} s)",
                      flush=True)
        ratio = results[sizes[-1]] / results[sizes[0]]
        print(f"  {backend:<10} ratio {sizes[-1]} / {sizes[0]}: {ratio:.2f} (target < 1.5)")
    del POSTGRES_ADMIN_URL


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--sizes", type=int, nargs=2, default=(1000, 100000))
    args = parser.parse_args()
    quality(args.corpus)
    if not args.skip_scale:
        scale(args.sizes)


if __name__ == "__main__":
    main()
