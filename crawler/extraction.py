"""Running ``normalize`` on every core: a process pool shared by the crawls of one process.

Extraction (trafilatura and the metadata readers) is most of a crawl's CPU,
and Scrapy's reactor runs on one core. With ``[crawl] extraction_processes``
above 0, pages are normalized in that many worker processes while the
reactor keeps downloading, parsing feeds and writing to the database; with
0 they are normalized in the crawl process itself. ``"auto"`` (the default)
means one worker per core on a machine with more than one core, else 0.

Workers are forked from a forkserver that has imported the extraction code
and loaded its models once (``crawler/_extraction_preload.py``); starting
them costs about two seconds of CPU, so the pool starts only once a crawl
process has normalized ``START_AFTER_PAGES`` pages itself: the many small
scheduled crawls (a few new articles each) never pay for it, backfills and
big crawls do once. A crawl that already knows of that many pages to fetch
(``expect``: a sitemap of thousands) starts the pool at its first page, and
its own process then never imports trafilatura nor loads the models. A crawl
known to be big before it starts (``scheduler/warm_up.py``: a source's first
crawl, or one whose last crawl was big) starts the forkserver at once
(``start_forkserver``), so that it loads the models on another core while the
crawl process imports Scrapy and reads the first feeds. Workers
do not run the crawl process's main script (the ``accords`` console script,
which imports the whole CLI): multiprocessing would have each new worker run
it, about half a second of CPU and its own copy of Scrapy and SQLAlchemy for
code the workers never call (see ``MAIN_SCRIPT_VARIABLE``). Every
``RECYCLE_AFTER_PAGES`` pages each worker is replaced by a fresh one: a
worker's memory grows with the pages it has seen, a fresh fork starts from
the forkserver's shared pages (measured: peak memory of a 1,200-page crawl
520 -> 475 MiB). Each worker is replaced on its own, so that the
workers are replaced one at a time, at staggered pages, while the others
keep extracting; pages go to the worker with the fewest in flight. Pages and
answers go through a socket per worker, written and read on the crawl's event
loop (``crawler/_worker_channel.py``), without a thread of the crawl process. A
worker that dies (a page that crashes lxml) costs only its pages in flight:
``ExtractionCrashed`` is raised for them and a fresh worker takes the next one
(one that died between pages costs no page).
A crawl process that dies (SIGKILL, the OOM killer) takes its workers with
it: each worker checks every second that the crawl process still runs and
exits when it does not (the forkserver then exits with the last of them).
"""

from __future__ import annotations

import asyncio
import atexit
import ctypes
import ctypes.util
import multiprocessing
import multiprocessing.forkserver
import os
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing import spawn
from typing import Any, TypeVar

from crawler._encoding import FetchedBody
from crawler._worker_channel import WorkerChannel, WorkerLost
from crawler.article import NormalizedArticle, PageAnalysis
from storage.processes import process_alive

T = TypeVar("T")
#: glibc's ``mallopt`` parameter, and the block size from which malloc maps memory of its own
_M_MMAP_THRESHOLD = -3
_BIG_BUFFER_BYTES = 128 * 1024
_PRELOADED = ["crawler._extraction_preload"]
#: tells the forkserver the crawl process's main script, which its workers then treat as already run:
#: Python 3.11-3.13 send each new worker that path and the worker runs the script (``spawn.prepare``),
#: and the forkserver's own way to run it once (``"__main__"`` preloaded) never receives the path
MAIN_SCRIPT_VARIABLE = "ACCORDS_EXTRACTION_MAIN_SCRIPT"
#: pages a crawl process normalizes itself before it starts its worker processes
START_AFTER_PAGES = 20
#: pages a worker extracts before a fresh one replaces it: a worker's memory grows with the pages
#: it has seen (its heap fragments around the largest), a fresh one starts from the forkserver's shared pages
RECYCLE_AFTER_PAGES = 100
#: pages sent to a worker at a time (one it extracts, one waiting in its pipe); the others wait in the
#: crawl process, so that a worker being replaced has at most these to finish
PAGES_PER_WORKER = 2
#: how often a worker checks that its crawl process still runs
WATCH_SECONDS = 1.0


