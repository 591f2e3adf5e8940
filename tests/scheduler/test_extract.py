from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from scheduler.cli import main
from tests.newsroom.fixture import Newsroom
from tests.scheduler.test_reprocess import PAGE


def test_extract_a_saved_page_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    saved = tmp_path / "page.html.gz"
    saved.write_bytes(gzip.compress(PAGE.encode("utf-8")))
    assert main(["extract", str(saved), "--url", "https://gulfwire.example/manama?utm_source=x", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["canonical_url"] == "https://gulfwire.example/manama"
    assert record["title"] == "Accords review in Manama"
    assert record["authors"] == ["Sara Ali"]
    assert record["published_at"] == "2026-11-27T05:00:00+00:00"
    assert record["is_article"] is True
    assert record["field_sources"] == {
        "site_name": "opengraph", "title": "title-tag", "authors": "meta", "published_at": "opengraph",
        "canonical_url": "url", "body": "trafilatura", "language": "markup",
    }


def test_extract_table_and_url(newsroom: Newsroom, capsys: pytest.CaptureFixture[str]) -> None:
    url = newsroom.url("global-wire", "/ru/avraamovy-soglasheniya-transportnyj-koridor.html")
    assert main(["extract", url]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{url}: an article\n")
    rows = {line.split()[0]: line.split()[-1] for line in out.splitlines()[4:]}
    assert rows["title"] == "jsonld" and rows["authors"] == "jsonld" and rows["language"] in ("markup", "jsonld")


def test_extract_names_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(tmp_path / "missing.html")]) == 2
    assert f"accords: {tmp_path / 'missing.html'}: cannot be read: No such file or directory" in capsys.readouterr().err
