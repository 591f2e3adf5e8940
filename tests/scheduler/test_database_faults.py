"""Database outages and killed crawls: nothing lost, nothing stored twice.

Each test crawls the newsroom's ``/__faults/many/`` feed (N distinct relevant
articles, each served slowly) with one article per transaction, breaks the
database or the crawl process half-way, and checks the stored set, the runs
and what was requested again.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from storage.models import Article, CrawlRun, RunStatus
from storage.session import make_engine
from tests.newsroom.fixture import Newsroom
from tests.scheduler.test_crawl_end_to_end import ACCORDS, TERMS, accords
from tests.support.databases import POSTGRES_ADMIN_URL, throwaway_database

ARTICLES = 30
SITE = "maghreb-news"


def many_config(folder: Path, newsroom: Newsroom, database_url: str, delay: float, retry_seconds: float = 300) -> Path:
    feed = newsroom.url(SITE, f"/__faults/many/feed.xml?n={ARTICLES}&delay={delay:g}")
    config = folder / "accords.toml"
    config.write_text(
        f'[database]\nurl = "{database_url}"\nbatch_size = 1\nretry_seconds = {retry_seconds}\n'
        f"[topic]\nterms = {json.dumps(TERMS, ensure_ascii=False)}\n"
        "[crawl]\ndownload_delay = 0\nconcurrent_requests_per_domain = 2\n"
        f'[[sources]]\nname = "many"\nfeeds = ["{feed}"]\n',
        encoding="utf-8",
    )
    return config


def expected_urls(newsroom: Newsroom, delay: float) -> set[str]:
    return {newsroom.url(SITE, f"/__faults/many/{i}.html?delay={delay:g}") for i in range(ARTICLES)}


def stored_urls(database_url: str) -> list[str]:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            return list(session.scalars(select(Article.canonical_url)))
    finally:
        engine.dispose()


def runs(database_url: str) -> list[CrawlRun]:
    engine = make_engine(database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            return list(session.scalars(select(CrawlRun).order_by(CrawlRun.id)))
    finally:
        engine.dispose()


def article_count(database_url: str) -> int:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(Article)) or 0
    except DBAPIError:  # the database under test, broken on purpose
        return -1
    finally:
        engine.dispose()


def start_crawl(config: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([ACCORDS, "--config", str(config), "crawl"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


def assert_every_article_stored_once(
    crawl: subprocess.Popen[str], newsroom: Newsroom, database_url: str, retried: bool
) -> None:
    """The crawl ends well, in one ``ok`` run that stored the whole set once."""
    output = crawl.communicate(timeout=120)
    assert crawl.returncode == 0, output
    urls = stored_urls(database_url)
    assert len(urls) == ARTICLES and set(urls) == expected_urls(newsroom, 0.2)
    (run,) = runs(database_url)
    assert run.status is RunStatus.OK and run.articles_stored == ARTICLES
    assert (run.stats.get("accords/database_retries", 0) >= 1) is retried


def rerun_completes_the_set(
    config: Path, newsroom: Newsroom, database_url: str, delay: float, stored_before: int
) -> CrawlRun:
    """A second crawl stores exactly the rest; the first run, left ``running``, is now ``abandoned`` (returned)."""
    second = accords(config, "crawl")
    assert second.returncode == 0, second.stdout + second.stderr
    urls = stored_urls(database_url)
    assert len(urls) == ARTICLES and set(urls) == expected_urls(newsroom, delay)
    first, completing = runs(database_url)
    assert first.status is RunStatus.ABANDONED
    assert completing.status is RunStatus.OK and completing.articles_stored == ARTICLES - stored_before
    return first


def requested_articles(newsroom: Newsroom, since: int) -> list[str]:
    return [path for path in newsroom.requests(SITE)[since:] if path.startswith("/__faults/many/")
            and not path.startswith("/__faults/many/feed.xml")]


def test_killed_crawl_is_abandoned_and_the_next_run_completes_the_set(
    newsroom: Newsroom, database_url: str, tmp_path: Path
) -> None:
    config = many_config(tmp_path, newsroom, database_url, delay=0.3)
    assert accords(config, "init-db").returncode == 0
    crawl = start_crawl(config)
    wait_until(lambda: article_count(database_url) >= 5, 60, "5 articles stored")
    crawl.send_signal(signal.SIGKILL)
    crawl.wait()
    before_kill = set(stored_urls(database_url))
    assert 5 <= len(before_kill) < ARTICLES
    assert [run.status for run in runs(database_url)] == [RunStatus.RUNNING]

    requests_before = len(newsroom.requests(SITE))
    killed = rerun_completes_the_set(config, newsroom, database_url, 0.3, len(before_kill))
    assert killed.error_text == f"left running: its crawl process ({crawl.pid} on {killed.host}) is gone"
    # what the killed run stored is not downloaded again
    refetched = {newsroom.url(SITE, path) for path in requested_articles(newsroom, requests_before)}
    assert refetched == expected_urls(newsroom, 0.3) - before_kill


@contextmanager
def postgres_outage(database: str) -> Iterator[Callable[[], None]]:
    """Close ``database`` to new connections and cut the open ones; the callable (and leaving) reopens it."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")

    def reopen() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true'))

    try:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false'))
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": database})
        yield reopen
    finally:
        reopen()
        admin.dispose()


