"""Bulk loading for bench/growth.py: synthetic stored articles, added fast to a migrated database.

Each synthetic article has a 180-word body of random words, a random content hash,
96 band keys, a story of its own and a ``seen_urls`` row, and is published between
3 and 730 days ago. The full-text index is kept as the application keeps it (FTS5
on SQLite, the generated ``search_vector`` and its GIN index on PostgreSQL).

- SQLite: one plain connection (no foreign-key checks: the rows are built
  consistent), journal off, a 6 GB page cache; the FTS5 rows added by one statement
  instead of the per-row trigger (a third faster), the trigger put back from its
  own definition (the schema is checked unchanged).
- PostgreSQL: COPY, with the foreign-key triggers off where allowed
  (``session_replication_role``, superusers), and the indexes of ``articles`` and
  ``article_bands`` that back no constraint (the plain and full-text ones) and
  ``article_bands``' primary key dropped and rebuilt afterwards from their own
  definitions (checked equal): several times faster than keeping them up to date
  row by row (100,000 articles: 99 s of COPY with the GIN index, 32 s without).
  Then ``VACUUM ANALYZE``, as autovacuum would.
- Band rows are made by the database itself (see ``SQLITE_BANDS``).
- Last, the load is made durable (SQLite: the file fsynced; PostgreSQL: a
  CHECKPOINT, where allowed): left to the kernel's writeback or the next
  checkpoint, those gigabytes were written during the measurement that followed
  and landed in its commits (SQLite at 1,000,000: 17.4 ms/article instead of 12.2).
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from datetime import datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import create_engine, insert
from sqlalchemy.engine import make_url

from storage.models import Article, SeenUrl, Story

BODY_WORDS = 180
BANDS_PER_ARTICLE = 96
#: bulk-loaded articles are published between these many days ago
OLDEST_DAYS, NEWEST_DAYS = 730, 3
CHUNK = 20_000
WARM_CHUNK = 16 * 1024 * 1024
POSTGRES_BLOCK_BYTES = 8192
SQLITE_LOAD_CACHE_KIB = 6_000_000

#: The bulk articles' band keys: uniformly spread over the 63-bit key space like real ones, but drawn in
#: increasing order along (article id, band) within one load, so both indexes of ``article_bands`` take
#: them in order (random order costs ~7 µs a row on SQLite's B-tree: 10 minutes for 86 million rows).
#: Parameters: first id, last id, stride = 2**63 // (articles * 96).
SQLITE_BANDS = f"""WITH RECURSIVE band(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM band
                                  WHERE n < {BANDS_PER_ARTICLE - 1})
INSERT INTO article_bands (band_key, article_id)
SELECT ((articles.id - :first) * {BANDS_PER_ARTICLE} + band.n) * :stride + abs(random() % :stride), articles.id
FROM articles, band WHERE articles.id BETWEEN :first AND :last ORDER BY articles.id, band.n"""
POSTGRES_BANDS = f"""INSERT INTO article_bands (band_key, article_id)
SELECT ((articles.id - %(first)s) * {BANDS_PER_ARTICLE} + band.n) * %(stride)s + floor(random() * %(stride)s)::bigint,
       articles.id
