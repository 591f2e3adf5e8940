from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crawler.normalize import normalize
from scheduler.cli import main
from storage.articles import ArticleRow, store_articles
from storage.migrate import upgrade
from storage.models import Article
from storage.pages import RawPage
from storage.runs import ensure_source
from storage.session import make_engine

FETCHED = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
PARAGRAPHS = (
    "Delegations from the United Arab Emirates and Bahrain met in Manama to review the Abraham Accords, "
    "discussing aviation links, water projects and new student exchange programmes for next year.",
    "Officials said the Abraham Accords had already doubled trade between the partners, and that a joint "
    "fund for desalination research would open its first call for proposals in the spring.",
    "Business chambers welcomed the talks but asked for simpler visa rules, saying small companies still "
    "struggle with paperwork when they send engineers and sales staff across the Gulf.",
)
PAGE = f"""<html lang="en"><head>
<title>Accords review in Manama | Gulf Wire</title>
<meta property="og:site_name" content="Gulf Wire"><meta property="og:type" content="article">
<meta property="article:published_time" content="2026-11-27T08:00:00+03:00">
<meta name="author" content="Sara Ali">
</head><body><article><h1>Accords review in Manama</h1>
{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}</article></body></html>"""


def config_for(tmp_path: Path, database_url: str) -> Path:
    path = tmp_path / "accords.toml"
    path.write_text(
        f'[database]\nurl = "{database_url}"\n[topic]\nterms = ["Abraham Accords"]\n'
        '[[sources]]\nname = "gulf-wire"\nfeeds = ["https://gulfwire.example/feed"]\nkeep_html = true\n'
        '[[sources]]\nname = "other"\nfeeds = ["https://other.example/feed"]\n',
        encoding="utf-8",
    )
    return path


def seed(database_url: str) -> None:
    """One article with its kept page, stored by an older, worse extractor."""
    engine = make_engine(database_url)
    upgrade(engine)
    article = normalize("https://gulfwire.example/manama", PAGE)
    with Session(engine) as session, session.begin():
        source_id = ensure_source(session, "gulf-wire", "en")
        store_articles(session, source_id, None, [ArticleRow(
            canonical_url=article.canonical_url, url=article.url, title="Accords review in Manama | Gulf Wire",
            body="old body", word_count=2, relevance_score=1.0, fetched_at=FETCHED, authors=[],
            published_at=datetime(2026, 11, 27, 5, 0, tzinfo=UTC),
            page=RawPage(url=article.url, body=PAGE.encode("utf-8"), encoding="utf-8", fetched_at=FETCHED,
                         headers={"Content-Type": "text/html; charset=utf-8"}),
        )])
    engine.dispose()


def test_reprocess_updates_fields_in_place(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(database_url)
    config = config_for(tmp_path, database_url)
    assert main(["--config", str(config), "reprocess", "--source", "gulf-wire"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("reprocessed 1 article(s): 1 changed, ")
    for line in ("  title: 1", "  authors: 1", "  body: 1", "  site_name: 1", "  field_sources: 1"):
        assert line in out.splitlines()

    engine = make_engine(database_url)
    with Session(engine) as session:
        article = session.scalars(select(Article)).one()
        assert article.title == "Accords review in Manama"
        assert article.authors == ["Sara Ali"]
        assert article.published_at == datetime(2026, 11, 27, 5, 0, tzinfo=UTC)
        assert article.body.startswith("Delegations from the United Arab Emirates")
        assert article.field_sources["title"] == "title-tag"
        assert article.matched_terms == {"Abraham Accords": {"body": 2}}
        assert article.canonical_url == "https://gulfwire.example/manama"
    engine.dispose()

    assert main(["--config", str(config), "reprocess"]) == 0
    assert capsys.readouterr().out.startswith("reprocessed 1 article(s): 0 changed, 0 field(s) changed")


def test_reprocess_filters_by_source_and_date(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(database_url)
    config = config_for(tmp_path, database_url)
    assert main(["--config", str(config), "reprocess", "--source", "other"]) == 0
    assert capsys.readouterr().out.startswith("reprocessed 0 article(s)")
    assert main(["--config", str(config), "reprocess", "--source", "gulf-wire"]) == 0
    assert capsys.readouterr().out.startswith("reprocessed 1 article(s): 1 changed")
    engine = make_engine(database_url)
    with engine.begin() as connection:
        assert connection.execute(update(Article).values(title="x")).rowcount == 1
    engine.dispose()
    assert main(["--config", str(config), "reprocess", "--since", "2026-11-28"]) == 0
    assert capsys.readouterr().out.startswith("reprocessed 0 article(s)")
    assert main(["--config", str(config), "reprocess", "--since", "2026-11-26"]) == 0
    assert capsys.readouterr().out.startswith("reprocessed 1 article(s): 1 changed, 1 field(s) changed")


def test_reprocess_of_an_unknown_source_is_refused(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(config_for(tmp_path, database_url)), "reprocess", "--source", "nope"]) == 2
    assert "no source named 'nope' (configured: gulf-wire, other)" in capsys.readouterr().err