def test_postgres_outage_mid_crawl_is_retried_and_loses_nothing(newsroom: Newsroom, tmp_path: Path) -> None:
    with throwaway_database("postgresql", tmp_path) as database_url:
        config = many_config(tmp_path, newsroom, database_url, delay=0.2)
        assert accords(config, "init-db").returncode == 0
        crawl = start_crawl(config)
        wait_until(lambda: article_count(database_url) >= 4, 60, "4 articles stored")
        with postgres_outage(str(make_url(database_url).database)):
            time.sleep(4)
            assert crawl.poll() is None  # the crawl waits for the database
        assert_every_article_stored_once(crawl, newsroom, database_url, retried=True)


def test_postgres_outage_past_the_retry_budget_fails_the_run_and_the_next_run_stores_the_rest(
    newsroom: Newsroom, tmp_path: Path
) -> None:
    with throwaway_database("postgresql", tmp_path) as database_url:
        config = many_config(tmp_path, newsroom, database_url, delay=0.2, retry_seconds=2)
        assert accords(config, "init-db").returncode == 0
        crawl = start_crawl(config)
        wait_until(lambda: article_count(database_url) >= 4, 60, "4 articles stored")
        with postgres_outage(str(make_url(database_url).database)):
            stdout, stderr = crawl.communicate(timeout=120)
        assert crawl.returncode == 1, stdout + stderr
        assert "many: failed" in stdout and "the database was unavailable for 2 s" in stdout, stdout
        assert "crawl stopped: database_unavailable" in stdout, stdout
        before = set(stored_urls(database_url))
        assert 4 <= len(before) < ARTICLES
        # the run could not be recorded while the database was away: still ``running``
        assert [run.status for run in runs(database_url)] == [RunStatus.RUNNING]

        rerun_completes_the_set(config, newsroom, database_url, 0.2, len(before))


def test_sqlite_locked_by_another_writer_makes_the_crawl_wait(newsroom: Newsroom, tmp_path: Path) -> None:
    with throwaway_database("sqlite", tmp_path) as database_url:
        config = many_config(tmp_path, newsroom, database_url, delay=0.2)
        assert accords(config, "init-db").returncode == 0
        crawl = start_crawl(config)
        wait_until(lambda: article_count(database_url) >= 4, 60, "4 articles stored")
        other = sqlite3.connect(str(make_url(database_url).database), isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        locked_at = other.execute("SELECT count(*) FROM articles").fetchone()[0]
        time.sleep(5)
        assert crawl.poll() is None  # the crawl is waiting for the lock
        other.execute("COMMIT")
        other.close()
        assert locked_at < ARTICLES
        assert_every_article_stored_once(crawl, newsroom, database_url, retried=False)


@contextmanager
def tiny_disk(folder: Path, megabytes: int) -> Iterator[Path]:
    """A tmpfs of ``megabytes`` mounted on ``folder`` (skips where mounting is not allowed)."""
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs to fill (needs root): {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(disk: Path) -> Path:
    """A file that takes every free byte of ``disk``."""
    filler = disk / "filler"
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    return filler


def test_sqlite_disk_full_mid_crawl_is_retried_once_space_is_back(newsroom: Newsroom, tmp_path: Path) -> None:
    with tiny_disk(tmp_path / "disk", 16) as disk:
        database_url = f"sqlite:///{disk / 'accords.db'}"
        config = many_config(tmp_path, newsroom, database_url, delay=0.2)
        assert accords(config, "init-db").returncode == 0
        crawl = start_crawl(config)
        wait_until(lambda: article_count(database_url) >= 4, 60, "4 articles stored")
        filler = fill(disk)
        time.sleep(4)
        assert crawl.poll() is None  # the crawl waits for space
        filler.unlink()
        assert_every_article_stored_once(crawl, newsroom, database_url, retried=True)
