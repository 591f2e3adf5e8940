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
its own process then never imports trafilatura nor loads the models. Workers
do not run the crawl process's main script (the ``accords`` console script,
which imports the whole CLI): multiprocessing would have each new worker run
it, about half a second of CPU and its own copy of Scrapy and SQLAlchemy for
code the workers never call (see ``MAIN_SCRIPT_VARIABLE``). Every
``RECYCLE_AFTER_PAGES`` pages the workers are replaced by fresh ones: a
worker's memory grows with the pages it has seen, a fresh fork starts from
the forkserver's shared pages (measured: peak memory of a 1,200-page crawl
520 -> 475 MiB, CPU and time unchanged within the noise). A worker that dies (a page that crashes lxml)
costs only that page: ``ExtractionCrashed`` is raised for it and a new pool
is started for the next one. A crawl process that dies (SIGKILL, the OOM
killer) takes its workers with it: each worker checks every second that the
crawl process still runs and exits when it does not (the forkserver then
exits with the last of them).
"""

from __future__ import annotations

import asyncio
import atexit
import ctypes
import ctypes.util
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import spawn
from typing import Any, TypeVar

from crawler.article import NormalizedArticle, PageAnalysis
from storage.runs import process_alive

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
#: pages a set of workers extracts before fresh ones replace them: a worker's memory grows with the pages
#: it has seen (its heap fragments around the largest), a fresh one starts from the forkserver's shared pages
RECYCLE_AFTER_PAGES = 100
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
        self._executor: ProcessPoolExecutor | None = None
        self._pages_in_executor = 0
        self._recycling: asyncio.Future[None] | None = None

    def expect(self, pages: int) -> None:
        """The crawl knows of ``pages`` more pages to fetch: as many as the inline ones left or more, and
        the pool starts with the next page (this process then never loads trafilatura or the models)."""
        if self.processes > 0 and pages >= self._inline_left:
            self._inline_left = 0

    async def normalize(self, url: str, html: str, headers: dict[str, str], **options: Any) -> NormalizedArticle:
        return await self._run(_normalize, url, html, headers, **options)

    async def analyze(self, url: str, html: str, headers: dict[str, str], topic_json: str,
                      **options: Any) -> PageAnalysis:
        """``crawler.analysis.analyze``: normalization, relevance, countries and fingerprint in one call."""
        return await self._run(_analyze, url, html, headers, topic_json, **options)

    async def _run(self, function: Callable[..., T], url: str, *args: Any, **options: Any) -> T:
        if self.processes == 0 or self._inline_left > 0:
            self._inline_left -= 1
            return function(url, *args, **options)
        executor = await self._executor_for_next_page()
        try:
            return await asyncio.wrap_future(executor.submit(function, url, *args, **options))
        except BrokenProcessPool as error:
            if self._executor is executor:  # not when the broken one is a set already being replaced
                self._executor = None
            executor.shutdown(wait=False, cancel_futures=True)
            raise ExtractionCrashed(f"the extraction process died while normalizing {url}") from error

    async def _executor_for_next_page(self) -> ProcessPoolExecutor:
        """The workers, replaced by fresh ones (after their pages in flight) every ``recycle_after`` pages."""
        while self._recycling is not None and not self._recycling.done():
            await asyncio.shield(self._recycling)
        if self._executor is not None and self._pages_in_executor >= self._recycle_after:
            worn, self._executor = self._executor, None
            self._recycling = asyncio.ensure_future(asyncio.to_thread(worn.shutdown, wait=True))
            await asyncio.shield(self._recycling)
        if self._executor is None:
            self._pages_in_executor = 0
        self._pages_in_executor += 1
        return self._ensure_executor()

    def _ensure_executor(self) -> ProcessPoolExecutor:
        if self._executor is None:
            _release_models()
            return_big_buffers_to_the_os()
            os.environ[MAIN_SCRIPT_VARIABLE] = spawn.get_preparation_data("worker").get("init_main_from_path", "")
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(_PRELOADED)
            self._executor = ProcessPoolExecutor(self.processes, mp_context=context, initializer=_watch,
                                                 initargs=(os.getpid(),))
        return self._executor

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


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
    """Have glibc's malloc map every block of 128 KiB or more on its own and unmap it when freed.

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
    """In a worker: exit as soon as the crawl process ``crawl_pid`` is gone."""
    return_big_buffers_to_the_os()

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
