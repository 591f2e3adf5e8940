"""Growth: the per-article cost of the pipeline's database work as the store grows to 1,000,000 articles.

One database per backend (SQLite and PostgreSQL) is grown step by step to each
of ``--sizes`` stored articles (synthetic articles bulk-loaded between the steps:
180-word bodies, 96 band keys and one ``seen_urls`` row each, the
full-text index kept by the application's own triggers / generated column,
publication dates spread over the last two years). At each size:

- store: what ``StoragePipeline._write`` does for a batch, ``store_articles`` +
  ``record_irrelevant`` in one transaction with its commit (story-filing lock,
  content-hash lookup, band-key candidate lookup and similarity checks, insert
  of the article, its story, country mentions, band keys and URL keys), for
  ``--probes`` new articles in batches of ``ACCORDS_BATCH_SIZE`` (50). The probes
  have real fingerprints (``crawler.fingerprint``) of synthetic bodies: 8 in 10
  are new stories, 1 in 10 is an earlier probe with an update paragraph (a near
  copy, found through its band keys), 1 in 10 an exact copy. Median over the
  batches of the per-article time. The probes stay stored: a step is measured
  with exactly ``size`` articles stored, and leaves ``size + probes``.
- seen query: one ``seen_urls`` lookup by URL key (its unique index); median of
  200 (half known keys).
- listing check: what the crawl does for every feed, sitemap or section page it
  reads: one ``seen_among`` for the ``LISTING_KEYS`` article URLs it lists (half
  of them stored, with the 48-hour revisit window of ``accords.toml``); median over
  ``LISTINGS`` listings, per URL. (Until 2026-11-28 the crawl loaded every stored
  URL key of the source at the start of each run instead: 4.7 s and a set of a
  million strings at 1,000,000 articles.)
- SQLite: the WAL checkpoints of the probes' commits, which run on their own
  thread (``storage/_checkpoints.py``): their time and CPU time per probe,
  reported beside the store cost, not in it.

Target: store cost at the largest size within 1.5x of the smallest. The
smallest size is measured twice: first, and again in a fresh database just
after the largest (the ratio's baseline, as ``bench/throughput.py`` measures its
baseline just before each crawl: the machine's speed drifts by 10-25% within
minutes, and the largest size is measured some 15 minutes after the first).

Before each step is measured, the store is read through the OS page cache
(``WARMERS``), as on a long-running machine with the memory for it: this VM
drops its page cache now and then, and a cold cache doubled the figures at
1,000,000 articles.

The bulk loading (``bench/growth_load.py``) takes shortcuts the application never
does (journal off on SQLite, indexes rebuilt on PostgreSQL) and leaves the same
schema; the measurements use the application's own engine
(``storage.session.database``: WAL and synchronous=NORMAL on SQLite).

Needs: PostgreSQL at ``$ACCORDS_TEST_POSTGRES_URL`` (default the local server; a
throwaway database is created and dropped). 1,000,000 articles are 96 million band
rows: about 9 GB of disk on SQLite and 13 GB on PostgreSQL (in a temporary
directory, and in the server's data directory), and on the 2-core development
machine 6 minutes of loading on SQLite and 8 on PostgreSQL (16 minutes in all).

Run: ``.venv/bin/python -m bench.growth [--sizes 1000 10000 100000 1000000] [--databases sqlite postgresql]
[--probes 1000] [--plot bench/growth.png] [--breakdown] [--explain]``
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import string
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event, func, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql import ClauseElement

from bench.growth_load import BODY_WORDS, LOADERS, WARMERS, bulk_url, words
from crawler.config import DedupConfig
from crawler.fingerprint import BodySimilarity, fingerprint
from crawler.settings import DEFAULT_BATCH_SIZE
from storage._checkpoints import CheckpointTotals
from storage.articles import ArticleRow, record_irrelevant, seen_among, store_articles
from storage.migrate import upgrade
from storage.models import Article, ArticleBand, SeenUrl
from storage.runs import ensure_source, start_run
from storage.session import Database, checkpointer_of, database
from storage.stories import MAX_CANDIDATES

DEFAULT_SIZES = (1_000, 10_000, 100_000, 1_000_000)
DEFAULT_PROBES = 1000
BACKENDS = ("sqlite", "postgresql")
TARGET_RATIO = 1.5
UPDATE_WORDS = 25
SEEN_LOOKUPS = 200
#: a feed or section page: the keys the crawl checks in one ``seen_among``, and how many such listings
LISTING_KEYS, LISTINGS = 100, 20
#: as every source of accords.toml
REVISIT_HOURS = 48
SOURCE = "bench"
PLAN_WIDTH = 160


@dataclass(frozen=True)
class Measurement:
    database: str
    #: articles stored when measured
    size: int
    #: seconds taken to grow the store to ``size`` (from the previous step)
    load_s: float
    #: median over the batches of the per-article time of a pipeline write, ms
    store_ms: float
    #: all the batches' time over all the probes (what a long run pays per article, spikes included), ms
    store_mean_ms: float
    #: probes stored by this step, and how many of them were filed as copies
    probes: int
    copies: int
    #: median time of one seen_urls lookup by URL key, ms
    seen_query_ms: float
    #: median time per key of the crawl's URL-seen check of one listing (``seen_among``, LISTING_KEYS keys), µs,
    #: and how many of the keys of the last listing were found seen (half are stored ones)
    listing_check_us: float
    listing_seen: int
    #: articles stored after the step (``size + probes``)
    articles: int
    #: SQLite: the background WAL checkpoints' time and CPU time per probe (``storage/_checkpoints.py``), ms
    checkpoint_ms: float = 0.0
    checkpoint_cpu_ms: float = 0.0
    #: with ``breakdown``: ms per article by statement kind (and "commit")
    breakdown: dict[str, float] = field(default_factory=dict)
    #: the smallest size measured again in a fresh database just after the largest one (the ratio's baseline)
    again: bool = False
    #: with ``explain``: the plans of the store's lookups (and, on PostgreSQL, its band-key insert) for a new article
    plans: tuple[str, ...] = ()


class Probes:
    """New articles with real fingerprints: mostly new stories, some near and exact copies of earlier ones."""

    def __init__(self, rng: random.Random, vocabulary: Sequence[str], now: datetime, first: int = 0) -> None:
        self.rng, self.vocabulary, self.now = rng, vocabulary, now
        self.originals: list[str] = []
        self.made = first

    def rows(self, count: int) -> list[ArticleRow]:
        return [self._row() for _ in range(count)]

    def _row(self) -> ArticleRow:
        number, self.made = self.made, self.made + 1
        if self.originals and number % 10 == 9:
            body = self.rng.choice(self.originals)
        elif self.originals and number % 10 == 4:
            body = f"{self.rng.choice(self.originals)} Update: {words(self.rng, self.vocabulary, UPDATE_WORDS)}"
        else:
            body = words(self.rng, self.vocabulary, BODY_WORDS)
            self.originals.append(body)
        prints = fingerprint(body)
        canonical = f"https://probe.example/news/{number}"
        return ArticleRow(
            canonical_url=canonical, url=canonical, title=f"Probe {number}", body=body,
            word_count=len(body.split()), relevance_score=2.0, fetched_at=self.now, published_at=self.now,
            language="en", site_name="Probe", authors=["Jane Doe"], tags=["accords"],
            matched_terms={"abraham accords": 1}, relevance_rule="term", countries={"AE": 2, "IL": 1},
            content_hash=prints.content_hash, band_keys=prints.band_keys,
            url_keys=(canonical, f"{canonical}?utm_source=feed"),
        )


def grow(url: str, sizes: Sequence[int], probes: int = DEFAULT_PROBES, batch_size: int = DEFAULT_BATCH_SIZE,
         breakdown: bool = False, explain: bool = False, seed: int = 7, again: bool = False) -> Iterator[Measurement]:
    """Grow the (empty) database at ``url`` to each of ``sizes`` articles and measure there."""
    rng = random.Random(seed)
    vocabulary = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9))) for _ in range(20_000)]
    now = datetime.now(UTC)
    db = database(url)
    upgrade(db.engine)
    with db.Session.begin() as session:
        source_id = ensure_source(session, SOURCE, "en")
        run_id = start_run(session, source_id)
    backend = db.engine.dialect.name
    load = LOADERS[backend]
    maker = Probes(rng, vocabulary, now)
    check = BodySimilarity(DedupConfig().threshold)
    bulk = 0
    for size in sizes:
        stored = _count(db.engine)
        if size < stored:
            raise ValueError(f"size {size:,} is below the {stored:,} articles already stored (earlier sizes + probes)")
        started = time.perf_counter()
        db.engine.dispose()  # the loader wants the database to itself
        load(url, source_id, bulk, size - stored, rng, vocabulary, now)
        loaded = time.perf_counter() - started
        WARMERS[backend](url)
        bulk += size - stored
        seen_query, listing_check, listing_seen = _measure_seen(db, source_id, bulk, rng, now)
        timer = _StatementTimer(db.engine) if breakdown else None
        checkpointer = checkpointer_of(db.engine)
        checkpoints_before = replace(checkpointer.totals) if checkpointer else CheckpointTotals()
        per_article, copies, commit_ms = [], 0, 0.0
        for start in range(0, probes, batch_size):
            rows = maker.rows(min(batch_size, probes - start))
            began = time.perf_counter()
            with db.Session.begin() as session:  # as StoragePipeline._write
                result = store_articles(session, source_id, run_id, rows, check)
                record_irrelevant(session, source_id, [])
                committing = time.perf_counter()
            done = time.perf_counter()
            per_article.append((done - began) * 1000 / len(rows))
            commit_ms += (done - committing) * 1000
            assert len(result.stored) == len(rows), result
            copies += len(result.copies)
        checkpoint_ms = checkpoint_cpu_ms = 0.0
        if checkpointer is not None:  # the checkpoints of these commits, still running on their thread
            checkpointer.wait_idle(timeout=600)
            checkpoint_ms = (checkpointer.totals.seconds - checkpoints_before.seconds) * 1000 / probes
            checkpoint_cpu_ms = (checkpointer.totals.cpu_seconds - checkpoints_before.cpu_seconds) * 1000 / probes
        shares = {}
        if timer is not None:
            timer.remove()
            shares = {kind: ms / probes for kind, ms in timer.totals.items()} | {"commit": commit_ms / probes}
        plans = tuple(_explain(db, Probes(rng, vocabulary, now, first=10**9).rows(1)[0])) if explain else ()
        yield Measurement(database=backend, size=size, load_s=loaded, store_ms=statistics.median(per_article),
                          store_mean_ms=statistics.fmean(per_article), checkpoint_ms=checkpoint_ms,
                          checkpoint_cpu_ms=checkpoint_cpu_ms, probes=probes, copies=copies,
                          seen_query_ms=seen_query, listing_check_us=listing_check, listing_seen=listing_seen,
                          articles=_count(db.engine), breakdown=shares,
                          plans=plans, again=again)


def _count(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(Article)).scalar_one()


def _measure_seen(db: Database, source_id: int, bulk: int, rng: random.Random,
                  now: datetime) -> tuple[float, float, int]:
    """One-key lookups, and the crawl's check of a listing's keys (half of them stored) in one ``seen_among``."""
    since = now - timedelta(hours=REVISIT_HOURS)
    with db.Session() as session:
        lookups = []
        for i in range(SEEN_LOOKUPS):
            url_key = bulk_url(rng.randint(1, bulk) if i % 2 else bulk + i + 1)
            start = time.perf_counter()
            session.execute(select(SeenUrl.id).where(SeenUrl.url_key == url_key)).first()
            lookups.append((time.perf_counter() - start) * 1000)
        listings, found = [], 0
        for _ in range(LISTINGS):
            known = rng.sample(range(1, bulk + 1), min(bulk, LISTING_KEYS // 2))
            keys = [bulk_url(n) for n in known] + [bulk_url(bulk + 1 + n) for n in range(LISTING_KEYS - len(known))]
            start = time.perf_counter()
            found = len(seen_among(session, source_id, keys, since))
            listings.append((time.perf_counter() - start) * 1e6 / len(keys))
        session.rollback()
    return statistics.median(lookups), statistics.median(listings), found


def _explain(db: Database, row: ArticleRow) -> Iterator[str]:
    """Plans of the lookups ``store_articles`` runs for ``row`` (as written in storage/stories.py and
    storage/articles.py); on PostgreSQL executed (EXPLAIN ANALYZE, BUFFERS), with the band-key insert of
    ``store_bands`` in a transaction rolled back."""
    statements: dict[str, ClauseElement] = {
        "content-hash lookup": select(Article.id, Article.story_id)
        .where(Article.content_hash == row.content_hash, Article.story_id.is_not(None)).order_by(Article.id).limit(1),
        "band-key candidates": select(ArticleBand.article_id).where(ArticleBand.band_key.in_(row.band_keys))
        .group_by(ArticleBand.article_id).order_by(func.count().desc(), ArticleBand.article_id)
        .limit(MAX_CANDIDATES),
        "seen-URL lookup": select(SeenUrl.id).where(SeenUrl.url_key == row.canonical_url),
    }
    dialect = db.engine.dialect
    with db.engine.connect() as connection:
        if dialect.name == "postgresql":
            article_id = connection.execute(select(func.max(Article.id))).scalar_one()
            statements["band-key insert"] = postgresql.insert(ArticleBand).values(
                [{"band_key": key, "article_id": article_id} for key in row.band_keys]
            ).on_conflict_do_nothing(index_elements=["band_key", "article_id"])
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
        for label, statement in statements.items():
            sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
            yield f"{label}:"
            for plan_row in connection.exec_driver_sql(prefix + sql).all():
                yield f"  {plan_row[-1]}"[:PLAN_WIDTH]
        connection.rollback()


class _StatementTimer:
    """Time spent in the database by statement kind (verb, table, first filtered column)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.totals: dict[str, float] = defaultdict(float)
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def remove(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)

    def _before(self, connection: Connection, *_: Any) -> None:
        connection.info["growth_started"] = time.perf_counter()

    def _after(self, connection: Connection, _cursor: Any, statement: str, *_: Any) -> None:
        elapsed = (time.perf_counter() - connection.info.pop("growth_started")) * 1000
        self.totals[_kind(statement)] += elapsed


