from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from scheduler.cli import main
from storage.articles import ArticleRow, store_articles
from storage.migrate import upgrade
from storage.runs import ensure_source
from storage.session import make_engine

PUBLISHED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def test_search_command(database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    with Session(engine) as session, session.begin():
        source_id = ensure_source(session, "wire", "en")
        body = "Ministers agreed a regional water summit in Abu Dhabi under the Abraham Accords."
        store_articles(session, source_id, None, [ArticleRow(
            canonical_url="https://w/1", url="https://w/1", title="Water summit", body=body, word_count=13,
            relevance_score=3.0, fetched_at=PUBLISHED, published_at=PUBLISHED, language="en")])
    engine.dispose()
    config = tmp_path / "accords.toml"
    config.write_text(f'[database]\nurl = "{database_url}"\n[topic]\nterms = ["x"]\n'
                      '[[sources]]\nname = "wire"\nfeeds = ["https://w/feed"]\n', encoding="utf-8")
    assert main(["--config", str(config), "search", '"water summit" OR hydrogen', "--json", "--lang", "en"]) == 0
    [hit] = json.loads(capsys.readouterr().out)
    assert (hit["canonical_url"], hit["source"], hit["published_at"]) == (
        "https://w/1", "wire", "2026-11-20T09:00:00+00:00")
    assert "[water]" in hit["snippet"].lower() or "[water summit]" in hit["snippet"].lower()
    assert main(["--config", str(config), "search", "summit", "--source", "wire"]) == 0
    out = capsys.readouterr().out
    assert "https://w/1" in out and out.rstrip().endswith("1 result(s)")
    assert main(["--config", str(config), "search", "(*)"]) == 2
    assert "nothing to search for in '(*)': give at least one word" in capsys.readouterr().err
