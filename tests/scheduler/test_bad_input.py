"""Broken configs and arguments: exit status 2, one message naming the file, field or value, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler.cli import main

GOOD_TOPIC = '[topic]\nterms = ["Abraham Accords"]\n'
GOOD_SOURCE = '[[sources]]\nname = "wire"\nfeeds = ["https://wire.example/feed"]\n'
SQLITE = '[database]\nurl = "sqlite:///data/a.db"\n'

# (config text, command line after --config, message fragment)
CASES: list[tuple[str, list[str], str]] = [
    ("[topic\n", ["sources"], "not valid TOML"),
    ("", ["sources"], "field 'topic': required key is missing"),
    ('[topic]\nterms = []\n' + GOOD_SOURCE, ["sources"], "needs 'terms', 'terms_by_language' or 'context_terms'"),
    (GOOD_TOPIC + 'colour = "red"\n', ["sources"], "[topic] field 'colour': unknown key"),
    (GOOD_TOPIC + GOOD_SOURCE + GOOD_SOURCE, ["sources"], "duplicate source name 'wire'"),
    (GOOD_TOPIC + '[[sources]]\nname = "Wire!"\nfeeds = ["https://w.example/f"]\n', ["sources"], "field 'name'"),
    (GOOD_TOPIC + '[[sources]]\nname = "x"\nfeeds = ["ftp://w.example/f"]\n', ["sources"],
     "field 'feeds[0]': not a valid http(s) URL: 'ftp://w.example/f'"),
    (GOOD_TOPIC + '[[sources]]\nname = "x"\nsitemaps = ["https:// bad"]\n', ["sources"], "field 'sitemaps[0]'"),
    (GOOD_TOPIC + '[[sources]]\nname = "x"\n', ["sources"], "needs at least one of 'feeds', 'sitemaps'"),
    (GOOD_TOPIC + GOOD_SOURCE + 'schedule = "hourly"\n', ["sources"], "field 'schedule': 'hourly': expected 'every N'"),
    (GOOD_TOPIC + GOOD_SOURCE + 'schedule = "0 25 * * *"\n', ["sources"], "not a valid cron expression"),
    (GOOD_TOPIC + GOOD_SOURCE + 'timezone = "Nowhere/Town"\n', ["sources"], "unknown IANA timezone 'Nowhere/Town'"),
    (GOOD_TOPIC + GOOD_SOURCE + "max_depth = 99\n", ["sources"], "field 'max_depth'"),
    (GOOD_TOPIC + GOOD_SOURCE + 'lookback_days = "7"\n', ["sources"], "field 'lookback_days'"),
    (GOOD_TOPIC + 'countries = ["ZZ"]\n' + GOOD_SOURCE, ["sources"], "unknown country code 'ZZ'"),
    (GOOD_TOPIC + GOOD_SOURCE + "[service]\nlisten = \"nowhere\"\n", ["sources"], "[service] field 'listen'"),
    (GOOD_TOPIC + GOOD_SOURCE + "[dedup]\nthreshold = 1.5\n", ["sources"], "[dedup] field 'threshold'"),
    ('[database]\nurl = "oracle://scott@db/x"\n' + GOOD_TOPIC + GOOD_SOURCE, ["sources"],
     "unsupported database 'oracle'"),
    ('[database]\nurl = "::::"\n' + GOOD_TOPIC + GOOD_SOURCE, ["sources"], "not a database URL: '::::'"),
    ('[database]\nurl = "postgresql+psycopg://u:pw@127.0.0.1:1/x"\n' + GOOD_TOPIC + GOOD_SOURCE, ["sources"],
     "cannot use the database at postgresql+psycopg://u:***@127.0.0.1:1/x"),
    ('[database]\nurl = "sqlite:////proc/none/a.db"\n' + GOOD_TOPIC + GOOD_SOURCE, ["init-db"],
     "cannot use the database at sqlite:////proc/none/a.db"),
    (SQLITE + GOOD_TOPIC + GOOD_SOURCE, ["crawl", "nope"], "no source named 'nope' (configured: wire)"),
    (SQLITE + GOOD_TOPIC + GOOD_SOURCE, ["reprocess", "--source", "nope"], "no source named 'nope'"),
    (SQLITE + GOOD_TOPIC + GOOD_SOURCE, ["crawl", "wire", "wire", "--run-id", "3"], "--run-id needs exactly one SOURCE"),
    (SQLITE + GOOD_TOPIC + GOOD_SOURCE, ["export", "--fields", "title,nope"], "--fields: unknown export field(s): nope"),
    (SQLITE + GOOD_TOPIC + GOOD_SOURCE, ["export", "--format", "parquet"], "--format parquet writes a file"),
    (SQLITE + GOOD_TOPIC + GOOD_SOURCE, ["search", "***"], "nothing to search for in '***'"),
    (SQLITE + GOOD_TOPIC + GOOD_SOURCE, ["history", "https://wire.example/none"],
     "https://wire.example/none: no stored article has this URL"),
    (SQLITE + GOOD_TOPIC + '[[sources]]\nname = "off"\nfeeds = ["https://o.example/f"]\nenabled = false\n', ["crawl"],
     "no enabled sources to crawl"),
]
ARGUMENT_CASES: list[tuple[list[str], str]] = [
    (["articles", "--limit", "-3"], "expected a positive number, got '-3'"),
    (["export", "--since", "last week"], "expected an ISO date"),
    (["serve", "--listen", "9310"], "expected HOST:PORT"),
    (["export", "--format", "xlsx"], "invalid choice: 'xlsx'"),
]


@pytest.mark.parametrize(("text", "argv", "fragment"), CASES, ids=[c[2][:40] for c in CASES])
def test_bad_config_or_command(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, argv: list[str],
                               fragment: str) -> None:
    config = tmp_path / "accords.toml"
    config.write_text(text, encoding="utf-8")
    assert main(["--config", str(config), *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("accords: ") and fragment in err
    assert "Traceback" not in err and "pw@" not in err


@pytest.mark.parametrize(("argv", "fragment"), ARGUMENT_CASES, ids=[c[1][:30] for c in ARGUMENT_CASES])
def test_bad_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str) -> None:
    config = tmp_path / "accords.toml"
    config.write_text(SQLITE + GOOD_TOPIC + GOOD_SOURCE, encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["--config", str(config), *argv])
    assert exit_info.value.code == 2
    assert fragment in capsys.readouterr().err


def test_missing_config_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(tmp_path / "none.toml"), "sources"]) == 2
    assert "config file not found (pass --config PATH or set ACCORDS_CONFIG)" in capsys.readouterr().err
