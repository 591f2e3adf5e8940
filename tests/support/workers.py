"""``accords worker`` subprocesses and a private Redis broker for the distributed tests.

Each test gets its own ``redis-server`` on a free loopback port, so it can stop the broker (an
outage) without touching anything else. Without ``redis-server`` the tests skip, except under
``CI=true`` where they fail.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.environment import in_ci
from tests.support.service import ACCORDS, LineReader, wait_for

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


class Worker(LineReader):
    """``accords --config PATH worker --concurrency N``, ready to take tasks when constructed."""

    def __init__(self, config: Path, concurrency: int = 1) -> None:
        super().__init__([ACCORDS, "--config", str(config), "worker", "--concurrency", str(concurrency)])
        wait_for(lambda: any(line.endswith(" ready.") for line in self.lines), 60, "the worker to be ready",
                 self.output)


class PrivateRedis:
    """A ``redis-server`` of the test's own on 127.0.0.1, which the test may stop and start again."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self._answers, 20, f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            time.sleep(0.1)
            return False


@contextmanager
def private_redis(folder: Path) -> Iterator[PrivateRedis]:
    if not Path(REDIS_SERVER).exists():
        reason = "redis-server is not installed (the distributed tests start a broker of their own)"
        if in_ci():
            pytest.fail(f"CI=true: {reason}")
        pytest.skip(reason)
    redis = PrivateRedis(folder)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()
