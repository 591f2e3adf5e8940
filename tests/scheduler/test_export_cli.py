"""accords export: filters, --fields, --story-level and Parquet, on both databases."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy.orm import Session

from scheduler.cli import main
from storage.articles import ArticleRow, store_articles
from storage.export import EXPORT_FIELDS
from storage.migrate import upgrade
from storage.runs import ensure_source
from storage.session import make_engine

DAY = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def config(database_url: str, tmp_path: Path) -> Path:
    engine = make_engine(database_url)
    upgrade(engine)
    with Session(engine) as session, session.begin():
        for index, (source, countries) in enumerate([("wire", {"AE": 1}), ("wire", {"IL": 2}), ("daily", {"AE": 3})]):
            source_id = ensure_source(session, source, None)
            url = f"https://{source}/{index}"
            store_articles(session, source_id, None, [ArticleRow(
                canonical_url=url, url=url, title=f"Story {index}", body=f"Body {index}", word_count=2,
                relevance_score=1.5, fetched_at=DAY, published_at=DAY + timedelta(days=index),
                authors=["Jane Doe"], countries=countries)])
    engine.dispose()
    path = tmp_path / "accords.toml"
    path.write_text(f'[database]\nurl = "{database_url}"\n[topic]\nterms = ["x"]\n'
                    '[[sources]]\nname = "wire"\nfeeds = ["https://w/feed"]\n', encoding="utf-8")
    return path


def jsonl(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_filters(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config), "export", "--source", "wire", "--fields", "canonical_url"]) == 0
    assert jsonl(capsys) == [{"canonical_url": "https://wire/0"}, {"canonical_url": "https://wire/1"}]
    assert main(["--config", str(config), "export", "--country", "ae", "--fields", "canonical_url,countries"]) == 0
    assert jsonl(capsys) == [{"canonical_url": "https://wire/0", "countries": {"AE": 1}},
                             {"canonical_url": "https://daily/2", "countries": {"AE": 3}}]
    assert main(["--config", str(config), "export", "--since", "2026-11-21", "--until", "2026-11-22",
                 "--fields", "canonical_url"]) == 0
    assert jsonl(capsys) == [{"canonical_url": "https://wire/1"}]


def test_fields_in_csv_and_unknown_fields(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config), "export", "--format", "csv", "--fields", "title,authors,id"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == {"title": "Story 0", "authors": '["Jane Doe"]', "id": rows[0]["id"]}
    assert main(["--config", str(config), "export", "--fields", "title,colour"]) == 2
    assert "--fields: unknown export field(s): colour (available: id, canonical_url" in capsys.readouterr().err


def test_parquet_with_typed_columns(config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "articles.parquet"
    assert main(["--config", str(config), "export", "--format", "parquet", "--output", str(out)]) == 0
    assert "3 article(s) written" in capsys.readouterr().err
    table = pq.read_table(out)
    assert table.column_names == list(EXPORT_FIELDS)
    assert str(table.schema.field("published_at").type) == "timestamp[us, tz=UTC]"
    assert str(table.schema.field("authors").type) == "list<element: string>"
    first = table.to_pylist()[0]
    assert (first["published_at"], first["authors"], first["relevant"], json.loads(first["countries"])) == (
        DAY, ["Jane Doe"], True, {"AE": 1})
    stories = tmp_path / "stories.parquet"
    assert main(["--config", str(config), "export", "--format", "parquet", "--story-level", "--output",
                 str(stories)]) == 0
    assert pq.read_table(stories).num_rows == 3
    assert main(["--config", str(config), "export", "--format", "parquet"]) == 2
    assert "--format parquet writes a file: give --output FILE" in capsys.readouterr().err
