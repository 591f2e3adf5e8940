"""End-to-end crawl throughput against the machine's limit: pages/s of ``accords crawl`` vs. bare extraction.

What it does, all in one run:

1. Builds a local news site of ``--pages`` distinct article pages (default 2,400) from the
   article-extraction-benchmark corpus: each page is a corpus page with "Abraham Accords" in its
   titles and a sentence about them opening its first paragraph, and every third word of its text
   (the added sentence's too, but for "Abraham Accords") marked with the page number, so that no
   two pages are copies of one another (no 4-word shingle is shared). A sitemap lists every page,
   an RSS feed the latest 50, robots.txt allows all. ``python -m http.server`` serves it on
   127.0.0.1 with HTTP/1.1 keep-alive, as news sites do. "site CPU ms/page" is that server's CPU
   during the crawl, per page: what the harness takes from the cores the crawl runs on.
2. Baseline: bare extraction of the same pages, ``trafilatura.bare_extraction(html, url=url,
   with_metadata=True)``, one process, pages/s of wall time.
3. One ``accords crawl`` of the site (politeness lifted for loopback: no delay, 16 requests at
   once, AutoThrottle off) into a fresh SQLite file and then a fresh PostgreSQL database, for each
   ``--processes`` setting (``[crawl] extraction_processes``; 0 is the single-core pipeline).
   Measured: wall time from process start to exit, pages/s, "steady" pages/s (from the moment a
   tenth of the articles were stored to the moment nine tenths were, the articles counted every
   0.25 s: the crawl without its start-up and its end, what a long backfill runs at, with its ratio
   to the same baseline), CPU seconds per page and peak
   memory (PSS, summed over the crawl process and its extraction workers) sampled from /proc,
   and the database writes' share of the run: "db share" is the wall time spent inside write
   transactions (``accords/database_seconds``; the database thread runs beside the crawl, and
   this time includes its waits for the GIL and for the server), "db CPU share" the CPU the writes
   cost (``accords/database_cpu_seconds``, plus for PostgreSQL the CPU of the server's processes
   during the crawl) over all the CPU of the run (crawl process, workers and database server).
   The server process that counts the articles for the steady rate is the bench's own: its CPU is
   left out of the server's and printed on its own ("counting CPU s").

The headline figure is end-to-end pages/s divided by the baseline's pages/s. The machine's speed
drifts within a run (by 10-40% on the development machine), so each crawl's ratio is taken to the
mean of two baselines of about one page in four (copies of every corpus page alike:
``baseline_sample``), one measured just before that crawl and one just after; the whole-site
baseline is printed once at the start.

Needs: Linux (/proc), the corpus (``../shared/corpus/article-extraction-benchmark``), and
for PostgreSQL a server at ``$ACCORDS_TEST_POSTGRES_URL`` (default the local one; a throwaway
database is created and dropped). Nothing leaves 127.0.0.1.

Run: ``.venv/bin/python -m bench.throughput [--pages 2400] [--processes 0 auto] [--databases sqlite postgresql]``
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import trafilatura
from sqlalchemy import Connection, func, select
from sqlalchemy import text as sql_text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bench.corpus import DEFAULT_CORPUS, CorpusPage, load_corpus
from bench.tree import NamedProcesses, ProcessTree, process_cpu_seconds
from crawler.config import load_config
from crawler.normalize import normalize
from crawler.relevance import TopicMatcher
from storage.models import Article, CrawlRun
from storage.session import make_engine
from tests.support.databases import throwaway_database

REPO = Path(__file__).resolve().parent.parent
ACCORDS = str(Path(sys.executable).with_name("accords"))
#: how often the crawl's processes are sampled (CPU time, memory), and every how many samples the
#: database server's (a sample every 0.1 s cost the crawl about 5% of a core)
SAMPLE_SECONDS = 0.25
SERVER_SAMPLE_EVERY = 4
TOPIC_SENTENCE = ("Officials said the agreement builds on the Abraham Accords, and supporters of the Abraham Accords "
                  "expect more normalization deals with Israel.")
_PLACEHOLDER = "QQTOPICQQ"
_TOPIC_WORDS = frozenset({"Abraham", "Accords"})
_TEXT = re.compile(r">([^<]+)<")
_WORD = re.compile(r"\w+")
_LEDE_WORDS = 6


@dataclass(frozen=True)
class Site:
    folder: Path
    base_url: str
    urls: list[str]
    #: how many corpus pages the ``urls`` are copies of (page ``n`` is a copy of corpus page ``n % distinct_pages``)
    distinct_pages: int


def topic_marked(page: CorpusPage) -> str | None:
    """``page`` with the topic in its titles and a placeholder opening its first body paragraph."""
    tree = lxml.html.fromstring(page.html.decode("utf-8", errors="replace"))
    lede = " ".join(_WORD.findall(page.true_body)[:_LEDE_WORDS])
    paragraph = next((p for p in tree.iter("p") if lede and lede in " ".join(_WORD.findall(p.text_content()))),
                     None)
    if paragraph is None:
        return None
    paragraph.text = f"{_PLACEHOLDER} {paragraph.text or ''}"
    for element in tree.xpath("//title | //h1"):
        element.text = f"Abraham Accords: {element.text or ''}"
    for meta in tree.xpath("//meta[@property='og:title' or @name='twitter:title']"):
        meta.set("content", f"Abraham Accords: {meta.get('content', '')}")
    return lxml.html.tostring(tree, encoding="unicode", doctype="<!DOCTYPE html>")


def distinct_copy(marked: str, number: int) -> str:
    """Every third word of the text marked with ``number``: no 4-word shingle is shared between copies."""
    count = 0

    def mark(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        word = match.group(0)
        return f"{word}{number}" if count % 3 == 0 and word not in _TOPIC_WORDS else word

    head, separator, body = marked.partition("<body")
    body = (separator + body).replace(_PLACEHOLDER, TOPIC_SENTENCE, 1)
    return head + _TEXT.sub(lambda m: ">" + _WORD.sub(mark, m.group(1)) + "<", body)


def usable_pages(pages: Sequence[CorpusPage], config_path: Path) -> list[str]:
    """The topic-marked corpus pages whose copy is an article judged relevant."""
    matcher = TopicMatcher(load_config(config_path).topic)
    usable = []
    for page in pages:
        marked = topic_marked(page)
        if marked is None:
            continue
        article = normalize(page.url, distinct_copy(marked, 0))
        verdict = matcher.judge(article.title, article.description, article.body, article.language)
        if article.is_article and verdict.relevant:
            usable.append(marked)
    return usable


def build_site(pages: Sequence[str], count: int, folder: Path, port: int) -> Site:
    base = f"http://127.0.0.1:{port}"
    (folder / "news").mkdir(parents=True)
    urls = []
    for number in range(count):
        path = f"/news/{number:05d}-story.html"
        (folder / path.lstrip("/")).write_text(distinct_copy(pages[number % len(pages)], number), encoding="utf-8")
        urls.append(base + path)
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    entries = "".join(f"<url><loc>{url}</loc><lastmod>{now}</lastmod></url>" for url in urls)
    (folder / "sitemap.xml").write_text(
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>',
        encoding="utf-8")
    items = "".join(f"<item><title>Story {i}</title><link>{url}</link><pubDate>"
                    f"{datetime.now(UTC):%a, %d %b %Y %H:%M:%S} +0000</pubDate></item>"
                    for i, url in enumerate(urls[-50:]))
    (folder / "feed.xml").write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>bench</title><link>{base}/</link>'
        f"<description>bench</description>{items}</channel></rss>", encoding="utf-8")
    (folder / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    return Site(folder, base, urls, len(pages))


def baseline_sample(site: Site, every: int) -> list[str]:
    """About one page in ``every`` of the site, copies of every corpus page alike.

    The stride is the first one from ``every`` up that shares no factor with the number of corpus
    pages: with 152 of them, every 4th page would be a copy of the same 38 (page ``n`` copies corpus
    page ``n % 152``). The four such sets took 17.0, 17.2, 18.4 and 20.8 ms a page, the whole site 18.6
    (bench/README.md, eleventh round)."""
    stride = next(step for step in itertools.count(every) if math.gcd(step, site.distinct_pages) == 1)
    return site.urls[::stride]


def baseline_rate(site: Site, every: int = 1) -> tuple[float, float]:
    """Pages/s and CPU ms/page of bare trafilatura extraction with metadata, in this process
    (of about one page in ``every`` of the site, ``baseline_sample``)."""
    pages = [(url, (site.folder / url.split("/", 3)[3]).read_text(encoding="utf-8"))
             for url in baseline_sample(site, every)]
    trafilatura.bare_extraction(pages[0][1], url=pages[0][0], with_metadata=True)  # warm up
    wall, cpu = time.perf_counter(), time.process_time()
    for url, text in pages:
        trafilatura.bare_extraction(text, url=url, with_metadata=True)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return len(pages) / wall, cpu / len(pages) * 1000


@dataclass(frozen=True)
class CrawlFigures:
    database: str
    processes: str
    stored: int
    seconds: float
    cpu_seconds: float
    peak_mib: float
    database_seconds: float
    #: CPU of the crawl process's write transactions (its database thread)
    database_cpu_seconds: float
    #: CPU of the database server's processes during the crawl (PostgreSQL; 0 for SQLite)
    server_cpu_seconds: float
    #: CPU of the process serving the site during the crawl
    site_cpu_seconds: float
    #: (seconds since the crawl started, articles stored by then), sampled during the crawl
    progress: tuple[tuple[float, int], ...] = ()
    #: CPU of the server process that counted the articles for ``progress`` (PostgreSQL; not in
    #: ``server_cpu_seconds``: the bench's own work)
    counting_cpu_seconds: float = 0.0

    @property
    def database_cpu_share(self) -> float:
        """The writes' share of all the CPU the run used, the database server's included."""
        return (self.database_cpu_seconds + self.server_cpu_seconds) / (self.cpu_seconds + self.server_cpu_seconds)

    @property
    def rate(self) -> float:
        return self.stored / self.seconds

    @property
    def steady_rate(self) -> float:
        """Pages/s from the sample where a tenth of the articles were stored to the one where nine tenths
        were: the crawl without its start (the processes' imports, the workers' models) and its end."""
        return steady_rate(self.progress, self.stored)


def steady_rate(progress: Sequence[tuple[float, int]], stored: int) -> float:
    """Articles per second between the first samples with a tenth and with nine tenths of ``stored``."""
    first = next(((at, count) for at, count in progress if count >= stored / 10), None)
    last = next(((at, count) for at, count in progress if count >= stored * 9 / 10), None)
    if first is None or last is None or last[0] <= first[0]:
        return float("nan")
    return (last[1] - first[1]) / (last[0] - first[0])


def crawl(site: Site, database_url: str, processes: str, folder: Path, site_server: int) -> CrawlFigures:
    config = folder / "accords.toml"
    setting = json.dumps(processes) if processes == "auto" else processes
    config.write_text(
        f'[database]\nurl = "{database_url}"\n'
        f"[topic]\n{_topic_table()}\n"
        "[crawl]\ndownload_delay = 0\nconcurrent_requests_per_domain = 16\nautothrottle = false\n"
        f"extraction_processes = {setting}\n"
        f'[[sources]]\nname = "bench"\nsitemaps = ["{site.base_url}/sitemap.xml"]\n'
        f'feeds = ["{site.base_url}/feed.xml"]\nmax_pages = {len(site.urls) + 10}\n',
        encoding="utf-8")
    assert subprocess.run([ACCORDS, "--config", str(config), "init-db"], capture_output=True).returncode == 0
    site_cpu = process_cpu_seconds(site_server)
    started = time.perf_counter()
    process = subprocess.Popen([ACCORDS, "--config", str(config), "crawl"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    tree = ProcessTree(process.pid)
    samples = 0
    progress = []
    watcher = make_engine(database_url)
    with watcher.connect() as counting:
        counting_backend = _backend_pid(counting)  # the bench's own work: left out of the server's CPU
        server = NamedProcesses("postgres", ignored=frozenset({counting_backend} if counting_backend else ()))
        while process.poll() is None:  # each sample reads /proc: a few ms of CPU taken from the crawl's cores
            tree.sample()
            if samples % SERVER_SAMPLE_EVERY == 0:
                server.sample()
            progress.append((time.perf_counter() - started, _articles_stored(counting)))
            samples += 1
            time.sleep(SAMPLE_SECONDS)
        server.sample()
    watcher.dispose()
    seconds = time.perf_counter() - started
    site_cpu = process_cpu_seconds(site_server) - site_cpu
    out, err = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"the crawl failed ({process.returncode}):\n{out}\n{err}")
    engine = make_engine(database_url)
    with Session(engine) as session:
        stored = session.scalar(select(func.count()).select_from(Article)) or 0
        stats = session.scalars(select(CrawlRun.stats)).one()
    engine.dispose()
    database = database_url.split(":")[0].split("+")[0]
    return CrawlFigures(database, processes, stored, seconds, tree.cpu_seconds, tree.peak_pss_mib,
                        float(stats.get("accords/database_seconds", 0.0)),
                        float(stats.get("accords/database_cpu_seconds", 0.0)),
                        server.cpu_seconds if database == "postgresql" else 0.0, site_cpu, tuple(progress),
                        server.ignored_cpu_seconds)


def _articles_stored(connection: Connection) -> int:
    """Articles stored so far (0 before the crawl has created its run, or while the database is busy); the
    read transaction ends at once (an open one would hold back SQLite's checkpoints)."""
    try:
        return connection.scalar(select(func.count()).select_from(Article)) or 0
    except OperationalError:
        return 0
    finally:
        connection.rollback()


def _backend_pid(connection: Connection) -> int | None:
    """The PostgreSQL server process serving ``connection`` (None on SQLite)."""
    if connection.dialect.name != "postgresql":
        return None
    pid = connection.scalar(sql_text("SELECT pg_backend_pid()"))
    connection.rollback()
    return int(pid) if pid is not None else None


def _topic_table() -> str:
    topic = load_config(REPO / "accords.toml").topic
    return (f"terms = {json.dumps(list(topic.terms), ensure_ascii=False)}\n"
            f"min_score = {topic.min_score}\n")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def corpus_site(corpus: Path, count: int, folder: Path) -> tuple[list[str], Site, int]:
    """The usable topic-marked corpus pages, and a site of ``count`` distinct copies in ``folder``/site
    for a free port (not served yet)."""
    topic_config = folder / "topic.toml"
    topic_config.write_text(f"[topic]\n{_topic_table()}", encoding="utf-8")
    pages = usable_pages(load_corpus(corpus), topic_config)
    port = free_port()
    return pages, build_site(pages, count, folder / "site", port), port


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--pages", type=int, default=2400)
    parser.add_argument("--processes", nargs="+", default=["0", "auto"])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="accords-throughput-") as temp:
        folder = Path(temp)
        pages, site, port = corpus_site(args.corpus, args.pages, folder)
        server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                                   "--protocol", "HTTP/1.1", "--directory", str(site.folder)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(1)
            base_rate, base_cpu_ms = baseline_rate(site)
            print(f"machine: {os.cpu_count()} cores; corpus pages usable: {len(pages)} of 181; "
                  f"site: {len(site.urls)} article pages")
            print(f"baseline (bare trafilatura with metadata, one process): {base_rate:.1f} pages/s, "
                  f"{base_cpu_ms:.1f} ms CPU/page")
            print("each crawl's ratio is to the mean of a baseline of one page in 4 measured just before it and "
                  "one just after (the machine's speed drifts by 10-40% within a run)")
            print(f"{'database':<10} {'processes':>9} {'stored':>6} {'seconds':>7} {'pages/s':>7} {'baseline':>8} "
                  f"{'ratio':>5} {'steady':>6} {'ratio':>5} {'CPU ms/page':>11} {'peak MiB':>8} {'db share':>8} "
                  f"{'db CPU share':>12} "
                  f"{'site CPU ms/page':>16} {'counting CPU s':>14}")
            for database in args.databases:
                for processes in args.processes:
                    run_folder = folder / f"{database}-{processes}"
                    run_folder.mkdir()
                    before, _ = baseline_rate(site, every=4)
                    with throwaway_database(database, run_folder) as url:
                        figures = crawl(site, url, processes, run_folder, server.pid)
                    after, _ = baseline_rate(site, every=4)
                    near_rate = (before + after) / 2
                    print(f"{figures.database:<10} {processes:>9} {figures.stored:>6} {figures.seconds:7.1f} "
                          f"{figures.rate:7.1f} {near_rate:8.1f} {figures.rate / near_rate:5.2f} "
                          f"{figures.steady_rate:6.1f} {figures.steady_rate / near_rate:5.2f} "
                          f"{figures.cpu_seconds / max(figures.stored, 1) * 1000:11.1f} {figures.peak_mib:8.0f} "
                          f"{figures.database_seconds / figures.seconds:8.1%} "
                          f"{figures.database_cpu_share:12.1%} "
                          f"{figures.site_cpu_seconds / max(figures.stored, 1) * 1000:16.1f} "
                          f"{figures.counting_cpu_seconds:14.2f}", flush=True)
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
