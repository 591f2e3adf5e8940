"""``accords serve`` against the local newsroom with second-level schedules, on both databases."""

from __future__ import annotations

import signal
import urllib.request
from datetime import datetime
from itertools import pairwise
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import CrawlRun, RunStatus, Source
from storage.session import make_engine
from tests.newsroom.fixture import Newsroom
from tests.support.service import Service, crawl_process_ids, kill_crawl, wait_for

Run = tuple[str, RunStatus, datetime, datetime | None, str | None]


def runs(database_url: str) -> list[Run]:
    engine = make_engine(database_url)
    with Session(engine) as session:
        rows = session.execute(
            select(Source.name, CrawlRun.status, CrawlRun.started_at, CrawlRun.finished_at, CrawlRun.error_text)
            .join(Source).order_by(CrawlRun.id)
        ).all()
    engine.dispose()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def of(source: str, database_url: str, status: RunStatus | None = None) -> list[Run]:
    return [r for r in runs(database_url) if r[0] == source and (status is None or r[1] is status)]


def write_config(folder: Path, newsroom: Newsroom, database_url: str, service: str, sources: str) -> Path:
    path = folder / "accords.toml"
    path.write_text(
        f'[database]\nurl = "{database_url}"\n[topic]\nterms = ["Abraham Accords"]\n'
        f'[crawl]\ndownload_delay = 0\nretry_times = 0\n[service]\nlisten = "127.0.0.1:0"\njitter = 0\n{service}\n'
        f"{sources}",
        encoding="utf-8",
    )
    return path


def source(name: str, feed: str, schedule: str, extra: str = "") -> str:
    return f'[[sources]]\nname = "{name}"\nfeeds = ["{feed}"]\nschedule = "{schedule}"\n{extra}'


def test_service_schedules_times_out_survives_crashes_and_stops_cleanly(
    newsroom: Newsroom, database_url: str, tmp_path: Path
) -> None:
    hang = newsroom.url("global-wire", "/__faults/hang?seconds=40")
    config = write_config(
        tmp_path, newsroom, database_url,
        "max_concurrent_crawls = 4\ncrawl_timeout = 60\nshutdown_grace = 1\n",
        source("israel-daily", newsroom.url("israel-daily", "/feed.xml"), "every 2s")
        + source("global-wire", newsroom.url("global-wire", "/atom.xml"), "every 2s")
        + source("slow-site", hang, "every 1h", "crawl_timeout = 6\n")
        + source("crash-site", hang, "every 3s"),
    )
    service = Service(config)
    try:
        wait_for(lambda: crawl_process_ids("crash-site"), 20, "a crash-site crawl", service.output)
        kill_crawl("crash-site")
        failed = wait_for(lambda: of("crash-site", database_url, RunStatus.FAILED), 20, "the crashed run")
        assert failed[0][4].startswith("crawl process exited with code -9")
        timed_out = wait_for(lambda: of("slow-site", database_url, RunStatus.TIMEOUT), 30, "a timeout")
        assert timed_out[0][4].startswith("killed after the 6 s crawl timeout")
        wait_for(lambda: len(of("crash-site", database_url)) >= 2 and crawl_process_ids("crash-site"), 20,
                 "the next crash-site crawl after the crash", service.output)
        for name in ("israel-daily", "global-wire"):
            wait_for(lambda n=name: len(of(n, database_url, RunStatus.OK)) >= 2, 30, f"two ok runs of {name}")

        with urllib.request.urlopen(service.base_url + "/healthz", timeout=10) as response:
            assert (response.status, response.read()) == (200, b"ok\n")
        with urllib.request.urlopen(service.base_url + "/metrics", timeout=10) as response:
            metrics = response.read().decode()
        assert 'accords_crawl_runs_total{source="slow-site",status="timeout"} 1.0' in metrics
        assert 'accords_crawl_runs_total{source="crash-site",status="failed"} 1.0' in metrics
        assert 'accords_source_stale{source="slow-site"} 1.0' in metrics  # no successful run yet
        assert "accords_running_crawls " in metrics

        assert service.stop(signal.SIGTERM) == 0
    finally:
        service.kill()
    assert service.lines[-1].endswith("accords.service: stopped")
    final = runs(database_url)
    assert not [r for r in final if r[1] is RunStatus.RUNNING]
    assert of("crash-site", database_url)[-1][1] is RunStatus.ABANDONED
    for name in ("israel-daily", "global-wire"):
        own = [r for r in final if r[0] == name and r[3] is not None]
        for earlier, later in pairwise(own):
            assert later[2] >= earlier[3], f"{name}: runs overlap"  # type: ignore[operator]
            assert (later[2] - earlier[2]).total_seconds() >= 1.9, f"{name}: ran before its schedule"


def test_restart_keeps_jobs_reconciles_config_and_abandons_orphaned_runs(
    newsroom: Newsroom, database_url: str, tmp_path: Path
) -> None:
    hang = newsroom.url("global-wire", "/__faults/hang?seconds=60")
    daily = source("daily", newsroom.url("global-wire", "/atom.xml"), "0 3 * * *")
    config = write_config(tmp_path, newsroom, database_url, "crawl_timeout = 120\n",
                          source("slow-site", hang, "every 1h") + daily)
    first = Service(config)
    try:
        wait_for(lambda: crawl_process_ids("slow-site"), 20, "the slow-site crawl", first.output)
        first.process.kill()  # the service dies without cleaning up
        first.process.wait()
        kill_crawl("slow-site")
    finally:
        first.kill()
    assert [r[1] for r in of("slow-site", database_url)] == [RunStatus.RUNNING]

    second = Service(config)
    try:
        wait_for(lambda: any("source daily:" in line for line in second.lines), 20, "the jobs' next runs",
                 second.output)
        assert any("jobs: 2 kept, 0 added, 0 rescheduled, 0 removed" in line for line in second.lines)
        assert any("marked abandoned" in line and "slow-site" in line for line in second.lines)
        daily_line = next(line for line in second.lines if "source daily:" in line)
        assert "next run" in daily_line and "T03:00:00+00:00" in daily_line
        assert second.stop() == 0
    finally:
        second.kill()
    assert [r[1] for r in of("slow-site", database_url)] == [RunStatus.ABANDONED]

    config.write_text(config.read_text(encoding="utf-8").replace(daily, "").replace('"every 1h"', '"every 2h"'),
                      encoding="utf-8")
    third = Service(config)
    try:
        wait_for(lambda: any("jobs:" in line for line in third.lines), 20, "reconciliation", third.output)
        assert any("jobs: 0 kept, 0 added, 1 rescheduled, 1 removed (daily)" in line for line in third.lines)
        assert third.stop() == 0
    finally:
        third.kill()
