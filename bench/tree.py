"""CPU time and memory of a process and all its descendants, sampled from /proc (Linux)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


class ProcessTree:
    """Call ``sample()`` every so often while the root runs.

    ``cpu_seconds``: user + system time of every process seen in the tree, each at its last
    sample (a process's last fraction of a second before it exits can be missed).
    ``peak_pss_mib``: the largest sum of proportional set sizes (shared pages split between the
    processes sharing them, so forked workers are not counted twice).
    """

    def __init__(self, root: int) -> None:
        self.root = root
        self._cpu: dict[int, float] = {}
        self.peak_pss_mib = 0.0

    @property
    def cpu_seconds(self) -> float:
        return sum(self._cpu.values())

    def sample(self) -> None:
        pss = 0
        for pid in self._members():
            try:
                self._cpu[pid] = process_cpu_seconds(pid)
                pss += _pss_kib(pid)
            except (OSError, IndexError, ValueError):
                continue
        self.peak_pss_mib = max(self.peak_pss_mib, pss / 1024)

    def _members(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
        members, queue = [], [self.root]
        while queue:
            pid = queue.pop()
            members.append(pid)
            queue.extend(children.get(pid, []))
        return members


class NamedProcesses:
    """CPU time used since the first ``sample()`` by the processes named ``name`` (``/proc/PID/comm``),
    those that start later included: a database server's backends, say.

    ``ignored``: processes of that name left out of ``cpu_seconds`` and counted in ``ignored_cpu_seconds``
    instead (the backend serving the bench's own queries, say).
    """

    def __init__(self, name: str, ignored: frozenset[int] = frozenset()) -> None:
        self.name = name
        self.ignored = ignored
        self._first: dict[int, float] | None = None
        self._last: dict[int, float] = {}

    @property
    def cpu_seconds(self) -> float:
        return self._used(lambda pid: pid not in self.ignored)

    @property
    def ignored_cpu_seconds(self) -> float:
        return self._used(lambda pid: pid in self.ignored)

    def _used(self, counted: Callable[[int], bool]) -> float:
        first = self._first or {}
        return sum(cpu - first.get(pid, 0.0) for pid, cpu in self._last.items() if counted(pid))

    def sample(self) -> None:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if (entry / "comm").read_text().strip() != self.name:
                    continue
                self._last[int(entry.name)] = process_cpu_seconds(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
        if self._first is None:
            self._first = dict(self._last)


def process_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _pss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0
