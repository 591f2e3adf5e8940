"""``accords crawl`` starts the extraction forkserver before Scrapy when the crawl looks big."""

from __future__ import annotations

from pathlib import Path

import pytest

import crawler.extraction
import scheduler.crawl
from crawler.config import load_config
from scheduler.cli import main
from scheduler.warm_up import start_extraction_early
from storage.migrate import upgrade
from storage.models import CrawlRun, RunStatus
from storage.runs import ensure_source
from storage.session import database

CONFIG = """
[database]
url = "{url}"
[topic]
terms = ["Abraham Accords"]
[crawl]
extraction_processes = {processes}
[[sources]]
name = "wire"
feeds = ["http://127.0.0.1:9/wire.xml"]
[[sources]]
name = "daily"
feeds = ["http://127.0.0.1:9/daily.xml"]
"""


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Records each start of the forkserver instead of starting one."""
    calls: list[bool] = []
    monkeypatch.setattr(crawler.extraction, "start_forkserver", lambda: calls.append(True))
    return calls


def config_with_runs(tmp_path: Path, url: str, runs: dict[str, list[tuple[RunStatus, int]]],
                     processes: str = "2") -> Path:
    path = tmp_path / "accords.toml"
    path.write_text(CONFIG.format(url=url, processes=processes), encoding="utf-8")
    db = database(url)
    upgrade(db.engine)
    with db.Session.begin() as session:
        for name, statuses in runs.items():
            source_id = ensure_source(session, name, None)
            session.add_all(CrawlRun(source_id=source_id, status=status, pages_fetched=pages + 2,
                                     stats={"accords/pages_parsed": pages}) for status, pages in statuses)
    db.engine.dispose()
    return path


@pytest.mark.parametrize(("runs", "sources", "expected"), [
    ({}, ["wire"], True),  # a first crawl reads the sitemaps whole
    ({"wire": [(RunStatus.OK, 3)]}, ["wire"], False),
    ({"wire": [(RunStatus.OK, 19)]}, ["wire"], False),  # 21 pages fetched, the feed's included
    ({"wire": [(RunStatus.OK, 20)]}, ["wire"], True),
    ({"wire": [(RunStatus.OK, 900), (RunStatus.FAILED, 4)]}, ["wire"], False),  # the last finished run counts
    ({"wire": [(RunStatus.OK, 4), (RunStatus.ABANDONED, 0)]}, ["wire"], False),
    ({"wire": [(RunStatus.OK, 4)]}, ["wire", "daily"], True),  # daily's first crawl
    ({"wire": [(RunStatus.OK, 4)], "daily": [(RunStatus.OK, 19)]}, ["wire", "daily"], False),
], ids=["first crawl", "small last crawl", "19 pages parsed", "big last crawl", "last run failed small", "abandoned run ignored",
        "one source new", "all small"])
def test_the_forkserver_starts_early_when_a_source_is_new_or_its_last_crawl_was_big(
    database_url: str, tmp_path: Path, started: list[bool], runs: dict[str, list[tuple[RunStatus, int]]],
    sources: list[str], expected: bool,
) -> None:
    config = load_config(config_with_runs(tmp_path, database_url, runs))
    db = database(database_url)
    assert start_extraction_early(config, db, [config.source(name) for name in sources]) is expected
    db.engine.dispose()
    assert started == ([True] if expected else [])


def test_no_forkserver_without_worker_processes(database_url: str, tmp_path: Path, started: list[bool]) -> None:
    config = load_config(config_with_runs(tmp_path, database_url, {}, processes="0"))
    db = database(database_url)
    assert start_extraction_early(config, db, list(config.sources)) is False
    db.engine.dispose()
    assert started == []


def test_accords_crawl_starts_it_before_the_crawl(database_url: str, tmp_path: Path, started: list[bool],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    crawled: list[tuple[list[str], int]] = []

    def run_crawls(_config: object, sources: list[object], *_args: object, **_options: object) -> list[object]:
        crawled.append(([getattr(source, "name", "") for source in sources], len(started)))
        return []

    monkeypatch.setattr(scheduler.crawl, "run_crawls", run_crawls)
    config = config_with_runs(tmp_path, database_url, {"daily": [(RunStatus.OK, 2)]})
    assert main(["--config", str(config), "crawl", "wire"]) == 0
    assert main(["--config", str(config), "crawl", "daily"]) == 0
    assert crawled == [(["wire"], 1), (["daily"], 1)]  # started before wire's crawl, not for daily's
