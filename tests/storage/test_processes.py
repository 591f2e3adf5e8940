from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from storage.processes import process_alive


def test_a_zombie_is_not_alive() -> None:
    process = subprocess.Popen(["true"])
    stat = Path(f"/proc/{process.pid}/stat")
    deadline = time.monotonic() + 10
    while " Z " not in stat.read_text() and time.monotonic() < deadline:  # exited, not yet reaped
        time.sleep(0.01)
    assert process_alive(process.pid) is False
    process.wait()
    assert process_alive(process.pid) is False
    assert process_alive(os.getpid()) is True
