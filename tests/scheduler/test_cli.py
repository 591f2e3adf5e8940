from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect

from scheduler.cli import main
from storage.session import make_engine
from tests.conftest import REPO_ROOT

CONFIG = """
[database]
url = "{url}"
[topic]
terms = ["Abraham Accords"]
[[sources]]
name = "site"
feeds = ["http://127.0.0.1:9/feed.xml"]
"""


def write_config(tmp_path: Path, url: str = "sqlite:///data/a.db", extra: str = "") -> Path:
    path = tmp_path / "accords.toml"
    path.write_text(CONFIG.format(url=url) + extra, encoding="utf-8")
    return path


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("init-db", "crawl", "sources", "articles", "export"):
        assert command in out


def test_init_db_creates_the_schema(database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, database_url)
    assert main(["--config", str(config), "init-db"]) == 0
    assert "database ready" in capsys.readouterr().out
    engine = make_engine(database_url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"sources", "articles", "seen_urls", "crawl_runs", "alembic_version"} <= tables
    assert main(["--config", str(config), "init-db"]) == 0


def test_relative_sqlite_path_resolves_against_the_config_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ACCORDS_DATABASE_URL", raising=False)
    (tmp_path / "conf").mkdir()
    config = write_config(tmp_path / "conf")
    monkeypatch.chdir(tmp_path)
    assert main(["--config", str(config), "init-db"]) == 0
    assert (tmp_path / "conf" / "data" / "a.db").is_file()
    assert not (tmp_path / "data").exists()


def test_bad_config_exits_2_naming_file_and_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, extra="max_depth = true\n")
    assert main(["--config", str(config), "sources"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"accords: {config}")
    assert "source 'site' (sources[0]): field 'max_depth'" in err


def test_crawl_of_an_unknown_source_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path)
    assert main(["--config", str(config), "crawl", "nope"]) == 2
    assert "no source named 'nope' (configured: site)" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "fragment"), [
    (["articles", "--limit", "0"], "expected a positive number, got '0'"),
    (["export", "--since", "yesterday"], "expected an ISO date such as 2026-11-01"),
    (["export", "--format", "xml"], "invalid choice: 'xml'"),
])
def test_bad_arguments_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
                                 fragment: str) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--config", str(write_config(tmp_path)), *argv])
    assert exit_info.value.code == 2
    assert fragment in capsys.readouterr().err


def test_sources_lists_configured_sources(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(write_config(tmp_path)), "sources"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["source", "enabled", "lang", "schedule", "last", "run", "status", "articles"]
    assert lines[2].split() == ["site", "yes", "-", "-", "-", "-", "0"]


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("postgresql+psycopg://bob:s3cret@127.0.0.1:1/accords",
         "cannot use the database at postgresql+psycopg://bob:***@127.0.0.1:1/accords: connection failed"),
        ("sqlite:////proc/no-such-dir/accords.db", "cannot use the database at sqlite:////proc/no-such-dir/accords.db"),
        ("mysql://bob:s3cret@db/accords", "[database] field 'url': unsupported database 'mysql' in "
                                          "'mysql://bob:***@db/accords'"),
        ("not a url", "[database] field 'url': not a database URL: 'not a url'"),
    ],
)
def test_database_problems_are_named_without_traceback_or_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str, fragment: str
) -> None:
    assert main(["--config", str(write_config(tmp_path, url)), "sources"]) == 2
    err = capsys.readouterr().err
    assert fragment in err
    assert "s3cret" not in err and "Traceback" not in err


def test_debug_shows_the_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, "postgresql+psycopg://bob:s3cret@127.0.0.1:1/accords")
    assert main(["--config", str(config), "--debug", "sources"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):") and "Connection refused" in err
    assert err.endswith("cannot use the database at postgresql+psycopg://bob:***@127.0.0.1:1/accords: connection "
                        "failed: connection to server at \"127.0.0.1\", port 1 failed: Connection refused "
                        "(--debug shows the traceback)\n")
    assert "s3cret" not in err


def test_plain_postgresql_urls_use_psycopg_3(tmp_path: Path) -> None:
    from crawler.config import load_config

    config = load_config(write_config(tmp_path, "postgresql://bob@db.example/accords"))
    assert config.database.url == "postgresql+psycopg://bob@db.example/accords"


def test_the_cli_loads_crawling_extraction_and_parquet_code_only_for_the_commands_that_need_them() -> None:
    """The service (``accords serve``) imports scheduler.cli and reads the config: every heavy import it
    skips is memory it keeps free (Scrapy and Twisted alone about 26 MiB)."""
    heavy = ("pyarrow", "trafilatura", "scrapy", "twisted", "matplotlib")
    script = ("import sys, scheduler.cli\n"
              "from crawler.config import load_config\n"
              "load_config('accords.toml')\n"
              f"print([m for m in {heavy!r} if m in sys.modules])")
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                            cwd=REPO_ROOT).stdout.strip()
    assert loaded == "[]"
