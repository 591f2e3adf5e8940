from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.cli import main
from storage.articles import ArticleRow, store_articles
from storage.migrate import upgrade
from storage.models import Article, ArticleCountry
from storage.runs import ensure_source
from storage.session import make_engine

FETCHED = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
STORIES = {
    "https://wire.example/accords": ("Abraham Accords: Kazakhstan joins", "Astana and Jerusalem signed; Israel and Kazakhstan "
                                     "officials met in Abu Dhabi."),
    "https://wire.example/embassy": ("Israel and Morocco open embassies", "Rabat and Israel upgrade their liaison offices "
                                     "to embassies, officials said."),
}


def config(tmp_path: Path, database_url: str, topic: str) -> Path:
    path = tmp_path / "accords.toml"
    path.write_text(f'[database]\nurl = "{database_url}"\n[topic]\n{topic}\n'
                    '[[sources]]\nname = "wire"\nfeeds = ["https://wire.example/feed"]\n', encoding="utf-8")
    return path


def seed(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    with Session(engine) as session, session.begin():
        source_id = ensure_source(session, "wire", "en")
        store_articles(session, source_id, None, [
            ArticleRow(canonical_url=url, url=url, title=title, body=body, word_count=len(body.split()),
                       relevance_score=3.0, fetched_at=FETCHED, countries={"IL": 1})
            for url, (title, body) in STORIES.items()
        ])
    engine.dispose()


def state(database_url: str) -> dict[str, tuple[bool, str | None, dict[str, int]]]:
    engine = make_engine(database_url)
    with Session(engine) as session:
        articles = session.scalars(select(Article)).all()
        result = {
            a.canonical_url: (a.relevant, a.relevance_rule, dict(session.execute(
                select(ArticleCountry.country_code, ArticleCountry.mentions).where(ArticleCountry.article_id == a.id)
            ).all()))
            for a in articles
        }
    engine.dispose()
    return result


def test_rescore_marks_articles_that_no_longer_match_and_counts_countries(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(database_url)
    narrow = config(tmp_path, database_url, 'terms = ["Abraham Accords"]')
    assert main(["--config", str(narrow), "rescore"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("rescored 2 article(s): 2 changed")
    assert "1 article(s) no longer match the topic (kept, marked relevant = false); 0 match it again" in out
    assert state(database_url) == {
        "https://wire.example/accords": (True, "terms", {"KZ": 3, "IL": 2, "AE": 1}),
        "https://wire.example/embassy": (False, "no match", {"IL": 2, "MA": 2}),
    }

    wide = config(tmp_path, database_url, 'terms = ["Abraham Accords"]\nmin_context = 3\n'
                  'context_terms = [["embassy", "embassies"], ["country:IL"], ["country:MA", "country:AE"]]')
    assert main(["--config", str(wide), "rescore", "--source", "wire"]) == 0
    assert "0 article(s) no longer match the topic (kept, marked relevant = false); 1 match it again" in (
        capsys.readouterr().out)
    assert state(database_url)["https://wire.example/embassy"][:2] == (True, "context")

    assert main(["--config", str(wide), "articles", "--json"]) == 0
    records = {r["canonical_url"]: r for r in json.loads(capsys.readouterr().out)}
    embassy = records["https://wire.example/embassy"]
    assert (embassy["relevant"], embassy["relevance_rule"], embassy["countries"]) == (True, "context", {"IL": 2, "MA": 2})
    assert embassy["matched_terms"] == {"embassies": {"title": 1, "body": 1}, "country:IL": {"title": 1, "body": 1},
                                        "country:MA": {"title": 1, "body": 1}}
    assert embassy["relevance_score"] == 3.0
