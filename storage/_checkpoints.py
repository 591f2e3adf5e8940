"""SQLite WAL checkpoints on a thread of their own, off the write path.

In WAL mode a commit appends the changed pages to the ``-wal`` file; a
checkpoint later copies them back into the database file and syncs both. By
default SQLite runs that checkpoint inside the commit that takes the WAL past
1,000 pages, so with a large store (random band-key pages all over a
gigabyte-sized index) the pipeline's commit waited for it: at 1,000,000 stored
articles the commit cost 3.0 ms per article, of which 2.7 ms was the checkpoint.

Here each file database gets one ``Checkpointer``: every commit wakes it once
the commit has returned (``notifying_connection``: SQLAlchemy's ``commit`` event
fires before the commit, when its pages are not in the WAL yet), and its
thread runs ``PRAGMA wal_checkpoint(PASSIVE)`` on a connection of its own (at
most once per ``INTERVAL_SECONDS``, so a burst of commits shares one), as
SQLite's documentation suggests for applications that want short commits. A
passive checkpoint never blocks readers or writers. The thread stops after
``IDLE_SECONDS`` without commits, or when its engine is disposed (so the engine
then holds no connection to the file), and starts again at the next commit.

The connections' own automatic checkpoint stays on as a safety net, at
``SAFETY_NET_PAGES``, so the WAL stays bounded even if this thread falls behind.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass, field

INTERVAL_SECONDS = 0.5
IDLE_SECONDS = 5.0
#: the writers' own automatic checkpoint (SQLite's default is 1,000 pages)
SAFETY_NET_PAGES = 20_000
#: a reset WAL file is truncated to this size (otherwise it keeps its largest size)
WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024


@dataclass
class CheckpointTotals:
    """What the checkpoints of one database cost so far, in this process."""

    checkpoints: int = 0
    pages: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0


@dataclass
class Checkpointer:
    """Checkpoints the WAL of the SQLite file at ``path`` after commits, on a daemon thread."""

    path: str
    busy_timeout_ms: int
    totals: CheckpointTotals = field(default_factory=CheckpointTotals)
    _changed: threading.Condition = field(default_factory=threading.Condition, init=False, repr=False)
    #: a commit happened since the last checkpoint started
    _pending: bool = field(default=False, init=False, repr=False)
    _running: bool = field(default=False, init=False, repr=False)
    _closing: bool = field(default=False, init=False, repr=False)
    _thread: threading.Thread | None = field(default=None, init=False, repr=False)

    def committed(self) -> None:
        """Note a commit: the WAL has new pages (starts the thread when it is not running)."""
        with self._changed:
            self._pending = True
            self._changed.notify_all()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="accords-checkpoint", daemon=True)
                self._thread.start()

    def close(self, timeout: float = 30.0) -> None:
        """Stop the thread and close its connection (the engine was disposed); a later commit starts it again."""
        with self._changed:
            thread, self._closing = self._thread, True
            self._changed.notify_all()
        if thread is not None:
            thread.join(timeout)
        with self._changed:
            self._closing = False

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until every commit so far is checkpointed; ``False`` if that took longer than ``timeout``."""
        with self._changed:
            return self._changed.wait_for(lambda: not self._pending and not self._running, timeout)

    def _run(self) -> None:
        connection: sqlite3.Connection | None = None
        last: tuple[int, int] | None = None
        try:
            while self._next_commit():
                if not self._pause(INTERVAL_SECONDS):  # the commits of a burst share one checkpoint
                    break
                with self._changed:
                    self._pending = False
                try:
                    if connection is None:
                        connection = sqlite3.connect(self.path, timeout=self.busy_timeout_ms / 1000,
                                                     check_same_thread=False)
                    last = self._checkpoint(connection, last)
                finally:
                    with self._changed:
                        self._running = False
                        self._changed.notify_all()
        except sqlite3.Error:
            # the file went away or cannot be opened: the writers' own automatic checkpoints take over
            with self._changed:
                self._pending = False
        finally:
            with self._changed:
                if self._thread is threading.current_thread():
                    self._thread = None
                self._running = False
                self._changed.notify_all()
            if connection is not None:
                connection.close()

    def _next_commit(self) -> bool:
        """Wait for a commit (then ``True``: a checkpoint is running); ``False`` when closing or idle."""
        with self._changed:
            self._changed.wait_for(lambda: self._pending or self._closing, IDLE_SECONDS)
            self._running = self._pending and not self._closing
            if not self._running:  # decided under the lock, so the next commit starts a new thread
                self._thread = None
            return self._running

    def _pause(self, seconds: float) -> bool:
        """Sleep ``seconds``; ``False`` when the engine is being closed meanwhile."""
        with self._changed:
            return not self._changed.wait_for(lambda: self._closing, seconds)

    def _checkpoint(self, connection: sqlite3.Connection, last: tuple[int, int] | None) -> tuple[int, int]:
        """A passive checkpoint; the WAL's frames and how many of them are in the database file now."""
        started, started_cpu = time.perf_counter(), time.thread_time()
        _busy, frames, moved = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        same_wal = last is not None and frames >= last[0] and moved >= last[1]
        self.totals.checkpoints += 1
        self.totals.pages += max(0, moved - last[1] if same_wal and last else moved)
        self.totals.seconds += time.perf_counter() - started
        self.totals.cpu_seconds += time.thread_time() - started_cpu
        return frames, moved


def notifying_connection(checkpointer: Checkpointer) -> type[sqlite3.Connection]:
    """An ``sqlite3.Connection`` class (for ``sqlite3.connect(factory=...)``) that tells ``checkpointer``
    of each commit after the commit has returned, so its pages are in the WAL when the thread wakes."""

    class CheckpointedConnection(sqlite3.Connection):
        def commit(self) -> None:
            super().commit()
            checkpointer.committed()

    return CheckpointedConnection
