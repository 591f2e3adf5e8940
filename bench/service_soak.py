"""Soak run of the background service: memory and runs over a long ``accords serve`` session.

What it measures: the service process's resident memory (VmRSS, from /proc) at
start-up, every ``--sample`` seconds and at the end, and the crawl runs it made
by status, while it crawls the local newsroom's three sites every
``--interval`` seconds for ``--minutes`` minutes. The crawls themselves run in
child processes, so their memory is not the service's.

Needs: Linux (/proc), the project's venv, a free loopback port range. It starts
the newsroom test server (tests/newsroom) and a throwaway SQLite database in a
temporary folder; nothing leaves 127.0.0.1.

Run: ``.venv/bin/python -m bench.service_soak [--minutes 10] [--interval 20] [--sample 60]``
"""

from __future__ import annotations

import argparse
import signal
import sqlite3
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from tests.newsroom.fixture import start_newsroom
from tests.support.service import Service


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--interval", type=int, default=20)
    parser.add_argument("--sample", type=float, default=60.0)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="accords-soak-"))
    with start_newsroom(datetime.now(UTC).replace(minute=0, second=0, microsecond=0)) as newsroom:
        config = folder / "accords.toml"
        sources = "".join(
            f'[[sources]]\nname = "{name}"\nstart_urls = ["{url}/"]\nmax_depth = 2\nkeep_html = true\n'
            for name, url in newsroom.sites.items()
        )
        config.write_text(
            f'[database]\nurl = "sqlite:///{folder}/soak.db"\n[topic]\nterms = ["Abraham Accords", '
            f'"اتفاقيات أبراهام", "הסכמי אברהם", "accords d\'Abraham", "Авраамов* соглашени*"]\n'
            f'[crawl]\ndownload_delay = 0\n[service]\ndefault_schedule = "every {args.interval}s"\n'
            f'jitter = 5\nlisten = "127.0.0.1:0"\n{sources}',
            encoding="utf-8",
        )
        service = Service(config)
        pid = service.process.pid
        time.sleep(2)
        start = rss_kib(pid)
        print(f"service pid {pid}: RSS at start {start / 1024:.1f} MiB")
        end_at = time.monotonic() + args.minutes * 60
        while time.monotonic() < end_at:
            time.sleep(min(args.sample, max(0.0, end_at - time.monotonic())))
            print(f"  {datetime.now(UTC):%H:%M:%S} RSS {rss_kib(pid) / 1024:.1f} MiB", flush=True)
        end = rss_kib(pid)
        code = service.stop(signal.SIGTERM)
    with sqlite3.connect(folder / "soak.db") as db:
        statuses = Counter(status for (status,) in db.execute("SELECT status FROM crawl_runs"))
        articles = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    print(f"RSS at start {start / 1024:.1f} MiB, at end {end / 1024:.1f} MiB "
          f"(ratio {end / start:.2f}); exit code {code}")
    print(f"runs by status: {dict(statuses)}; articles stored: {articles}")


if __name__ == "__main__":
    main()