def _kind(statement: str) -> str:
    verb = statement.split(None, 1)[0].upper()
    if verb == "INSERT":
        table = re.search(r"INTO\s+(\w+)", statement, re.I)
    elif verb == "UPDATE":
        table = re.search(r"UPDATE\s+(\w+)", statement, re.I)
    else:
        table = re.search(r"FROM\s+(\w+)", statement, re.I)
    where = re.search(r"WHERE\s+(\w+\.\w+|\w+)", statement, re.I)
    return " ".join(part for part in (verb, table and table[1], where and f"by {where[1]}") if part)


def baseline(measurements: Sequence[Measurement], database: str) -> Measurement:
    """A database's ratio baseline: its smallest size measured again just after the largest, else the first."""
    points = [m for m in measurements if m.database == database]
    return next((m for m in points if m.again), points[0])


def table(measurements: Sequence[Measurement]) -> list[str]:
    """The printed table: one line per database and size, ratios against that database's baseline."""
    lines = [f"{'database':<10} {'stored':>9} {'load s':>7} {'store ms/art':>12} {'x':>5} {'mean ms':>7} "
             f"{'bg checkpoint ms (cpu)':>22} {'seen query ms':>13} {'x':>5} {'listing check µs/key':>20} {'x':>5} "
             f"{'copies':>7}"]
    for m in measurements:
        base = baseline(measurements, m.database)
        stored = f"{m.size:,}" + (" again" if m.again else "")
        lines.append(
            f"{m.database:<10} {stored:>9} {m.load_s:>7.1f} {m.store_ms:>12.2f} {m.store_ms / base.store_ms:>5.2f} "
            f"{m.store_mean_ms:>7.2f} {f'{m.checkpoint_ms:.2f} ({m.checkpoint_cpu_ms:.2f})':>22} "
            f"{m.seen_query_ms:>13.3f} {m.seen_query_ms / base.seen_query_ms:>5.2f} {m.listing_check_us:>20.1f} "
            f"{m.listing_check_us / base.listing_check_us:>5.2f} {m.copies:>3}/{m.probes}")
    return lines