class ExtractionCrashed(RuntimeError):
    """The worker process normalizing a page died."""


def resolved_processes(setting: int | str) -> int:
    """Worker processes for ``[crawl] extraction_processes`` (``"auto"``: one per core when there are several)."""
    if setting == "auto":
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        return cores if cores > 1 else 0
    return int(setting)


class ExtractionPool:
    """``normalize`` in ``processes`` worker processes (0: in this process) after the first ``start_after`` pages."""

    def __init__(self, processes: int, start_after: int = START_AFTER_PAGES,
                 recycle_after: int = RECYCLE_AFTER_PAGES) -> None:
        self.processes = processes
        self._inline_left = start_after
        self._recycle_after = recycle_after
        self._workers: list[_Worker] = []
        self._room: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    @property
    def started(self) -> bool:
        """Whether the worker processes have started (pages then go to them)."""
        return any(worker.channel is not None for worker in self._workers)

    def worker_pids(self) -> list[int]:
        """The process ids of the workers now taking pages."""
        return [worker.channel.pid for worker in self._workers
                if worker.channel is not None and worker.channel.pid is not None]

    def expect(self, pages: int) -> None:
        """The crawl knows of ``pages`` more pages to fetch: as many as the inline ones left or more, and
        the pool starts with the next page (this process then never loads trafilatura or the models)."""
        if self.processes > 0 and pages >= self._inline_left:
            self._inline_left = 0

    async def normalize(self, url: str, html: str, headers: dict[str, str], **options: Any) -> NormalizedArticle:
        return await self._run(_normalize, url, html, headers, **options)

    async def analyze(self, url: str, page: str | FetchedBody, headers: dict[str, str], topic_json: str,
                      **options: Any) -> PageAnalysis:
        """``crawler.analysis.analyze``: decoding, normalization, the block check, relevance, countries and
        fingerprint in one call."""
        return await self._run(_analyze, url, page, headers, topic_json, **options)

    async def _run(self, function: Callable[..., T], url: str, *args: Any, **options: Any) -> T:
        if self.processes == 0 or self._inline_left > 0:
            self._inline_left -= 1
            return function(url, *args, **options)
        if not self._workers:
            self._start_workers()
        async with self._room_for_a_page():
            worker = min(self._workers, key=lambda worker: worker.in_flight)
            return await worker.run(function, url, *args, **options)

    def _start_workers(self) -> None:
        _release_models()
        return_big_buffers_to_the_os()
        context = _forkserver_context()
        # staggered, so that one worker at a time is being replaced
        self._workers = [_Worker(context, self._recycle_after, self._recycle_after * number // self.processes)
                         for number in range(self.processes)]

    def _room_for_a_page(self) -> asyncio.Semaphore:
        """``PAGES_PER_WORKER`` for each worker, on this event loop (a crawl run may bring its own)."""
        loop = asyncio.get_running_loop()
        if self._room is None or self._room[0] is not loop:
            self._room = (loop, asyncio.Semaphore(self.processes * PAGES_PER_WORKER))
        return self._room[1]

    def close(self) -> None:
        for worker in self._workers:
            worker.close()


class _Worker:
    """One worker process, replaced by a fresh one every ``recycle_after`` pages.

    The worn process finishes its pages in flight and exits while the fresh one starts on the next
    pages: the crawl never waits for a replacement.
    """

    def __init__(self, context: multiprocessing.context.ForkServerContext, recycle_after: int,
                 pages_done: int = 0) -> None:
        self.channel: WorkerChannel | None = None
        #: replaced processes still finishing their pages
        self._worn: list[WorkerChannel] = []
        self._context = context
        #: pages sent to this worker and not yet returned, the worn process's included
        self.in_flight = 0
        self._recycle_after = recycle_after
        self._pages = pages_done

    async def run(self, function: Callable[..., T], url: str, *args: Any, **options: Any) -> T:
        channel = self._channel_for_next_page()
        self.in_flight += 1
        try:
            result: T = await channel.call(function, (url, *args), options)
            return result
        except WorkerLost as error:
            if self.channel is channel:  # not when the lost one is a worn one already replaced
                self.channel, self._pages = None, 0
            raise ExtractionCrashed(f"the extraction process died while normalizing {url}") from error
        finally:
            self.in_flight -= 1

    def _channel_for_next_page(self) -> WorkerChannel:
        if self.channel is not None and self.channel.lost:  # it died between pages: no page is lost
            self.channel, self._pages = None, 0
        if self.channel is not None and self._pages >= self._recycle_after:
            worn, self.channel = self.channel, None
            worn.retire()
            self._worn = [channel for channel in (*self._worn, worn) if channel.connected]
            self._pages = 0
        if self.channel is None:
            self.channel = WorkerChannel(self._context, _watch, (os.getpid(),))
        self._pages += 1
        return self.channel

    def close(self) -> None:
        for channel in (*self._worn, self.channel):
            if channel is not None:
                channel.close()
        self.channel, self._worn = None, []


def start_forkserver() -> None:
    """Start the workers' forkserver now, without waiting for it.

    It imports the extraction code and loads the models (about a second of CPU) on another core while
    this process goes on (importing Scrapy, reading the first feeds and sitemaps), and the pool's
    workers are forked from it when the pool starts. Otherwise the pool starts it then, and its first
    pages wait for that second. For a crawl known to be big before it starts (``accords crawl``:
    ``scheduler/warm_up.py``).
    """
    _forkserver_context()
    multiprocessing.forkserver.ensure_running()


def _forkserver_context() -> multiprocessing.context.ForkServerContext:
    """The forkserver context, with the modules the forkserver preloads and this process's main script."""
    os.environ[MAIN_SCRIPT_VARIABLE] = spawn.get_preparation_data("worker").get("init_main_from_path", "")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOADED)
    return context


