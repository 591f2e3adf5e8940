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
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.soak import DATABASE, STOP_TIMEOUT, articles_stored, rss_kib, run_statuses, serving


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--interval", type=int, default=20)
    parser.add_argument("--sample", type=float, default=60.0)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="accords-soak-"))
    with serving(folder, interval=args.interval, jitter=5) as service:
        pid = service.process.pid
        time.sleep(2)
        start = rss_kib(pid)
        print(f"service pid {pid}: RSS at start {start / 1024:.1f} MiB")
        end_at = time.monotonic() + args.minutes * 60
        while time.monotonic() < end_at:
            time.sleep(min(args.sample, max(0.0, end_at - time.monotonic())))
            print(f"  {datetime.now(UTC):%H:%M:%S} RSS {rss_kib(pid) / 1024:.1f} MiB", flush=True)
        end = rss_kib(pid)
        code = service.stop(signal.SIGTERM, timeout=STOP_TIMEOUT)
    statuses = run_statuses(folder / DATABASE)
    articles = articles_stored(folder / DATABASE)
    print(f"RSS at start {start / 1024:.1f} MiB, at end {end / 1024:.1f} MiB "
          f"(ratio {end / start:.2f}); exit code {code}")
    print(f"runs by status: {dict(statuses)}; articles stored: {articles}")


if __name__ == "__main__":
    main()