def plot(measurements: Sequence[Measurement], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (costs, checks) = plt.subplots(1, 2, figsize=(12, 4.5))
    for backend, colour in zip(BACKENDS, ("tab:blue", "tab:orange"), strict=True):
        points = [m for m in measurements if m.database == backend and not m.again]
        if not points:
            continue
        for again in (m for m in measurements if m.database == backend and m.again):
            costs.plot([again.size], [again.store_ms], "x", color=colour, markersize=9,
                       label=f"{backend}: store at {again.size:,} again, just after the largest")
        sizes = [m.size for m in points]
        costs.plot(sizes, [m.store_ms for m in points], "o-", color=colour, label=f"{backend}: store")
        costs.plot(sizes, [m.seen_query_ms for m in points], "s--", color=colour, label=f"{backend}: seen query")
        limit = baseline(measurements, backend).store_ms * TARGET_RATIO
        costs.plot(sizes, [limit] * len(sizes), ":", color=colour, linewidth=1,
                   label=f"{backend}: {TARGET_RATIO}x the baseline")
        if any(m.checkpoint_ms for m in points):
            costs.plot(sizes, [m.checkpoint_ms for m in points], "^-.", color=colour,
                       label=f"{backend}: WAL checkpoint (background thread)")
        checks.plot(sizes, [m.listing_check_us for m in points], "o-", color=colour, label=backend)
    costs.set(xscale="log", yscale="log", xlabel="stored articles", ylabel="ms per article",
              title="Pipeline database work per article")
    checks.set(xscale="log", xlabel="stored articles", ylabel="µs per URL", ylim=(0, None),
               title=f"URL-seen check of a listing ({LISTING_KEYS} URLs in one query)")
    for axes in (costs, checks):
        axes.grid(True, which="both", alpha=0.3)
        axes.legend(fontsize=8)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=120)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--databases", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    parser.add_argument("--probes", type=int, default=DEFAULT_PROBES)
    parser.add_argument("--plot", type=Path, default=Path("bench/growth.png"))
    parser.add_argument("--breakdown", action="store_true", help="time each kind of statement of the store")
    parser.add_argument("--explain", action="store_true", help="print the plans of the store's lookups")
    args = parser.parse_args()
    from tests.support.databases import throwaway_database

    measurements: list[Measurement] = []
    sizes = sorted(args.sizes)
    for backend in args.databases:
        with tempfile.TemporaryDirectory() as folder, throwaway_database(backend, Path(folder)) as url:
            steps = grow(url, sizes, args.probes, breakdown=args.breakdown, explain=args.explain)
            for measurement in steps:
                _report(measurement)
                measurements.append(measurement)
            # the baseline again, in a fresh database, while the largest one is still there: the machine's
            # speed drifts by 10-25% within minutes, and the largest size is measured ~15 minutes after the first
            (Path(folder) / "again").mkdir()
            with throwaway_database(backend, Path(folder) / "again") as fresh:
                for measurement in grow(fresh, sizes[:1], args.probes, breakdown=args.breakdown, again=True):
                    _report(measurement)
                    measurements.append(measurement)
    print(f"\npipeline database work per article (median of batches of {DEFAULT_BATCH_SIZE}, {args.probes} probes):")
    print("\n".join(table(measurements)))
    for backend in args.databases:
        points = [m for m in measurements if m.database == backend]
        largest, first, again = max(points, key=lambda m: m.size), points[0], baseline(measurements, backend)
        ratio, ratio_first = largest.store_ms / again.store_ms, largest.store_ms / first.store_ms
        verdict = "ok" if ratio <= TARGET_RATIO else "OVER TARGET"
        print(f"{backend}: store cost at {largest.size:,} / at {again.size:,} measured just after = {ratio:.2f} "
              f"(/ at {first.size:,} measured first = {ratio_first:.2f}; target <= {TARGET_RATIO}): {verdict}")
    plot(measurements, args.plot)
    print(f"plot: {args.plot}")


def _report(measurement: Measurement) -> None:
    again = " (again, fresh database)" if measurement.again else ""
    print(f"  {measurement.database} {measurement.size:,}{again}: loaded in {measurement.load_s:.1f} s, store "
          f"{measurement.store_ms:.2f} ms/article (mean {measurement.store_mean_ms:.2f})", flush=True)
    for kind, ms in sorted(measurement.breakdown.items(), key=lambda item: -item[1]):
        print(f"      {ms:8.3f} ms/article  {kind}")
    for line in measurement.plans:
        print(f"      {line}")


if __name__ == "__main__":
    main()
