"""Query performance: search latency and export throughput over 100,000 stored articles.

What it measures, on SQLite and on PostgreSQL: a database is filled with
``--articles`` synthetic articles (bulk-loaded; the full-text index is kept by
the same triggers / generated column the application uses), then

- ``accords search``'s query (``storage.query.search``, 20 results with
  snippets) for ``--queries`` different one- and two-word queries: median and
  95th-percentile latency;
- the JSON Lines export (``storage.query.articles`` → ``write_records``) of
  every article to /dev/null: articles per second, and the peak Python memory
  (tracemalloc) while exporting all articles against exporting a tenth of them,
  to show the export streams.

Targets: search p95 under 100 ms, export over 5,000 articles/s.

Needs: PostgreSQL at ``$ACCORDS_TEST_POSTGRES_URL`` (default the local server; a
throwaway database is created and dropped). Takes a few minutes.

Run: ``.venv/bin/python -m bench.query [--articles 100000] [--queries 50]``
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import string
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from storage.export import EXPORT_FIELDS, write_records
from storage.migrate import upgrade
from storage.models import Article, Source
from storage.query import SearchFilters, articles, search
from storage.session import make_engine

NOW = datetime(2026, 11, 28, tzinfo=UTC)


def fill(url: str, count: int, vocabulary: list[str], rng: random.Random) -> None:
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(Source.__table__.insert(), [{"id": 1, "name": "bench", "created_at": NOW}])
        for start in range(0, count, 2000):
            connection.execute(Article.__table__.insert(), [
                {"id": i, "source_id": 1, "canonical_url": f"https://bench.example/{i}",
                 "url": f"https://bench.example/{i}", "title": " ".join(rng.choices(vocabulary, k=8)),
                 "description": " ".join(rng.choices(vocabulary, k=20)),
                 "body": " ".join(rng.choices(vocabulary, k=250)),
                 "word_count": 250, "relevance_score": 1.0, "fetched_at": NOW, "first_seen_at": NOW,
                 "published_at": NOW - timedelta(minutes=i), "authors": ["Jane Doe"], "tags": [],
                 "matched_terms": {}, "field_sources": {}, "relevant": True, "language": "en"}
                for i in range(start + 1, min(count, start + 2000) + 1)])
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("ANALYZE")
    engine.dispose()


def measure(url: str, queries: list[str], count: int) -> None:
    engine = make_engine(url)
    with Session(engine) as session:
        latencies = []
        for query in queries:
            start = time.perf_counter()
            search(session, query, SearchFilters(limit=20))
            latencies.append((time.perf_counter() - start) * 1000)
        latencies.sort()
        p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
        print(f"  search: median {statistics.median(latencies):.1f} ms, p95 {p95:.1f} ms "
              f"({len(queries)} queries)", flush=True)
        with open(os.devnull, "w", encoding="utf-8") as sink:
            start = time.perf_counter()
            written = write_records(articles(session), EXPORT_FIELDS, sink, "jsonl")
            elapsed = time.perf_counter() - start
        peaks = {}
        for limit in (count // 10, count):  # memory, measured apart: tracemalloc slows the export
            with open(os.devnull, "w", encoding="utf-8") as sink:
                tracemalloc.start()
                rows = (record for index, record in enumerate(articles(session)) if index < limit)
                write_records(rows, EXPORT_FIELDS, sink, "jsonl")
                peaks[limit] = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
        print(f"  export: {written:,} articles in {elapsed:.1f} s = {written / elapsed:,.0f} articles/s; peak "
              f"memory {peaks[count // 10] / 2**20:.1f} MiB for {count // 10:,} vs {peaks[count] / 2**20:.1f} MiB "
              f"for {count:,}", flush=True)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=50)
    args = parser.parse_args()
    from tests.support.databases import throwaway_database

    rng = random.Random(5)
    vocabulary = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 9))) for _ in range(30_000)]
    queries = [" ".join(rng.choices(vocabulary[:3000], k=rng.choice((1, 2)))) for _ in range(args.queries)]
    for backend in ("sqlite", "postgresql"):
        with tempfile.TemporaryDirectory() as folder, throwaway_database(backend, Path(folder)) as url:
            started = time.perf_counter()
            fill(url, args.articles, vocabulary, rng)
            print(f"{backend}: {args.articles:,} articles loaded in {time.perf_counter() - started:.0f} s", flush=True)
            measure(url, queries, args.articles)


if __name__ == "__main__":
    main()
