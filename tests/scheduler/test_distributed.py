"""``[distributed]``: one scheduler and several ``accords worker`` processes over Redis and one PostgreSQL.

Everything runs for real on loopback: the newsroom, a private ``redis-server``, throwaway PostgreSQL
databases, and the scheduler and workers as subprocesses.
"""

from __future__ import annotations

import os
import signal
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from storage.models import Article, CrawlDispatch, CrawlRun, DispatchState, RunStatus, Source
from storage.session import make_engine
from tests.newsroom.faults import many_article_title
from tests.newsroom.fixture import Newsroom
from tests.scheduler.test_crawl_end_to_end import accords
from tests.scheduler.test_crawl_end_to_end import write_config as write_newsroom_config
from tests.support.databases import throwaway_database
from tests.support.service import Service, crawl_process_ids, wait_for
from tests.support.workers import PrivateRedis, Worker, private_redis

StoredSet = set[tuple[str, str, str]]


@pytest.fixture
def postgres_url(tmp_path: Path) -> Iterator[str]:
    with throwaway_database("postgresql", tmp_path) as url:
        yield url


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    with private_redis(tmp_path) as running:
        yield running


def distributed(config: Path, redis: PrivateRedis, service: str = "", distributed: str = "") -> Path:
    """The config with schedules starting now, and ``[distributed]`` on over the private broker."""
    text = config.read_text(encoding="utf-8")
    head, sources = text.split("[[sources]]", 1)
    path = config.with_name("distributed.toml")
    path.write_text(f'{head}[service]\nlisten = "127.0.0.1:0"\njitter = 0\n{service}\n'
                    f'[distributed]\nenabled = true\nbroker_url = "{redis.url}"\nqueue = "accords-test"\n'
                    f"{distributed}\n[[sources]]{sources}", encoding="utf-8")
    return path


def stored_set(database_url: str) -> StoredSet:
    """(source, canonical URL, title) of every stored article."""
    engine = make_engine(database_url)
    with Session(engine) as session:
        rows = session.execute(select(Source.name, Article.canonical_url, Article.title).join(Source)).all()
    engine.dispose()
    return {(source, url, title) for source, url, title in rows}


def stories(database_url: str) -> set[frozenset[str]]:
    """The stored articles grouped by story, as sets of canonical URLs."""
    engine = make_engine(database_url)
    member = aliased(Article)
    with Session(engine) as session:
        rows = session.execute(select(member.story_id, member.canonical_url)).all()
    engine.dispose()
    grouped: dict[int | None, set[str]] = {}
    for story, url in rows:
        grouped.setdefault(story, set()).add(url)
    return {frozenset(urls) for urls in grouped.values()}


def dispatch_rows(database_url: str) -> list[tuple[str, DispatchState, int, RunStatus | None]]:
    """(source, state, deliveries, final run status) of each dispatch, in order."""
    engine = make_engine(database_url)
    with Session(engine) as session:
        rows = session.execute(
            select(Source.name, CrawlDispatch.state, CrawlDispatch.deliveries, CrawlRun.status)
            .join(Source, Source.id == CrawlDispatch.source_id)
            .join(CrawlRun, CrawlRun.id == CrawlDispatch.run_id, isouter=True).order_by(CrawlDispatch.id)
        ).all()
    engine.dispose()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def run_rows(database_url: str) -> list[tuple[str, RunStatus, str | None]]:
    engine = make_engine(database_url)
    with Session(engine) as session:
        rows = session.execute(select(Source.name, CrawlRun.status, CrawlRun.error_text).join(Source)
                               .order_by(CrawlRun.id)).all()
    engine.dispose()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def stop_all(*processes: Service | Worker) -> None:
    for process in processes:
        process.kill()


