"""Normalizing pages in worker processes gives what normalizing in the crawl process gives."""

from __future__ import annotations

import asyncio
import ctypes
import gc
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import trafilatura.external

from crawler._language import _identifier
from crawler.analysis import load_models
from crawler.extraction import PAGES_PER_WORKER, ExtractionCrashed, ExtractionPool, _glibc, resolved_processes
from crawler.normalize import normalize
from crawler.urls import QueryRules
from storage.processes import process_alive

PAGES = Path(__file__).parent / "pages"
URL = "https://www.almadar.example/2026/09/abraham-accords-anniversary.html"


def page() -> str:
    return (PAGES / "ar-almadar-abraham-accords-anniversary.html").read_text(encoding="utf-8")


def test_auto_means_one_worker_per_core_when_there_are_several() -> None:
    cores = len(os.sched_getaffinity(0))
    assert resolved_processes("auto") == (cores if cores > 1 else 0)
    assert resolved_processes(3) == 3 and resolved_processes(0) == 0


@pytest.mark.parametrize("processes", [0, 2])
def test_workers_return_what_the_crawl_process_computes(processes: int) -> None:
    options = {"rules": QueryRules(), "language_hint": "ar", "timezone": ZoneInfo("Asia/Dubai")}
    pool = ExtractionPool(processes, start_after=0)
    try:
        article = asyncio.run(pool.normalize(URL, page(), {"Content-Language": "ar"}, **options))
    finally:
        pool.close()
    assert article == normalize(URL, page(), {"Content-Language": "ar"}, **options)
    assert article.is_article and article.language == "ar" and article.word_count > 50


