"""The benches' CPU accounting of processes found by name (a database server's backends)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from bench.tree import NamedProcesses

BUSY = "import time\nend = time.process_time() + 0.6\nwhile time.process_time() < end: pass\n"


def test_cpu_of_named_processes_counts_only_what_they_used_since_the_first_sample(tmp_path: Path) -> None:
    program = tmp_path / "acc-busy-probe"
    program.symlink_to(Path(sys.executable).resolve())
    before = subprocess.Popen([str(program), "-c", BUSY])
    before.wait()
    idle = subprocess.Popen([str(program), "-c", "import time; time.sleep(30)"])
    try:
        time.sleep(0.3)
        watched = NamedProcesses("acc-busy-probe")
        watched.sample()
        busy = subprocess.Popen([str(program), "-c", BUSY + "time.sleep(0.5)"])
        time.sleep(0.2)
        deadline = time.monotonic() + 20
        while busy.poll() is None and time.monotonic() < deadline:
            watched.sample()
            time.sleep(0.05)
        assert 0.5 <= watched.cpu_seconds <= 1.5  # the late starter's 0.6 s; not the finished one, not the idle one
    finally:
        idle.kill()
        idle.wait()


def test_an_ignored_process_counts_apart(tmp_path: Path) -> None:
    program = tmp_path / "acc-busy-probe"
    program.symlink_to(Path(sys.executable).resolve())
    ignored = subprocess.Popen([str(program), "-c", "import time; time.sleep(0.5)\n" + BUSY + "time.sleep(0.5)"])
    try:
        watched = NamedProcesses("acc-busy-probe", ignored=frozenset({ignored.pid}))
        watched.sample()
        counted = subprocess.Popen([str(program), "-c", BUSY + BUSY + "time.sleep(0.5)"])
        deadline = time.monotonic() + 20
        while (ignored.poll() is None or counted.poll() is None) and time.monotonic() < deadline:
            watched.sample()
            time.sleep(0.05)
        assert 1.1 <= watched.cpu_seconds <= 1.6  # the counted one's 1.2 s, not the ignored one's 0.6
        assert 0.5 <= watched.ignored_cpu_seconds <= 1.0  # the ignored one's 0.6 s
    finally:
        ignored.kill()
        ignored.wait()