def test_three_workers_store_exactly_what_one_process_stores(
    newsroom: Newsroom, redis: PrivateRedis, postgres_url: str, tmp_path: Path
) -> None:
    extra = (f'[[sources]]\nname = "israel-extra"\nfeeds = ["{newsroom.url("israel-daily", "/__extra/feed.xml")}"]\n'
             f'[[sources]]\nname = "wire-extra"\nfeeds = ["{newsroom.url("global-wire", "/__extra/feed.xml")}"]\n')
    with throwaway_database("postgresql", tmp_path / "single") as single_url:
        (tmp_path / "single").mkdir(exist_ok=True)
        single = accords(write_newsroom_config(tmp_path / "single", newsroom, single_url, extra), "crawl")
        assert single.returncode == 0, single.stdout + single.stderr
        expected, expected_stories = stored_set(single_url), stories(single_url)
    assert len(expected) == 12

    config = distributed(write_newsroom_config(tmp_path, newsroom, postgres_url, extra), redis)
    workers = [Worker(config) for _ in range(3)]
    service = Service(config)
    try:
        done = wait_for(lambda: (rows := dispatch_rows(postgres_url)) and len(rows) == 5
                        and all(row[1] is DispatchState.DONE for row in rows) and rows, 120,
                        "every source's dispatched crawl to be done", service.output)
        assert sorted(done) == [(name, DispatchState.DONE, 1, RunStatus.OK) for name in
                                ("global-wire", "israel-daily", "israel-extra", "maghreb-news", "wire-extra")]
        assert service.stop() == 0
    finally:
        stop_all(service, *workers)
    assert stored_set(postgres_url) == expected
    assert stories(postgres_url) == expected_stories
    assert [status for _, status, _ in run_rows(postgres_url)] == [RunStatus.OK] * 5
    assert len(set(worker_names(postgres_url))) >= 2, "one worker ran every crawl"


def worker_names(database_url: str) -> list[str]:
    engine = make_engine(database_url)
    with Session(engine) as session:
        names = session.scalars(select(CrawlDispatch.worker).order_by(CrawlDispatch.id)).all()
    engine.dispose()
    return [name for name in names if name]


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def status(config: Path) -> subprocess.CompletedProcess[str]:
    return accords(config, "status")


def many_feed_config(tmp_path: Path, newsroom: Newsroom, database_url: str, redis: PrivateRedis, feed: str,
                     schedule: str, service: str = "", extra: str = "") -> Path:
    base = tmp_path / "base.toml"
    base.write_text(f'[database]\nurl = "{database_url}"\nbatch_size = 1\n[topic]\nterms = ["Abraham Accords"]\n'
                    "[crawl]\ndownload_delay = 0\nretry_times = 0\n"
                    f'[[sources]]\nname = "many"\nfeeds = ["{feed}"]\nschedule = "{schedule}"\n', encoding="utf-8")
    return distributed(base, redis, service, extra)


def test_a_worker_killed_mid_crawl_loses_nothing(
    newsroom: Newsroom, redis: PrivateRedis, postgres_url: str, tmp_path: Path
) -> None:
    feed = newsroom.url("global-wire", "/__faults/many/feed.xml?n=12&delay=1")
    # 12 pages answered after a second each: a crawl lasts about 15 s, more on a loaded machine (a
    # 15 s timeout was too tight); the visibility timeout must exceed it by 15 s
    config = many_feed_config(tmp_path, newsroom, postgres_url, redis, feed, "every 1h", "crawl_timeout = 25\n",
                              "visibility_timeout = 40\n")
    workers = [Worker(config), Worker(config)]
    service = Service(config)
    try:
        crawl = wait_for(lambda: crawl_process_ids("many"), 30, "the crawl to start", service.output)[0]
        victim = next(worker for worker in workers if worker.process.pid == parent_of(crawl))
        wait_for(lambda: len(stored_set(postgres_url)) >= 2, 20, "the first articles to be stored")
        victim.process.send_signal(signal.SIGKILL)
        victim.process.wait()
        wait_for(lambda: _gone(crawl), 10, "the killed worker's crawl to die with it")
        done = wait_for(lambda: (rows := dispatch_rows(postgres_url)) and rows[0][1] is DispatchState.DONE and rows,
                        90, "the task to be delivered again and finished", service.output)
        assert done == [("many", DispatchState.DONE, 2, RunStatus.OK)], (
            f"{run_rows(postgres_url)}\n" + "\n".join(worker.output() for worker in workers))
    finally:
        stop_all(service, *workers)
    runs = run_rows(postgres_url)
    assert [(name, run_status) for name, run_status, _ in runs] == [("many", RunStatus.ABANDONED),
                                                                     ("many", RunStatus.OK)]
    assert f"its worker ({os.uname().nodename} pid {victim.process.pid}) died mid-crawl" in (runs[0][2] or "")
    titles = [title for _, _, title in stored_set(postgres_url)]
    assert sorted(titles) == sorted(many_article_title(i) for i in range(12))


def _gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True


