"""Service memory over scheduled crawls: the RSS of ``accords serve`` every ``--every`` finished runs.

What it measures: the service process's resident memory (VmRSS, from /proc)
each time the count of finished crawl runs (``crawl_runs`` rows whose status is
no longer ``running``) reaches a multiple of ``--every``, up to ``--runs``; then
RSS after the last run over RSS after the first ``--every`` runs, which passes
when it is within 10% of 1. The crawls run in child processes, so their memory
is not the service's; what is measured is what the service keeps per run
(scheduling, run records, logs, threads).

To get 200 runs in a few minutes, each of the newsroom's three sites is
configured as ``--copies`` sources (``israel-daily-1``, ...) crawled every
``--interval`` seconds with 1 s of jitter and ``--concurrent`` crawls at once.
The defaults (2 copies, every 12 s, 2 at once) ask for more crawls than two
slots finish, so the service runs flat out: a source whose last run is still
waiting for a slot has its next one skipped (APScheduler logs a warning), as in
a busy real service. On the 2-core development machine 200 runs took 8 to 11
minutes, depending on what else it was running.

Needs: Linux (/proc), the project's venv, free loopback ports. It starts the
newsroom test server (tests/newsroom) and a throwaway SQLite database in a
temporary folder; nothing leaves 127.0.0.1. Exits 1 when RSS grew (or shrank)
by more than 10%.

Run: ``.venv/bin/python -m bench.soak [--runs 200] [--every 20]``
"""

from __future__ import annotations

import argparse
import signal
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scheduler.jobs import TERMINATE_WAIT
from tests.newsroom.fixture import start_newsroom
from tests.support.service import Service

DATABASE = "soak.db"
TOPIC_TERMS = ("Abraham Accords", "اتفاقيات أبراهام", "הסכמי אברהם", "accords d'Abraham", "Авраамов* соглашени*")
#: RSS after the last run may differ from RSS after the first sample by this share at most
TOLERANCE = 0.10
#: a crawl still running after this many seconds is killed (run ``timeout``) rather than stalling the soak
CRAWL_TIMEOUT = 60
#: the soak gives up when no run finishes for this long
STALL_TIMEOUT = 2 * CRAWL_TIMEOUT
#: ``[service] shutdown_grace`` (its default); the service may take this plus a crawl's SIGTERM wait to stop
SHUTDOWN_GRACE = 30
STOP_TIMEOUT = SHUTDOWN_GRACE + TERMINATE_WAIT + 20
POLL = 0.25