def _normalize(*args: Any, **options: Any) -> NormalizedArticle:
    """``crawler.normalize.normalize``, imported on first use (it loads trafilatura)."""
    from crawler.normalize import normalize

    return normalize(*args, **options)


def _analyze(*args: Any, **options: Any) -> PageAnalysis:
    """``crawler.analysis.analyze``, imported on first use (it loads trafilatura and the language model)."""
    from crawler.analysis import analyze

    return analyze(*args, **options)


def _release_models() -> None:
    """Drop this process's copies of the models, if its inline pages loaded them."""
    analysis = sys.modules.get("crawler.analysis")
    if analysis is not None:
        analysis.release_models()


def return_big_buffers_to_the_os() -> None:
    """Have glibc's malloc map every block of 128 KiB or more on its own and unmap it when freed
    (malloc still takes a block first from free space its heap already holds).

    By default the threshold rises to the largest block freed so far, and the pages (HTML of a few
    hundred KiB each, their parsed text) are then carved out of the heap, which fragments and keeps
    the process's peak memory for good. A no-op on a C library other than glibc.
    """
    libc = _glibc()
    if libc is not None:
        libc.mallopt(_M_MMAP_THRESHOLD, _BIG_BUFFER_BYTES)


def trim_heap() -> None:
    """Hand the free memory of glibc's heap back to the system (a no-op on another C library)."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


def _glibc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def _watch(crawl_pid: int) -> None:
    """In a worker: exit as soon as the crawl process ``crawl_pid`` is gone.

    A worker keeps glibc's own way with big blocks (``return_big_buffers_to_the_os`` is for the crawl
    process): it is replaced after ``RECYCLE_AFTER_PAGES`` pages, so its heap never fragments for long,
    and mapping each page's big buffers afresh cost it about 0.75 ms of the kernel's CPU per page, its
    page faults (2,400-page crawl: the workers' system time 2.7-2.9 s against 0.9-1.1; peak memory
    393-396 MiB against 378-385; bench/README.md, twelfth round).
    """

    def watch() -> None:
        while process_alive(crawl_pid):
            time.sleep(WATCH_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="accords-watch-crawl", daemon=True).start()


_pools: dict[int, ExtractionPool] = {}


def extraction_pool(processes: int) -> ExtractionPool:
    """The process-wide pool of ``processes`` workers, shared by the crawls of this process."""
    pool = _pools.get(processes)
    if pool is None:
        pool = _pools[processes] = ExtractionPool(processes)
    return pool


@atexit.register
def _close_pools() -> None:
    for pool in _pools.values():
        pool.close()
