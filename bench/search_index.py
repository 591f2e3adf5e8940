"""PostgreSQL's full-text search on insert: the server's CPU per stored article, piece by piece.

What it measures: in a throwaway PostgreSQL database, an ``articles`` table of title, description and
body (lz4 where the server has it, as migration 0012 does) takes ``--rows`` articles made from the
corpus's true bodies (each copy numbered), 50 per transaction as the crawl's batches, once per variant
of its full-text search:

- ``none``: no search vector (what storing the text itself costs);
- ``vector``: the generated ``search_vector`` column of migration 0007, without its index;
- ``vector + gin``: the column and its GIN index, as the project has them;
- ``gin, pending list 16 MiB``: the index with ``gin_pending_list_limit`` four times the default;
- ``gin, fastupdate off``: the index without a pending list (each row's keys into the tree at once).

For each: the inserting backend's CPU per article from /proc (the index's pending list is flushed
into the tree at the end, and that counts). Then, on the ``none`` table, the CPU per article of
``to_tsvector('simple', body)`` alone. Variants interleaved, median of ``--repeat`` passes. Needs the
local PostgreSQL server (its backends' /proc).

Run: ``.venv/bin/python -m bench.search_index [--rows 2400] [--repeat 3] [--corpus PATH]``
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Connection, create_engine, text

from bench.corpus import DEFAULT_CORPUS, load_corpus
from bench.tree import process_cpu_seconds
from tests.support.databases import throwaway_database

FULL_TEXT = importlib.import_module("storage.migrations.versions.0007_full_text_search")
LZ4 = importlib.import_module("storage.migrations.versions.0012_lz4_text")
#: articles per transaction, as the crawl's batches
BATCH = 50
#: variant → (whether the table has the search vector, the GIN index's options; None: no index)
VARIANTS: dict[str, tuple[bool, str | None]] = {
    "none": (False, None),
    "vector": (True, None),
    "vector + gin": (True, ""),
    "gin, pending list 16 MiB": (True, " WITH (gin_pending_list_limit = 16384)"),
    "gin, fastupdate off": (True, " WITH (fastupdate = off)"),
}
#: the GIN indexes of the articles table: name, options
GIN_INDEXES = ("SELECT index.relname, index.reloptions FROM pg_index JOIN pg_class AS index "
               "ON index.oid = pg_index.indexrelid JOIN pg_am ON pg_am.oid = index.relam "
               "WHERE pg_index.indrelid = 'articles'::regclass AND pg_am.amname = 'gin'")
#: expressions computed over every stored row of the ``none`` table, their CPU per article
ALONE = {
    "to_tsvector('simple', body) alone": "length(to_tsvector('simple', body))",
}


def create_articles(connection: Connection, variant: str) -> None:
    """The ``articles`` table of ``variant``: the project's statements for the search vector and its index."""
    with_vector, index_options = VARIANTS[variant]
    vector, index = FULL_TEXT.POSTGRES
    connection.execute(text("CREATE TABLE articles (id bigserial PRIMARY KEY, title text NOT NULL, "
                            "description text, body text NOT NULL)"))
    if with_vector:
        connection.execute(text(vector))
    if LZ4.has_lz4(connection):
        for table, column in LZ4.COLUMNS:
            if table == "articles" and (with_vector or column != "search_vector"):
                connection.execute(text(f"ALTER TABLE articles ALTER COLUMN {column} SET COMPRESSION lz4"))
    if index_options is not None:
        connection.execute(text(index + index_options))


def article_rows(bodies: Sequence[str], count: int) -> list[dict[str, str]]:
    """``count`` articles, copies of ``bodies`` in turn, each numbered."""
    return [{"title": f"Article {number} on the Abraham Accords", "description": f"What article {number} says",
             "body": f"Copy {number}. {bodies[number % len(bodies)]}"} for number in range(count)]


def insert_cpu_ms(connection: Connection, rows: Sequence[dict[str, str]]) -> float:
    """The backend's CPU milliseconds per row to insert ``rows``, ``BATCH`` per transaction, GIN's pending
    list flushed at the end."""
    backend = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    started = process_cpu_seconds(backend)
    for first in range(0, len(rows), BATCH):
        connection.execute(text("INSERT INTO articles (title, description, body) "
                                "VALUES (:title, :description, :body)"), rows[first : first + BATCH])
        connection.commit()
    for index, _ in connection.execute(text(GIN_INDEXES)).all():
        connection.execute(text("SELECT gin_clean_pending_list(CAST(:index AS regclass))"), {"index": index})
    connection.commit()
    return (process_cpu_seconds(backend) - started) / len(rows) * 1000


def expression_cpu_ms(connection: Connection, expression: str) -> float:
    """The backend's CPU milliseconds per stored row to compute ``expression`` over every row."""
    backend = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    started = process_cpu_seconds(backend)
    count = connection.execute(text(f"SELECT count(*), sum({expression}) FROM articles")).one()[0]
    return (process_cpu_seconds(backend) - started) / count * 1000


def one_pass(rows: Sequence[dict[str, str]], folder: Path) -> dict[str, float]:
    """Each variant's insert CPU per article, then the expressions' on the ``none`` table."""
    figures: dict[str, float] = {}
    for variant in VARIANTS:
        with throwaway_database("postgresql", folder) as url:
            engine = create_engine(url)
            with engine.connect() as connection:
                create_articles(connection, variant)
                connection.commit()
                figures[variant] = insert_cpu_ms(connection, rows)
                if variant == "none":
                    figures.update((name, expression_cpu_ms(connection, expression))
                                   for name, expression in ALONE.items())
            engine.dispose()
    return figures


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rows", type=int, default=2400)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    bodies = [page.true_body for page in load_corpus(args.corpus) if page.true_body]
    rows = article_rows(bodies, args.rows)
    print(f"{len(rows)} articles from {len(bodies)} corpus bodies, "
          f"{statistics.mean(len(row['body']) for row in rows):.0f} characters of body each on average; "
          f"{time.strftime('%Y-%m-%d %H:%M')}")
    with tempfile.TemporaryDirectory(prefix="accords-search-index-") as temp:
        passes = [one_pass(rows, Path(temp)) for _ in range(args.repeat)]
    print(f"{'':<36} {'server CPU ms/article (median)':>30} {'passes':>20}")
    for name in passes[0]:
        values = [figures[name] for figures in passes]
        print(f"{name:<36} {statistics.median(values):30.3f} {' '.join(f'{v:.2f}' for v in values):>20}")


if __name__ == "__main__":
    main()
