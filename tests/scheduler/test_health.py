from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from scheduler.cli import main
from scheduler.health import staleness
from storage.health import RunBrief, SourceHealth
from storage.migrate import upgrade
from storage.models import RunStatus
from storage.runs import RunCounts, ensure_source, finish_run, start_run
from storage.session import make_engine

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


def health(*runs: tuple[RunStatus, int], last_success_hours: float | None = 1) -> SourceHealth:
    briefs = tuple(RunBrief(status, NOW - timedelta(hours=i), new) for i, (status, new) in enumerate(runs))
    success = NOW - timedelta(hours=last_success_hours) if last_success_hours is not None else None
    return SourceHealth("s", briefs, success, 0, 0, {}, 0, 0)


@pytest.mark.parametrize(
    ("source_health", "reason"),
    [
        (health(), None),  # never ran
        (health((RunStatus.OK, 0), (RunStatus.OK, 0)), None),  # fewer runs than the window
        (health((RunStatus.OK, 0), (RunStatus.OK, 0), (RunStatus.OK, 0)), "last 3 runs failed or found nothing new"),
        (health((RunStatus.OK, 1), (RunStatus.OK, 0), (RunStatus.OK, 0)), None),
        (health((RunStatus.FAILED, 0), (RunStatus.TIMEOUT, 5), (RunStatus.OK, 0)),
         "last 3 runs failed or found nothing new"),
        (health((RunStatus.OK, 2), last_success_hours=25), "no successful run in 24 h"),
        (health((RunStatus.OK, 2), last_success_hours=23), None),
        (health((RunStatus.FAILED, 0), last_success_hours=None), "no successful run in 24 h"),
    ],
)
def test_staleness_on_both_sides_of_each_threshold(source_health: SourceHealth, reason: str | None) -> None:
    assert staleness(source_health, runs=3, hours=24, now=NOW) == reason


def test_status_table_and_exit_code(database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "accords.toml"
    config.write_text(
        f'[database]\nurl = "{database_url}"\n[topic]\nterms = ["x"]\n[service]\nstale_after_runs = 2\n'
        '[[sources]]\nname = "good"\nfeeds = ["https://good.example/feed"]\nschedule = "every 30m"\n'
        '[[sources]]\nname = "broken"\nfeeds = ["https://broken.example/feed"]\n'
        '[[sources]]\nname = "new"\nfeeds = ["https://new.example/feed"]\n',
        encoding="utf-8",
    )
    engine = make_engine(database_url)
    upgrade(engine)
    with Session(engine) as session, session.begin():
        good, broken = ensure_source(session, "good", None), ensure_source(session, "broken", None)
        finish_run(session, start_run(session, good), RunStatus.OK, RunCounts(5, 2, 0, 0), {})
        for _ in range(2):
            finish_run(session, start_run(session, broken), RunStatus.FAILED, RunCounts(0, 0, 0, 1), {}, "DNS")
    engine.dispose()
    assert main(["--config", str(config), "status"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["source", "schedule", "next", "run", "last", "run", "status", "24h", "7d", "stale"]
    rows = {line.split()[0]: line for line in lines[2:5]}
    assert rows["good"].split()[1:3] == ["every", "30m"] and rows["good"].rstrip().endswith("no")
    assert " failed " in rows["broken"] and "STALE: last 2 runs failed or found nothing new" in rows["broken"]
    assert rows["new"].split()[1:3] == ["every", "1h"]
    assert lines[-1] == "1 source(s) stale or failing: broken"
