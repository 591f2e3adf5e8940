"""Distributed crawl throughput: pages/s with 1, 2 and 4 ``accords worker`` processes on one machine.

What it does, all in one run:

1. Builds the local news site of ``bench.throughput`` once (``--pages`` distinct article pages from
   the article-extraction-benchmark corpus, served by ``python -m http.server`` on 127.0.0.1) and
   splits its article pages over ``--sources`` sources, one sitemap each (``sitemap-K.xml``).
2. Baseline: bare extraction of the same pages (``bench.throughput.baseline_rate``), one process.
3. For each ``--workers`` count W, from scratch: a throwaway PostgreSQL database, a private
   ``redis-server``, a config with ``[distributed] enabled = true``, W ``accords worker
   --concurrency 1`` processes and one ``accords serve``, which dispatches every source's first
   crawl at once (``schedule = "every 24h"``, ``jitter = 0``). Each crawl is single-process
   (``[crawl] extraction_processes = 0``): the workers are the unit of parallelism here, as they
   are when a deployment adds machines. Politeness is lifted for loopback (no delay, 16 requests at
   once, AutoThrottle off). Measured once every dispatch is ``done``: wall time from the earliest
   dispatch's ``started_at`` to the latest ``finished_at`` (from ``crawl_dispatches``), articles
   stored, and CPU seconds and peak memory (PSS) summed over the workers' process trees (each
   worker and its crawl children), sampled from /proc twice a second.

Printed per W: pages/s, its ratio to the baseline, pages per hour per worker, CPU ms per page and
peak MiB of all workers together. The site server, PostgreSQL and Redis run on the same cores as
the workers and are not counted in the CPU and memory figures.

Needs: Linux (/proc), the corpus (``../shared/corpus/article-extraction-benchmark``),
``redis-server`` on the PATH, and a PostgreSQL server at ``$ACCORDS_TEST_POSTGRES_URL`` (default
the local one; a throwaway database is created and dropped per W). Nothing leaves 127.0.0.1.

Run: ``.venv/bin/python -m bench.scale [--pages 2400] [--sources 8] [--workers 1 2 4]``
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bench.corpus import DEFAULT_CORPUS
from bench.throughput import ACCORDS, Site, _topic_table, baseline_rate, corpus_site
from bench.tree import ProcessTree
from storage.models import Article, CrawlDispatch, CrawlRun, DispatchState, RunStatus
from storage.session import make_engine
from tests.support.databases import throwaway_database
from tests.support.service import LineReader, wait_for
from tests.support.workers import PrivateRedis

#: seconds between two samples of the workers' process trees
SAMPLE_SECONDS = 0.5
#: seconds between two looks at ``crawl_dispatches``
POLL_SECONDS = 1.0
#: each crawl's timeout; the wait for all of them ends after enough of these for W workers in turn
CRAWL_TIMEOUT = 1800
#: seconds a stopped process gets to exit after SIGTERM before it is killed
STOP_WAIT = 30.0


@dataclass(frozen=True)
class Sitemap:
    url: str
    pages: int


@dataclass(frozen=True)
class ScaleFigures:
    workers: int
    sources: int
    stored: int
    seconds: float
    cpu_seconds: float
    peak_mib: float
    runs_not_ok: tuple[str, ...]

    @property
    def rate(self) -> float:
        return self.stored / self.seconds

    @property
    def pages_per_hour_per_worker(self) -> float:
        return self.rate * 3600 / self.workers

    @property
    def cpu_ms_per_page(self) -> float:
        return self.cpu_seconds / max(self.stored, 1) * 1000


class WorkerTrees(ProcessTree):
    """The process trees of several workers as one: CPU seconds and peak PSS of them all together."""

    def __init__(self, roots: Sequence[int]) -> None:
        super().__init__(roots[0])
        self._trees = [ProcessTree(root) for root in roots]

    def _members(self) -> list[int]:
        return [pid for tree in self._trees for pid in tree._members()]


def split_sitemaps(site: Site, sources: int) -> list[Sitemap]:
    """One ``sitemap-K.xml`` per source in the site folder, each listing a consecutive share of the pages."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    sitemaps = []
    for number in range(sources):
        share = site.urls[number * len(site.urls) // sources:(number + 1) * len(site.urls) // sources]
        entries = "".join(f"<url><loc>{url}</loc><lastmod>{now}</lastmod></url>" for url in share)
        name = f"sitemap-{number + 1}.xml"
        (site.folder / name).write_text(
            f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>',
            encoding="utf-8")
        sitemaps.append(Sitemap(f"{site.base_url}/{name}", len(share)))
    return sitemaps


def write_config(folder: Path, database_url: str, broker_url: str, sitemaps: Sequence[Sitemap]) -> Path:
    sources = "".join(f'[[sources]]\nname = "scale-{number}"\nsitemaps = ["{sitemap.url}"]\n'
                      f'schedule = "every 24h"\nmax_pages = {sitemap.pages + 10}\n'
                      for number, sitemap in enumerate(sitemaps, start=1))
    config = folder / "accords.toml"
    config.write_text(
        f'[database]\nurl = "{database_url}"\n'
        f"[topic]\n{_topic_table()}\n"
        "[crawl]\ndownload_delay = 0\nconcurrent_requests_per_domain = 16\nautothrottle = false\n"
        "extraction_processes = 0\n"
        f'[service]\njitter = 0\nlisten = "127.0.0.1:0"\ncrawl_timeout = {CRAWL_TIMEOUT}\n'
        f'[distributed]\nenabled = true\nbroker_url = "{broker_url}"\nqueue = "accords-scale"\n'
        f"{sources}", encoding="utf-8")
    return config


def run_with_workers(sitemaps: Sequence[Sitemap], workers: int, folder: Path) -> ScaleFigures:
    """One distributed crawl of every source by ``workers`` workers, on a fresh database and broker."""
    with throwaway_database("postgresql", folder) as database_url:
        redis = PrivateRedis(folder)
        try:
            redis.start()
            config = write_config(folder, database_url, redis.url, sitemaps)
            init = subprocess.run([ACCORDS, "--config", str(config), "init-db"], capture_output=True, text=True)
            if init.returncode != 0:
                raise RuntimeError(f"accords init-db failed ({init.returncode}):\n{init.stdout}\n{init.stderr}")
            with running_cluster(config, workers) as (crawlers, scheduler):
                cpu_seconds, peak_mib = watch_until_done(database_url, len(sitemaps), crawlers, scheduler)
        finally:
            redis.stop()
        return read_figures(database_url, workers, len(sitemaps), cpu_seconds, peak_mib)


@contextlib.contextmanager
def running_cluster(config: Path, workers: int) -> Iterator[tuple[list[LineReader], LineReader]]:
    """``workers`` ready ``accords worker --concurrency 1`` processes, then one ``accords serve``;
    every process started here with this config is gone on leaving."""
    crawlers: list[LineReader] = []
    scheduler: LineReader | None = None
    try:
        for _ in range(workers):
            crawlers.append(LineReader([ACCORDS, "--config", str(config), "worker", "--concurrency", "1"]))
        for crawler in crawlers:
            wait_until_ready(crawler)
        scheduler = LineReader([ACCORDS, "--config", str(config), "serve"])
        yield crawlers, scheduler
    finally:
        if scheduler is not None:
            stop(scheduler)  # first, so that it sends nothing more
        for crawler in crawlers:
            stop(crawler)
        kill_leftovers(config)


def wait_until_ready(crawler: LineReader) -> None:
    wait_for(lambda: any(line.endswith(" ready.") for line in crawler.lines), 60, "a worker to be ready",
             crawler.output)


def watch_until_done(database_url: str, sources: int, crawlers: Sequence[LineReader],
                     scheduler: LineReader) -> tuple[float, float]:
    """Sample the workers' process trees until every source's dispatch is done; their CPU s and peak MiB."""
    trees = WorkerTrees([crawler.process.pid for crawler in crawlers])
    engine = make_engine(database_url)
    deadline = time.monotonic() + CRAWL_TIMEOUT * -(-sources // len(crawlers)) + 120
    next_poll = 0.0
    try:
        while True:
            trees.sample()
            if time.monotonic() >= next_poll:
                next_poll = time.monotonic() + POLL_SECONDS
                if all_done(engine, sources):
                    break
                check_running(scheduler, crawlers, deadline)
            time.sleep(SAMPLE_SECONDS)
    finally:
        engine.dispose()
    return trees.cpu_seconds, trees.peak_pss_mib


def all_done(engine: Engine, sources: int) -> bool:
    with Session(engine) as session:
        states = session.scalars(select(CrawlDispatch.state)).all()
    if DispatchState.SKIPPED in states:
        raise RuntimeError(f"a dispatch was skipped: {sorted(state.value for state in states)}")
    return len(states) == sources and all(state is DispatchState.DONE for state in states)


def check_running(scheduler: LineReader, crawlers: Sequence[LineReader], deadline: float) -> None:
    for process in (scheduler, *crawlers):
        if process.process.poll() is not None:
            raise RuntimeError(f"pid {process.process.pid} ({process.process.args!r}) exited with code "
                               f"{process.process.returncode}:\n{process.output()[-4000:]}")
    if time.monotonic() > deadline:
        raise RuntimeError(f"the crawls did not all finish in time\n{scheduler.output()[-4000:]}")


def read_figures(database_url: str, workers: int, sources: int, cpu_seconds: float,
                 peak_mib: float) -> ScaleFigures:
    engine = make_engine(database_url)
    with Session(engine) as session:
        first, last = session.execute(select(func.min(CrawlDispatch.started_at),
                                             func.max(CrawlDispatch.finished_at))).one()
        stored = session.scalar(select(func.count()).select_from(Article)) or 0
        not_ok = session.execute(select(CrawlRun.id, CrawlRun.status)
                                 .where(CrawlRun.status != RunStatus.OK)).all()
    engine.dispose()
    assert first is not None and last is not None, "every dispatch is done"
    return ScaleFigures(workers, sources, stored, (last - first).total_seconds(), cpu_seconds, peak_mib,
                        tuple(f"run {run_id} {status.value}" for run_id, status in not_ok))


def stop(process: LineReader) -> None:
    """SIGTERM, then SIGKILL after ``STOP_WAIT`` seconds."""
    if process.process.poll() is not None:
        return
    process.process.send_signal(signal.SIGTERM)
    try:
        process.process.wait(timeout=STOP_WAIT)
    except subprocess.TimeoutExpired:
        process.kill()


def kill_leftovers(config: Path) -> None:
    """SIGKILL any process still running with ``config`` on its command line (a crawl child left behind)."""
    marker = str(config).encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            arguments = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if marker in arguments:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(entry.name), signal.SIGKILL)


@contextlib.contextmanager
def serving(site: Site, port: int) -> Iterator[None]:
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                               "--directory", str(site.folder)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        time.sleep(1)
        yield
    finally:
        server.terminate()
        try:
            server.wait(timeout=STOP_WAIT)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def print_figures(figures: ScaleFigures, base_rate: float) -> None:
    print(f"{figures.workers:>7} {figures.sources:>7} {figures.stored:>6} {figures.seconds:7.1f} "
          f"{figures.rate:7.1f} {figures.rate / base_rate:5.2f} {figures.pages_per_hour_per_worker:16.0f} "
          f"{figures.cpu_ms_per_page:11.1f} {figures.peak_mib:8.0f}", flush=True)
    if figures.runs_not_ok:
        print(f"        runs not ok: {', '.join(figures.runs_not_ok)}", flush=True)


def exit_cleanly(number: int, frame: object) -> None:
    """SIGTERM ends the bench through its ``finally`` blocks, which stop every process it started."""
    raise SystemExit(128 + number)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--pages", type=int, default=2400)
    parser.add_argument("--sources", type=int, default=8)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, exit_cleanly)
    with tempfile.TemporaryDirectory(prefix="accords-scale-") as temp:
        folder = Path(temp)
        pages, site, port = corpus_site(args.corpus, args.pages, folder)
        sitemaps = split_sitemaps(site, args.sources)
        with serving(site, port):
            base_rate, base_cpu_ms = baseline_rate(site)
            print(f"machine: {os.cpu_count()} cores; corpus pages usable: {len(pages)} of 181; "
                  f"site: {len(site.urls)} article pages over {len(sitemaps)} sources")
            print(f"baseline (bare trafilatura with metadata, one process): {base_rate:.1f} pages/s, "
                  f"{base_cpu_ms:.1f} ms CPU/page")
            print(f"{'workers':>7} {'sources':>7} {'stored':>6} {'seconds':>7} {'pages/s':>7} {'ratio':>5} "
                  f"{'pages/h/worker':>16} {'CPU ms/page':>11} {'peak MiB':>8}")
            for workers in args.workers:
                run_folder = folder / f"workers-{workers}"
                run_folder.mkdir()
                print_figures(run_with_workers(sitemaps, workers, run_folder), base_rate)


if __name__ == "__main__":
    main()