def rss_kib(pid: int) -> int:
    """The resident memory of process ``pid`` in KiB (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def write_config(folder: Path, sites: dict[str, str], *, interval: int, jitter: int, copies: int = 1,
                 concurrent: int = 2) -> Path:
    """An ``accords.toml`` in ``folder``: ``copies`` sources per newsroom site (``max_depth = 2``,
    ``keep_html``), all every ``interval`` seconds, and a SQLite database next to it."""
    sources = "".join(
        f'[[sources]]\nname = "{name if copies == 1 else f"{name}-{copy}"}"\nstart_urls = ["{url}/"]\n'
        "max_depth = 2\nkeep_html = true\n"
        for copy in range(1, copies + 1)
        for name, url in sites.items()
    )
    terms = ", ".join(f'"{term}"' for term in TOPIC_TERMS)
    config = folder / "accords.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{folder / DATABASE}"\n[topic]\nterms = [{terms}]\n'
        "[crawl]\ndownload_delay = 0\n"
        f'[service]\ndefault_schedule = "every {interval}s"\njitter = {jitter}\n'
        f"max_concurrent_crawls = {concurrent}\ncrawl_timeout = {CRAWL_TIMEOUT}\nshutdown_grace = {SHUTDOWN_GRACE}\n"
        f'listen = "127.0.0.1:0"\n{sources}',
        encoding="utf-8",
    )
    return config


@contextmanager
def serving(folder: Path, *, interval: int, jitter: int, copies: int = 1, concurrent: int = 2) -> Iterator[Service]:
    """The newsroom and ``accords serve`` crawling it, with its database in ``folder``; the service
    is killed on the way out unless the caller stopped it."""
    with start_newsroom(datetime.now(UTC).replace(minute=0, second=0, microsecond=0)) as newsroom:
        config = write_config(folder, newsroom.sites, interval=interval, jitter=jitter, copies=copies,
                              concurrent=concurrent)
        service = Service(config)
        try:
            yield service
        finally:
            service.kill()


def run_statuses(database: Path, *, finished_only: bool = False) -> Counter[str]:
    """Crawl runs by status (without ``running`` ones when ``finished_only``)."""
    query = "SELECT status, count(*) FROM crawl_runs"
    if finished_only:
        query += " WHERE status != 'running'"
    with closing(sqlite3.connect(database)) as db:
        return Counter({status: count for status, count in db.execute(query + " GROUP BY status")})


def articles_stored(database: Path) -> int:
    with closing(sqlite3.connect(database)) as db:
        count: int = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    return count


def wait_for_runs(service: Service, database: Path, runs: int) -> Counter[str]:
    """Finished runs by status once there are at least ``runs``; fails when the service exits or
    no run finishes for ``STALL_TIMEOUT`` seconds."""
    last, progress_at = -1, time.monotonic()
    while True:
        statuses = run_statuses(database, finished_only=True)
        finished = statuses.total()
        if finished >= runs:
            return statuses
        if finished != last:
            last, progress_at = finished, time.monotonic()
        if service.process.poll() is not None:
            raise RuntimeError(f"the service exited with code {service.process.returncode} after {finished} "
                               f"runs:\n{service.output()[-2000:]}")
        if time.monotonic() - progress_at > STALL_TIMEOUT:
            raise RuntimeError(f"no run finished for {STALL_TIMEOUT:g} s (at {finished} runs)")
        time.sleep(POLL)


def mib(kib: int) -> str:
    return f"{kib / 1024:.1f} MiB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="finished crawl runs to wait for (default 200)")
    parser.add_argument("--every", type=int, default=20, help="sample RSS every this many runs (default 20)")
    parser.add_argument("--copies", type=int, default=2, help="sources per newsroom site (default 2)")
    parser.add_argument("--interval", type=int, default=12, help="seconds between a source's runs (default 12)")
    parser.add_argument("--concurrent", type=int, default=2, help="max_concurrent_crawls (default 2)")
    args = parser.parse_args()
    if not 0 < args.every <= args.runs:
        parser.error("--every must be between 1 and --runs")
    with tempfile.TemporaryDirectory(prefix="accords-soak-") as folder:
        return soak(args, Path(folder))


def soak(args: argparse.Namespace, folder: Path) -> int:
    """Serve from ``folder`` until ``args.runs`` crawls have finished; 0 if RSS stayed within the tolerance."""
    database = folder / DATABASE
    started = time.monotonic()
    samples: list[tuple[int, int]] = []
    with serving(folder, interval=args.interval, jitter=1, copies=args.copies, concurrent=args.concurrent) as service:
        pid = service.process.pid
        print(f"service pid {pid}: {3 * args.copies} sources every {args.interval} s, {args.concurrent} crawls "
              f"at once; RSS at start {mib(rss_kib(pid))}", flush=True)
        targets = list(range(args.every, args.runs + 1, args.every))
        if targets[-1] != args.runs:
            targets.append(args.runs)  # the last sample is always after the last run
        for target in targets:
            statuses = wait_for_runs(service, database, target)
            samples.append((target, rss_kib(pid)))
            elapsed = timedelta(seconds=round(time.monotonic() - started))
            print(f"  {target:4d} runs ({statuses.total()} finished, {elapsed}): RSS {mib(samples[-1][1])}",
                  flush=True)
        code = service.stop(signal.SIGTERM, timeout=STOP_TIMEOUT)
    (first_runs, first), (last_runs, last) = samples[0], samples[-1]
    ratio = last / first
    within = abs(ratio - 1) <= TOLERANCE
    print(f"RSS after run {last_runs} / after run {first_runs}: {mib(last)} / {mib(first)} = {ratio:.3f} "
          f"({'within' if within else 'NOT within'} {TOLERANCE:.0%})")
    print(f"runs counted by status: {dict(sorted(statuses.items()))}")
    wall = timedelta(seconds=round(time.monotonic() - started))
    print(f"after SIGTERM (exit code {code}): runs by status {dict(sorted(run_statuses(database).items()))}; "
          f"articles stored: {articles_stored(database)}; wall time {wall}")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