def _page_taking(_url: str, seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


@pytest.mark.parametrize("busy", [True, False], ids=["during a page", "between pages"])
def test_a_dead_worker_costs_only_its_page_in_flight_and_the_next_page_gets_a_new_worker(busy: bool) -> None:
    pool = ExtractionPool(1, start_after=0)

    async def scenario() -> None:
        first = await pool.normalize(URL, page(), {})
        assert first.is_article
        killed = pool.worker_pids()
        assert len(killed) == 1
        in_flight = asyncio.ensure_future(pool._run(_page_taking, URL, 30)) if busy else None
        await asyncio.sleep(0.5)
        os.kill(killed[0], signal.SIGKILL)  # as a crash would
        if in_flight is not None:
            with pytest.raises(ExtractionCrashed, match=f"the extraction process died while normalizing {URL}"):
                await in_flight
        else:
            await asyncio.sleep(0.5)  # the event loop reads the socket's end: no page is sent to the dead worker
        again = await pool.normalize(URL, page(), {})
        assert again == first and pool.worker_pids() != killed

    try:
        asyncio.run(scenario())
    finally:
        pool.close()


def test_the_first_pages_are_normalized_in_the_crawl_process() -> None:
    pool = ExtractionPool(2, start_after=2)

    async def scenario() -> None:
        for _ in range(2):
            await pool.normalize(URL, page(), {})
            assert not pool.started
        await pool.normalize(URL, page(), {})
        assert pool.started

    try:
        asyncio.run(scenario())
    finally:
        pool.close()


def test_workers_exit_when_their_crawl_process_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "crawl.py"
    script.write_text(
        "import asyncio, time\n"
        "from crawler.extraction import ExtractionPool\n"
        "if __name__ == '__main__':\n"
        "    pool = ExtractionPool(2, start_after=0)\n"
        f"    html = open({str(PAGES / 'ar-almadar-abraham-accords-anniversary.html')!r}).read()\n"
        "    async def both():\n"
        f"        await asyncio.gather(pool.normalize({URL!r}, html, {{}}), pool.normalize({URL!r}, html, {{}}))\n"
        "    asyncio.run(both())\n"
        "    print(' '.join(str(pid) for pid in pool.worker_pids()), flush=True)\n"
        "    time.sleep(600)\n", encoding="utf-8")
    crawl = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                             cwd=Path(__file__).resolve().parents[2])
    assert crawl.stdout is not None
    try:
        workers = [int(pid) for pid in crawl.stdout.readline().split()]
    finally:
        crawl.kill()
        crawl.wait()
    assert len(workers) == 2
    deadline = time.monotonic() + 10
    while any(process_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(process_alive(pid) for pid in workers)


def test_workers_do_not_run_the_crawl_processs_main_script(tmp_path: Path) -> None:
    """multiprocessing would have each worker run the script (for ``accords``: import the whole CLI)."""
    runs = tmp_path / "runs.txt"
    script = tmp_path / "crawl.py"
    script.write_text(
        "import asyncio\n"
        f"with open({str(runs)!r}, 'a') as runs:\n"
        "    runs.write(__name__ + '\\n')\n"
        "from crawler.extraction import ExtractionPool\n"
        "if __name__ == '__main__':\n"
        "    pool = ExtractionPool(2, start_after=0, recycle_after=1)\n"
        f"    html = open({str(PAGES / 'ar-almadar-abraham-accords-anniversary.html')!r}).read()\n"
        "    async def pages():\n"
        f"        return await asyncio.gather(*(pool.normalize({URL!r}, html, {{}}) for _ in range(3)))\n"
        "    print(all(article.is_article for article in asyncio.run(pages())))\n"
        "    pool.close()\n", encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[2], timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "True\n"
    assert runs.read_text() == "__main__\n"  # before: one "__mp_main__" line per worker started


def _worker_state(_url: str) -> tuple[int, int, bool]:
    """In a worker, before any page: is the language model loaded, how many objects are frozen, are stop words loaded."""
    return _identifier.cache_info().currsize, gc.get_freeze_count(), trafilatura.external.JT_STOPLIST is not None


def test_workers_start_with_the_models_the_forkserver_loaded_and_release_the_crawl_processs() -> None:
    pool = ExtractionPool(1, start_after=1)

    async def scenario() -> tuple[int, int, bool]:
        load_models()  # as an inline page in a language it does not declare would
        await pool.normalize(URL, page(), {})  # inline
        assert _identifier.cache_info().currsize == 1
        return await pool._run(_worker_state, URL)

    try:
        loaded, frozen, stop_words = asyncio.run(scenario())
    finally:
        pool.close()
    assert (loaded, stop_words) == (1, True) and frozen > 40_000  # the preload froze its objects: about 55,000
    assert _identifier.cache_info().currsize == 0 and trafilatura.external.JT_STOPLIST is None
    assert normalize(URL, page(), {}).language == "ar"  # both load again on use


#: far more than the free space the crawl process's heap holds by then (under 1 MiB in all): malloc takes a
#: block from free space first, whatever its size, and a 300 KB block once came from space the imports had
#: left; under the 32 MiB up to which glibc raises its threshold, so that a worker takes it from its heap
_BIG_BLOCK_BYTES = 16_000_000


def _big_block_from_the_heap(_url: str) -> bool:
    """Whether a big block comes from malloc's heap once one of that size was freed (glibc's default),
    not from a mapping of its own (``return_big_buffers_to_the_os``)."""
    freed = bytearray(_BIG_BLOCK_BYTES)
    del freed
    block = bytearray(_BIG_BLOCK_BYTES)
    address = ctypes.addressof(ctypes.c_char.from_buffer(block))
    with open("/proc/self/maps", encoding="ascii") as maps:
        heap = [[int(bound, 16) for bound in line.split()[0].split("-")] for line in maps
                if line.rstrip().endswith("[heap]")]  # one line or more, as it grew
    return any(start <= address < end for start, end in heap)


@pytest.mark.skipif(_glibc() is None or not Path("/proc/self/maps").exists(), reason="glibc's malloc on Linux")
def test_only_the_crawl_process_maps_each_big_block_of_its_own() -> None:
    """The crawl process runs for the whole crawl and unmaps every big block it frees; a worker lasts
    ``RECYCLE_AFTER_PAGES`` pages and keeps glibc's default, without a page fault per page of each block."""
    output = output_of_a_crawl_process("""
        from tests.crawler.test_extraction import _big_block_from_the_heap
        pool = ExtractionPool(1, start_after=0)
        in_worker = asyncio.run(pool._run(_big_block_from_the_heap, URL))
        print(in_worker, _big_block_from_the_heap(URL))
        pool.close()
    """)
    assert output.split("\n")[0] == "True False"


def output_of_a_crawl_process(body: str) -> str:
    """Run ``body`` as the main script of a fresh process (a crawl process of its own), with ``html``
    the Arabic fixture page and ``URL`` its address; what it prints."""
    script = (
        "import asyncio, sys\n"
        "from crawler.extraction import ExtractionPool\n"
        f"URL = {URL!r}\n"
        "if __name__ == '__main__':\n"
        f"    html = open({str(PAGES / 'ar-almadar-abraham-accords-anniversary.html')!r}).read()\n"
        + textwrap.indent(textwrap.dedent(body), "    "))
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[2], timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_crawl_expecting_many_pages_starts_the_pool_at_once_and_never_loads_trafilatura() -> None:
    output = output_of_a_crawl_process("""
        pool = ExtractionPool(1, start_after=20)
        pool.expect(19)
        assert pool._inline_left == 20
        pool.expect(20)
        article = asyncio.run(pool.normalize(URL, html, {}))
        print(article.is_article, pool.started,
              [m for m in ('trafilatura', 'py3langid', 'numpy') if m in sys.modules])
        pool.close()
    """)
    assert output.split("\n")[0] == "True True []"


def test_a_forkserver_started_early_is_the_one_the_workers_come_from() -> None:
    """``start_forkserver`` returns at once (the crawl process loads nothing itself), and the pool's
    workers are then forked from that forkserver, not from one the pool starts."""
    output = output_of_a_crawl_process("""
        import multiprocessing.forkserver, os
        from crawler.extraction import start_forkserver
        start_forkserver()
        early = multiprocessing.forkserver._forkserver._forkserver_pid
        pool = ExtractionPool(2, start_after=0)
        async def scenario():
            return await asyncio.gather(*(pool._run(eval, '__import__("os").getppid()') for _ in range(4)))
        parents = set(asyncio.run(scenario()))
        print(early is not None, parents == {early}, multiprocessing.forkserver._forkserver._forkserver_pid == early,
              [m for m in ('trafilatura', 'py3langid', 'numpy') if m in sys.modules])
        pool.close()
    """)
    assert output.split("\n")[0] == "True True True []"


def test_workers_load_neither_scrapy_nor_sqlalchemy() -> None:
    """The forkserver imports only what extraction needs: Scrapy, Twisted and SQLAlchemy would add
    about 45 MiB and half a second to it, shared by every worker."""
    output = output_of_a_crawl_process("""
        from crawler.config import load_config
        topic = load_config('accords.toml').topic.model_dump_json()
        pool = ExtractionPool(1, start_after=0)
        async def scenario():
            analysis = await pool.analyze(URL, html, {}, topic)
            loaded = await pool._run(eval, 'sorted(m for m in ("scrapy", "twisted", "sqlalchemy", "trafilatura") '
                                           'if m in __import__("sys").modules)')
            return analysis.article.is_article, loaded
        print(*asyncio.run(scenario()))
        pool.close()
    """)
    assert output.strip() == "True ['trafilatura']"


def test_a_small_crawl_keeps_its_pages_inline() -> None:
    pool = ExtractionPool(2, start_after=3)
    pool.expect(2)

    async def scenario() -> None:
        await pool.normalize(URL, page(), {})
        assert not pool.started

    try:
        asyncio.run(scenario())
    finally:
        pool.close()


def _worker_pid(_url: str) -> int:
    return os.getpid()


def _slow_page(_url: str) -> int:
    time.sleep(0.05)
    return os.getpid()


def test_each_worker_has_at_most_pages_per_worker_sent_to_it() -> None:
    """The other pages wait in the crawl process: a worker being replaced has few left to finish."""
    pool = ExtractionPool(2, start_after=0)
    seen: list[list[int]] = []

    async def scenario() -> list[int]:
        pages = asyncio.gather(*(pool._run(_slow_page, f"https://e.example/{i}") for i in range(16)))
        while not pages.done():
            await asyncio.sleep(0.01)
            seen.append([worker.in_flight for worker in pool._workers])
        return list(await pages)

    try:
        pids = asyncio.run(scenario())
    finally:
        pool.close()
    assert len(pids) == 16 and len(set(pids)) == 2
    assert max(max(counts) for counts in seen) == PAGES_PER_WORKER
    assert max(sum(counts) for counts in seen) == 2 * PAGES_PER_WORKER


def test_workers_are_replaced_by_fresh_ones_every_recycle_after_pages() -> None:
    """Many pages waiting at a replacement each go to the fresh workers (none spins, none is lost)."""
    pool = ExtractionPool(2, start_after=0, recycle_after=3)

    async def scenario() -> list[int]:
        return list(await asyncio.gather(*(pool._run(_worker_pid, f"https://e.example/{i}") for i in range(12))))

    try:
        pids = asyncio.run(scenario())
    finally:
        pool.close()
    assert len(pids) == 12 and len(set(pids)) >= 4  # at least four workers, three pages each at most
    assert max(pids.count(pid) for pid in pids) <= 3
    assert os.getpid() not in pids


def test_workers_are_replaced_one_at_a_time() -> None:
    """Two pages at a time, one per worker: at no pair of pages are both workers fresh ones."""
    pool = ExtractionPool(2, start_after=0, recycle_after=4)

    async def pairs() -> list[tuple[int, int]]:
        return [tuple(await asyncio.gather(*(pool._run(_worker_pid, f"https://e.example/{n}/{i}") for i in range(2))))
                for n in range(12)]

    try:
        served = asyncio.run(pairs())
    finally:
        pool.close()
    first, second = [pids[0] for pids in served], [pids[1] for pids in served]
    assert len(set(first)) == 3 and len(set(second)) == 4  # 12 pages each: 4 + 4 + 4, and 2 + 4 + 4 + 2
    replaced = [(a != b, c != d) for a, b, c, d in zip(first, first[1:], second, second[1:], strict=False)]
    assert (True, True) not in replaced and replaced.count((True, False)) == 2 and replaced.count((False, True)) == 3