FROM articles CROSS JOIN generate_series(0, {BANDS_PER_ARTICLE - 1}) AS band(n)
WHERE articles.id BETWEEN %(first)s AND %(last)s ORDER BY articles.id, band.n"""
#: what the FTS5 insert trigger of migration 0007 does for one row, for a range of rows at once
SQLITE_FTS = """INSERT INTO articles_fts(rowid, title, description, body)
SELECT id, title, coalesce(description, ''), body FROM articles WHERE id BETWEEN :first AND :last"""
SQLITE_FTS_TRIGGER = "articles_fts_insert"


def words(rng: random.Random, vocabulary: Sequence[str], count: int) -> str:
    return " ".join(rng.choices(vocabulary, k=count))


def bulk_url(number: int) -> str:
    return f"https://bench.example/news/{number}"


def _synthetic(source_id: int, first_bulk: int, first_id: int, first_story: int, first_seen: int, count: int,
               rng: random.Random, vocabulary: Sequence[str], now: datetime,
               ) -> Iterator[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
    """(story, article, seen_urls) rows of ``count`` synthetic articles, one story each."""
    span = (OLDEST_DAYS - NEWEST_DAYS) * 24 * 60
    for k in range(count):
        article_id, story_id, link = first_id + k, first_story + k, bulk_url(first_bulk + k + 1)
        published = now - timedelta(days=NEWEST_DAYS, minutes=rng.randrange(span))
        yield (
            {"id": story_id, "origin_article_id": article_id, "created_at": now},
            {"id": article_id, "source_id": source_id, "canonical_url": link, "url": link,
             "title": words(rng, vocabulary, 8), "body": words(rng, vocabulary, BODY_WORDS),
             "word_count": BODY_WORDS, "relevance_score": 1.0, "fetched_at": now, "first_seen_at": now,
             "published_at": published, "language": "en", "content_hash": f"{rng.getrandbits(256):064x}",
             "story_id": story_id, "authors": [], "tags": [], "matched_terms": {}, "field_sources": {},
             "relevant": True},
            {"id": first_seen + k, "url_key": link, "source_id": source_id, "article_id": article_id,
             "outcome": "stored", "first_seen_at": now},
        )


def _next_ids(scalar: Callable[[str], Any]) -> tuple[int, int, int]:
    """The next free id of ``articles``, ``stories`` and ``seen_urls``."""
    articles, stories, seen = (int(scalar(f"SELECT coalesce(max(id), 0) + 1 FROM {table}"))
                               for table in ("articles", "stories", "seen_urls"))
    return articles, stories, seen


def _band_parameters(first_id: int, count: int) -> dict[str, int]:
    return {"first": first_id, "last": first_id + count - 1, "stride": (2**63 - 1) // (count * BANDS_PER_ARTICLE)}


def load_sqlite(url: str, source_id: int, first_bulk: int, count: int, rng: random.Random,
                vocabulary: Sequence[str], now: datetime) -> None:
    """Add ``count`` synthetic articles to the SQLite database at ``url`` (see the module docstring)."""
    if count == 0:
        return
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            for pragma in ("journal_mode=OFF", "synchronous=OFF", f"cache_size=-{SQLITE_LOAD_CACHE_KIB}"):
                connection.exec_driver_sql(f"PRAGMA {pragma}")
            connection.commit()
            with connection.begin():
                schema = connection.exec_driver_sql("SELECT type, name, sql FROM sqlite_master ORDER BY name").all()
                trigger = connection.exec_driver_sql(
                    "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (SQLITE_FTS_TRIGGER,)
                ).scalar_one()
                connection.exec_driver_sql(f"DROP TRIGGER {SQLITE_FTS_TRIGGER}")
                first_id, first_story, first_seen = _next_ids(lambda sql: connection.exec_driver_sql(sql).scalar())
                rows = _synthetic(source_id, first_bulk, first_id, first_story, first_seen, count, rng, vocabulary,
                                  now)
                while chunk := list(islice(rows, CHUNK)):
                    for position, model in enumerate((Story, Article, SeenUrl)):
                        connection.execute(insert(model), [row[position] for row in chunk])
                bands = _band_parameters(first_id, count)
                connection.exec_driver_sql(SQLITE_FTS, bands)
                connection.exec_driver_sql(trigger)
                connection.exec_driver_sql(SQLITE_BANDS, bands)
                after = connection.exec_driver_sql("SELECT type, name, sql FROM sqlite_master ORDER BY name").all()
                if after != schema:
                    raise RuntimeError("the schema changed while loading")
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")
    finally:
        engine.dispose()
    with open(str(make_url(url).database), "rb") as database_file:
        os.fsync(database_file.fileno())


def load_postgresql(url: str, source_id: int, first_bulk: int, count: int, rng: random.Random,
                    vocabulary: Sequence[str], now: datetime) -> None:
    """Add ``count`` synthetic articles to the PostgreSQL database at ``url`` (see the module docstring)."""
    if count == 0:
        return
    parsed = make_url(url)
    with psycopg.connect(host=parsed.host, port=parsed.port, user=parsed.username, password=parsed.password,
                         dbname=parsed.database, autocommit=True) as connection:
        with suppress(psycopg.errors.InsufficientPrivilege):  # the rows are built consistent
            connection.execute("SET session_replication_role = replica")
        connection.execute("SET maintenance_work_mem = '1GB'")
        with connection.transaction(), connection.cursor() as cursor:
            first_id, first_story, first_seen = _next_ids(lambda sql: _scalar(cursor, sql))
            structures = _structures(cursor)
            for _name, _create, drop in structures:
                cursor.execute(drop)
            rows = _synthetic(source_id, first_bulk, first_id, first_story, first_seen, count, rng, vocabulary, now)
            while chunk := list(islice(rows, CHUNK)):
                for position, table in enumerate(("stories", "articles", "seen_urls")):
                    columns = list(chunk[0][position])
                    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in chunk:
                            copy.write_row([_copy_value(row[position][column]) for column in columns])
            cursor.execute(POSTGRES_BANDS, _band_parameters(first_id, count))
            for _name, create, _drop in structures:
                cursor.execute(create)
            if _structures(cursor) != structures:
                raise RuntimeError("indexes not rebuilt as they were")
            for table in ("articles", "stories", "seen_urls"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        connection.execute("VACUUM ANALYZE articles, article_bands, stories, seen_urls")
        with suppress(psycopg.errors.InsufficientPrivilege):
            connection.execute("CHECKPOINT")


def _structures(cursor: psycopg.Cursor[Any]) -> list[tuple[str, str, str]]:
    """(name, create, drop) of the plain indexes of ``articles`` and ``article_bands`` and the primary key of
    ``article_bands``, in the order to create them."""
    indexes = cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
        "AND tablename IN ('articles', 'article_bands') AND indexname NOT IN (SELECT conname FROM pg_constraint) "
        "ORDER BY indexname").fetchall()
    keys = cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = 'article_bands'::regclass AND contype = 'p'").fetchall()
    return [(name, definition, f"DROP INDEX {name}") for name, definition in indexes] + [
        (name, f"ALTER TABLE article_bands ADD CONSTRAINT {name} {definition}",
         f"ALTER TABLE article_bands DROP CONSTRAINT {name}") for name, definition in keys]


def _scalar(cursor: psycopg.Cursor[Any], sql: str) -> Any:
    row = cursor.execute(sql).fetchone()
    assert row is not None
    return row[0]


def _copy_value(value: Any) -> Any:
    return json.dumps(value) if isinstance(value, list | dict) else value


def warm_sqlite(url: str) -> int:
    """Read the database file and its WAL through the OS page cache; the bytes read."""
    path = Path(str(make_url(url).database))
    read = 0
    for file in (path, path.with_name(path.name + "-wal")):
        if file.exists():
            with open(file, "rb", buffering=0) as stream:
                while chunk := stream.read(WARM_CHUNK):
                    read += len(chunk)
    return read


def warm_postgresql(url: str) -> int:
    """Read every table and index of the database through the OS page cache (``pg_prewarm`` in ``read``
    mode); the bytes read, 0 when the extension cannot be created here."""
    parsed = make_url(url)
    with psycopg.connect(host=parsed.host, port=parsed.port, user=parsed.username, password=parsed.password,
                         dbname=parsed.database, autocommit=True) as connection:
        try:
            connection.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        except psycopg.Error:
            return 0
        blocks = _scalar(connection.cursor(), "SELECT coalesce(sum(pg_prewarm(oid::regclass, 'read')), 0) "
                         "FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'i')")
        return int(blocks) * POSTGRES_BLOCK_BYTES


#: backend name → loader(url, source id, synthetic articles loaded so far, how many to add, rng, vocabulary, now)
LOADERS: dict[str, Callable[[str, int, int, int, random.Random, Sequence[str], datetime], None]] = {
    "sqlite": load_sqlite, "postgresql": load_postgresql,
}
#: backend name → warm(url): the store read into the OS page cache before measuring, as a long-running
#: machine with enough memory has it (this VM drops its page cache now and then)
WARMERS: dict[str, Callable[[str], int]] = {"sqlite": warm_sqlite, "postgresql": warm_postgresql}
