"""Stories, duplicate links and versions after real crawls of the newsroom's syndicated pages (both databases)."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from storage.models import Article, ArticleVersion, Source, Story
from storage.session import make_engine
from tests.newsroom.fixture import Newsroom
from tests.newsroom.syndication import LIVE_TITLES, WIRE_TITLE
from tests.scheduler.test_crawl_end_to_end import accords


def write_config(folder: Path, newsroom: Newsroom, database_url: str) -> Path:
    path = folder / "accords.toml"
    path.write_text(
        f'[database]\nurl = "{database_url}"\n[topic]\nterms = ["Abraham Accords"]\n[crawl]\ndownload_delay = 0\n'
        f'[[sources]]\nname = "israel-extra"\nfeeds = ["{newsroom.url("israel-daily", "/__extra/feed.xml")}"]\n'
        "revisit_hours = 48\n"
        f'[[sources]]\nname = "wire-extra"\nfeeds = ["{newsroom.url("global-wire", "/__extra/feed.xml")}"]\n',
        encoding="utf-8",
    )
    return path


def stored(database_url: str) -> dict[str, tuple[str, str, str | None, str]]:
    """canonical URL → (source, title, duplicate_of URL, story origin URL)."""
    engine = make_engine(database_url)
    copied, origin = aliased(Article), aliased(Article)
    with Session(engine) as session:
        rows = session.execute(
            select(Article.canonical_url, Source.name, Article.title, copied.canonical_url, origin.canonical_url)
            .join(Source, Source.id == Article.source_id)
            .join(copied, copied.id == Article.duplicate_of_id, isouter=True)
            .join(Story, Story.id == Article.story_id)
            .join(origin, origin.id == Story.origin_article_id)
        ).all()
    engine.dispose()
    return {url: (source, title, copy_of, story) for url, source, title, copy_of, story in rows}


def versions(database_url: str) -> list[tuple[int, list[str], str]]:
    engine = make_engine(database_url)
    with Session(engine) as session:
        rows = session.execute(select(ArticleVersion.version, ArticleVersion.changed_fields, ArticleVersion.title)
                               .order_by(ArticleVersion.version)).all()
    engine.dispose()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def test_copies_join_one_story_and_edits_become_versions(newsroom: Newsroom, database_url: str, tmp_path: Path) -> None:
    config = write_config(tmp_path, newsroom, database_url)
    original = newsroom.url("israel-daily", "/__extra/water-summit.html")
    syndicated = newsroom.url("global-wire", "/__extra/water-summit.html")
    analysis = newsroom.url("global-wire", "/__extra/water-summit-analysis.html")
    live = newsroom.url("israel-daily", "/__extra/live/accords-talks.html")
    with urllib.request.urlopen(newsroom.url("israel-daily", "/__extra/revision"), timeout=10) as response:
        revision = int(response.read())  # the session's newsroom may have been revised by another test
    first = accords(config, "crawl")
    assert first.returncode == 0, first.stdout + first.stderr

    # the AMP copy and the utm_* link lead to the same canonical page: one row, not three
    assert stored(database_url) == {
        original: ("israel-extra", WIRE_TITLE, None, original),
        syndicated: ("wire-extra", WIRE_TITLE, original, original),  # exact copy
        analysis: ("wire-extra", "Why the Abraham Accords water summit matters for a thirsty region", original,
                   original),  # near copy: other headline, one more paragraph
        live: ("israel-extra", LIVE_TITLES[revision % 2], None, live),
    }
    assert versions(database_url) == []
    stored_first = stored(database_url)

    stories = accords(config, "export", "--story-level")
    records = sorted((json.loads(line) for line in stories.stdout.splitlines()), key=lambda r: r["articles"])
    assert [(r["origin_url"], r["articles"], r["copies"], r["outlets"]) for r in records] == [
        (live, 1, 0, ["israel-extra"]),
        (original, 3, 2, ["israel-extra", "wire-extra"]),
    ]
    exported = {json.loads(line)["canonical_url"]: json.loads(line) for line in
                accords(config, "export").stdout.splitlines()}
    assert exported[syndicated]["duplicate_of"] == original and exported[original]["duplicate_of"] is None
    assert exported[syndicated]["story_id"] == exported[original]["story_id"] != exported[live]["story_id"]

    with urllib.request.urlopen(newsroom.url("israel-daily", "/__extra/revise"), timeout=10):
        pass
    second = accords(config, "crawl")
    assert second.returncode == 0, second.stdout + second.stderr
    after = stored(database_url)
    assert len(after) == 4
    new_title = LIVE_TITLES[(revision + 1) % 2]
    assert after[live][1] == new_title
    assert {url: row for url, row in after.items() if url != live} == {
        url: row for url, row in stored_first.items() if url != live}  # unchanged pages: no new rows, no versions
    assert versions(database_url) == [(1, [], LIVE_TITLES[revision % 2]), (2, ["title", "body"], new_title)]
    history = accords(config, "history", live + "?utm_source=x")
    assert history.returncode == 0, history.stderr
    lines = history.stdout.splitlines()
    assert lines[:2] == [live, new_title]
    assert "version 2: " in history.stdout and "changed: title, body" in history.stdout
    assert f"-# {LIVE_TITLES[revision % 2]}" in lines and f"+# {new_title}" in lines
    assert any(line.startswith(f"+Update {revision + 1}: on Wednesday evening") for line in lines)