def test_killing_the_active_scheduler_hands_over_to_the_standby(
    newsroom: Newsroom, redis: PrivateRedis, postgres_url: str, tmp_path: Path
) -> None:
    config = many_feed_config(tmp_path, newsroom, postgres_url, redis,
                              newsroom.url("israel-daily", "/feed.xml"), "every 2s")
    worker = Worker(config)
    active = Service(config)
    wait_for(lambda: any("distributed: crawls go to the workers" in line for line in active.lines), 20,
             "the first scheduler to be active", active.output)
    standby = Service(config)
    try:
        wait_for(lambda: any(f"held by the scheduler on {os.uname().nodename} pid {active.process.pid}"
                             in line for line in standby.lines), 20, "the second scheduler to wait", standby.output)
        with urllib.request.urlopen(standby.base_url + "/healthz", timeout=10) as response:
            assert (response.status, response.read()) == (200, b"standby\n")
        report = status(config).stdout
        assert f"scheduler: active on {os.uname().nodename} pid {active.process.pid}, 1 standby" in report
        wait_for(lambda: any(row[1] is DispatchState.DONE for row in dispatch_rows(postgres_url)), 30,
                 "a crawl by the first scheduler's dispatch", active.output)

        active.process.send_signal(signal.SIGKILL)
        active.process.wait()
        before = len(dispatch_rows(postgres_url))
        wait_for(lambda: any("took over" in line for line in standby.lines), 15, "the standby to take over",
                 standby.output)
        wait_for(lambda: [row for row in dispatch_rows(postgres_url)[before:] if row[1] is DispatchState.DONE], 30,
                 "a crawl dispatched by the new active scheduler", standby.output)
        assert f"scheduler: active on {os.uname().nodename} pid {standby.process.pid}, 0 standby" in (
            status(config).stdout)
        assert standby.stop() == 0
    finally:
        stop_all(active, standby, worker)
    statuses = [run_status for _, run_status, _ in run_rows(postgres_url)]
    # every crawl ended ok, but for one the worker may have been running when the test killed it
    assert set(statuses[:-1]) == {RunStatus.OK} and statuses[-1] in (RunStatus.OK, RunStatus.RUNNING)


def test_a_broker_outage_delays_crawls_is_reported_and_loses_none(
    newsroom: Newsroom, redis: PrivateRedis, postgres_url: str, tmp_path: Path
) -> None:
    config = many_feed_config(tmp_path, newsroom, postgres_url, redis,
                              newsroom.url("israel-daily", "/feed.xml"), "every 2s", "crawl_timeout = 15\n",
                              "visibility_timeout = 30\nsend_retry_seconds = 1\n")
    worker = Worker(config)
    service = Service(config)
    try:
        wait_for(lambda: any(row[1] is DispatchState.DONE for row in dispatch_rows(postgres_url)), 30,
                 "a first crawl", service.output)
        redis.stop()
        waiting = wait_for(lambda: (result := status(config)).returncode == 1 and "BROKER UNREACHABLE" in result.stdout
                           and result.stdout, 60, "accords status to report the outage", service.output)
        assert "BROKER UNREACHABLE: 1 due crawl(s) wait to be sent" in waiting
        wait_for(lambda: any("broker unreachable" in line for line in service.lines), 10, "the service's warning")
        # two more schedule times pass: still one crawl of the source waits, not one per missed time
        wait_for(lambda: sum("has not started yet" in line for line in service.lines) >= 2, 20,
                 "two more due times during the outage", service.output)
        assert [row[1] for row in dispatch_rows(postgres_url)].count(DispatchState.WAITING) == 1
        with urllib.request.urlopen(service.base_url + "/metrics", timeout=10) as response:
            assert 'accords_crawl_dispatches{state="waiting"} 1.0' in response.read().decode()

        redis.start()
        wait_for(lambda: any("broker reachable again" in line for line in service.lines), 20,
                 "the waiting crawl to be sent", service.output)
        wait_for(lambda: status(config).returncode == 0, 30, "accords status to be content again", service.output)
        assert service.stop() == 0
        wait_for(lambda: all(row[1] is DispatchState.DONE for row in dispatch_rows(postgres_url)), 60,
                 "every dispatched crawl, the delayed one included, to be done", worker.output)
    finally:
        stop_all(service, worker)
    rows = dispatch_rows(postgres_url)
    done = [row for row in rows if row[1] is DispatchState.DONE]
    assert len(done) >= 2 and all(run_status is RunStatus.OK for _, _, _, run_status in done)
    assert rows[-1][1] is DispatchState.DONE  # the crawl that waited out the outage ran
    assert len(done) == len(rows)
    stopped = status(config)
    assert stopped.returncode == 1 and "NO ACTIVE SCHEDULER" in stopped.stdout
