"""Running ``accords serve`` as a subprocess in tests, and finding its crawl processes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ACCORDS = str(Path(sys.executable).with_name("accords"))
T = TypeVar("T")


class LineReader:
    """A subprocess whose output (stdout and stderr) is collected line by line."""

    def __init__(self, command: list[str]) -> None:
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def output(self) -> str:
        return "\n".join(self.lines)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        self.process.send_signal(sig)
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


class Service(LineReader):
    """``accords --config PATH serve``, listening when constructed."""

    def __init__(self, config: Path) -> None:
        super().__init__([ACCORDS, "--config", str(config), "serve"])
        address = wait_for(lambda: next((m.group(1) for line in self.lines
                                         if (m := re.search(r"listening on (http://\S+)", line))), None),
                           20, "the service to listen", self.output)
        self.base_url = address


def wait_for(probe: Callable[[], T | None], timeout: float, what: str,
             context: Callable[[], str] = lambda: "") -> T:
    """Poll ``probe`` until it returns something truthy; fail naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}\n{context()}")


def crawl_process_ids(source: str) -> list[int]:
    """Process ids of running ``accords crawl SOURCE --run-id N`` children."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            arguments = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"--run-id" in arguments and source.encode() in arguments:
            found.append(int(entry.name))
    return found


def kill_crawl(source: str) -> None:
    for pid in crawl_process_ids(source):
        os.kill(pid, signal.SIGKILL)
