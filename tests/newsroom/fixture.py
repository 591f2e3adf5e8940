"""Start the newsroom server in a subprocess for a test, and talk to it.

    with start_newsroom(datetime(2026, 11, 28, 12, tzinfo=UTC)) as newsroom:
        feed = newsroom.url("israel-daily", "/feed.xml")
        ...
        assert "/private/accords-leak.html" not in newsroom.requests("israel-daily")
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path

from tests.newsroom.content import SITES, Article

REPO_ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 20.0
SHUTDOWN_TIMEOUT = 10.0


class Newsroom:
    """A running newsroom: the sites' base URLs and their request logs."""

    def __init__(self, sites: dict[str, str], base_time: datetime) -> None:
        self.sites = sites
        #: The time the server treats as "now" (whole seconds, as the server truncates it).
        self.base_time = base_time.replace(microsecond=0)

    def url(self, site: str, path: str) -> str:
        """Absolute URL of ``path`` ("/..." with optional query) on ``site``."""
        if not path.startswith("/"):
            raise ValueError(f"path must start with '/': {path!r}")
        return self.sites[site] + path

    def requests(self, site: str) -> list[str]:
        """Every request target (path and query) ``site`` has received so far, in order."""
        with urllib.request.urlopen(self.url(site, "/__requests"), timeout=10) as response:
            log = json.loads(response.read().decode("utf-8"))
        return [str(target) for target in log]

    def article(self, site: str, path: str) -> Article:
        """The site data behind an article path (title, authors, ages, ...)."""
        article = SITES[site].article(path)
        if article is None:
            raise KeyError(f"{site} has no article at {path}")
        return article

    def published(self, site: str, path: str) -> datetime:
        """When the article at ``path`` was published, in the offset its pages use."""
        return self.article(site, path).published_at(self.base_time)


@contextmanager
def start_newsroom(base_time: datetime) -> Iterator[Newsroom]:
    """Run ``python -m tests.newsroom.server`` until the ``with`` block ends."""
    if base_time.tzinfo is None:
        raise ValueError("base_time must be timezone-aware")
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.newsroom.server", "--base-time", base_time.isoformat()],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        sites = _read_announcement(process)
        yield Newsroom(sites, base_time)
    finally:
        _stop(process)


def _read_announcement(process: subprocess.Popen[bytes]) -> dict[str, str]:
    stdout = process.stdout
    assert stdout is not None
    lines: queue.Queue[bytes] = queue.Queue()
    threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
    try:
        line = lines.get(timeout=STARTUP_TIMEOUT)
    except queue.Empty:
        raise RuntimeError(f"newsroom server printed nothing within {STARTUP_TIMEOUT:.0f} s") from None
    if not line:
        raise RuntimeError(f"newsroom server exited early (exit code {process.wait()})")
    sites = json.loads(line)["sites"]
    return {str(name): str(url) for name, url in sites.items()}


def _stop(process: subprocess.Popen[bytes]) -> None:
    """EOF on stdin plus SIGTERM; kill if it does not exit in time."""
    if process.stdin is not None:
        with suppress(OSError):
            process.stdin.close()
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=SHUTDOWN_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()
