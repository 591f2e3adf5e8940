"""End to end: ``accords crawl`` (the real console script) over the local newsroom into SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.export import EXPORT_FIELDS
from storage.models import Article, ArticleHtml, CrawlRun, RunStatus, SeenUrl, Source
from storage.session import make_engine
from tests.conftest import REPO_ROOT
from tests.newsroom.fixture import Newsroom

ACCORDS = str(Path(sys.executable).with_name("accords"))
SCRAPY = str(Path(sys.executable).with_name("scrapy"))
SITES = ("israel-daily", "maghreb-news", "global-wire")

STORED = {
    ("israel-daily", "/politics/abraham-accords-anniversary-summit.html"),
    ("israel-daily", "/politics/knesset-debate-abraham-accords-expansion.html"),
    ("israel-daily", "/business/abraham-accords-trade-corridor-exports.html"),
    ("israel-daily", "/he/abraham-accords-public-opinion-poll.html"),
    ("maghreb-news", "/ar/abraham-accords-morocco-israel-agriculture.html"),
    ("maghreb-news", "/fr/accords-abraham-tourisme-marrakech.html"),
    ("global-wire", "/ru/avraamovy-soglasheniya-transportnyj-koridor.html"),
    ("global-wire", "/news/abraham-accords-aviation-water-deals.html"),
}
IRRELEVANT = {
    ("israel-daily", "/sport/maccabi-haifa-hapoel-derby.html"),
    ("israel-daily", "/business/tel-aviv-climate-startup-series-b.html"),
    ("maghreb-news", "/fr/secheresse-recolte-olives-souss.html"),
    ("maghreb-news", "/ar/raja-wydad-derby.html"),
    ("maghreb-news", "/fr/hommage-abraham-serfaty-casablanca.html"),
    ("global-wire", "/ru/moskva-rekordnyj-snegopad.html"),
}
NEVER_REQUESTED = {
    ("israel-daily", "/private/accords-leak.html"),  # robots.txt
    ("israel-daily", "/politics/abraham-accords-five-years-on.html"),  # feed entry 45 days old
    ("maghreb-news", "/ar/abraham-accords-seminar-rabat.html"),  # sitemap entry 40 days old
    ("israel-daily", "/media/signing.jpg"),
    ("israel-daily", "/files/report.pdf"),
    ("israel-daily", "/audio/podcast.mp3"),
}
TERMS = ["Abraham Accords", "اتفاقيات أبراهام", "הסכמי אברהם", "accords d'Abraham", "Авраамовы соглашения"]


def write_config(folder: Path, newsroom: Newsroom, database_url: str, extra_sources: str = "") -> Path:
    israel, maghreb, wire = (newsroom.sites[name] for name in SITES)
    path = folder / "accords.toml"
    path.write_text(
        f"""
[database]
url = "{database_url}"

[topic]
terms = {json.dumps(TERMS, ensure_ascii=False)}

[crawl]
download_delay = 0

[[sources]]
name = "israel-daily"
feeds = ["{israel}/feed.xml"]
start_urls = ["{israel}/"]
max_depth = 2
language = "en"
keep_html = true

[[sources]]
name = "maghreb-news"
sitemaps = ["{maghreb}/sitemap_index.xml"]
start_urls = ["{maghreb}/"]

[[sources]]
name = "global-wire"
feeds = ["{wire}/atom.xml"]
start_urls = ["{wire}/"]
{extra_sources}""",
        encoding="utf-8",
    )
    return path


def accords(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ACCORDS, "--config", str(config), *args], capture_output=True, text=True,
                          timeout=180, check=False)


def requested_since(newsroom: Newsroom, before: dict[str, int]) -> set[tuple[str, str]]:
    return {(site, target) for site in SITES for target in newsroom.requests(site)[before[site]:]}


def request_counts(newsroom: Newsroom) -> dict[str, int]:
    return {site: len(newsroom.requests(site)) for site in SITES}


def stored_articles(database_url: str) -> dict[str, dict[str, Any]]:
    engine = make_engine(database_url)
    with Session(engine) as session:
        rows = session.execute(select(Article, Source.name).join(Source)).all()
        records = {
            article.canonical_url: {
                "id": article.id, "source": source, "url": article.url, "title": article.title,
                "authors": article.authors, "published_at": article.published_at,
                "modified_at": article.modified_at, "language": article.language,
                "site_name": article.site_name, "matched_terms": article.matched_terms,
                "relevance_score": article.relevance_score, "word_count": article.word_count,
                "body": article.body,
            }
            for article, source in rows
        }
    engine.dispose()
    return records


def runs(database_url: str) -> list[tuple[str, RunStatus, int, int, int]]:
    engine = make_engine(database_url)
    with Session(engine) as session:
        rows = session.execute(
            select(Source.name, CrawlRun.status, CrawlRun.articles_stored, CrawlRun.duplicates_skipped,
                   CrawlRun.errors).join(Source).order_by(CrawlRun.id)
        ).all()
    engine.dispose()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def test_crawl_stores_each_relevant_article_once_and_never_refetches(
    newsroom: Newsroom, database_url: str, tmp_path: Path
) -> None:
    config = write_config(tmp_path, newsroom, database_url)
    before = request_counts(newsroom)
    first = accords(config, "crawl")
    assert first.returncode == 0, first.stdout + first.stderr
    assert first.stdout.startswith("crawling 3 source(s): israel-daily, maghreb-news, global-wire\n")
    for site in SITES:
        assert f"] {site}: ok - " in first.stdout
    assert "8 new article(s) stored; 0 of 3 source(s) failed" in first.stdout

    articles = stored_articles(database_url)
    assert set(articles) == {newsroom.url(site, path) for site, path in STORED}

    base = newsroom.base_time
    summit = newsroom.url("israel-daily", "/politics/abraham-accords-anniversary-summit.html")
    assert {k: v for k, v in articles[summit].items() if k not in ("id", "body", "word_count",
                                                                    "relevance_score", "matched_terms")} == {
        "source": "israel-daily",
        "url": summit,
        "title": "Leaders mark Abraham Accords anniversary with new aviation and water pacts",
        "authors": ["Dana Levin", "Yossi Mizrahi"],
        "published_at": base - timedelta(hours=15),
        "modified_at": base - timedelta(hours=10),
        "language": "en",
        "site_name": "Israel Daily",
    }
    assert articles[summit]["matched_terms"]["Abraham Accords"]["title"] == 1
    assert articles[summit]["relevance_score"] >= 3.0
    assert "\n\n" in articles[summit]["body"] and "Cookie" not in articles[summit]["body"]
    assert articles[summit]["word_count"] == len(articles[summit]["body"].split())

    poll = newsroom.url("israel-daily", "/he/abraham-accords-public-opinion-poll.html")
    assert articles[poll]["title"] == "סקר: רוב הציבור תומך בהרחבת הסכמי אברהם"
    assert articles[poll]["authors"] == ["מיכל ברק"]
    assert articles[poll]["published_at"] == base - timedelta(hours=12, minutes=30)
    assert articles[poll]["language"] == "he"
    assert articles[poll]["modified_at"] is None
    # linked plainly from the home page and with utm_* parameters from the feed: stored once either way
    assert articles[poll]["url"] in (poll, poll + "?utm_source=rss&utm_medium=feed")
    assert set(articles[poll]["matched_terms"]) == {"הסכמי אברהם"}

    agriculture = newsroom.url("maghreb-news", "/ar/abraham-accords-morocco-israel-agriculture.html")
    assert articles[agriculture]["title"] == "المغرب وإسرائيل يطلقان مشاريع زراعية جديدة في إطار اتفاقيات أبراهام"
    assert articles[agriculture]["authors"] == ["يوسف العلوي"]
    assert articles[agriculture]["published_at"] == base - timedelta(hours=6)
    assert (articles[agriculture]["language"], articles[agriculture]["source"]) == ("ar", "maghreb-news")

    tourism = newsroom.url("maghreb-news", "/fr/accords-abraham-tourisme-marrakech.html")
    assert articles[tourism]["title"] == (
        "Tourisme : les accords d'Abraham dopent la fréquentation israélienne à Marrakech")
    assert articles[tourism]["modified_at"] == base - timedelta(hours=24)
    assert articles[tourism]["language"] == "fr"

    corridor = newsroom.url("global-wire", "/ru/avraamovy-soglasheniya-transportnyj-koridor.html")
    assert articles[corridor]["authors"] == ["Ирина Соколова"]
    assert articles[corridor]["published_at"] == base - timedelta(hours=9)
    assert articles[corridor]["language"] == "ru"
    assert articles[corridor]["source"] == "global-wire"

    syndicated = newsroom.url("global-wire", "/news/abraham-accords-aviation-water-deals.html")
    assert articles[syndicated]["published_at"] == base - timedelta(hours=11)
    assert articles[syndicated]["authors"] == ["Dana Levin"]

    engine = make_engine(database_url)
    with Session(engine) as session:
        kept = session.execute(select(Article.canonical_url, ArticleHtml.url).join(ArticleHtml)).all()
    engine.dispose()
    assert {canonical for canonical, _ in kept} == {a for a, r in articles.items() if r["source"] == "israel-daily"}

    first_requests = requested_since(newsroom, before)
    assert not first_requests & NEVER_REQUESTED
    assert ("israel-daily", "/old-path/accords-anniversary") in first_requests
    assert all(status is RunStatus.OK for _, status, *_ in runs(database_url))
    assert sum(stored for _, _, stored, _, _ in runs(database_url)) == 8

    # The second crawl stores nothing and downloads no article again, stored or off-topic.
    before = request_counts(newsroom)
    second = accords(config, "crawl")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "0 new article(s) stored; 0 of 3 source(s) failed" in second.stdout
    assert stored_articles(database_url) == articles
    second_requests = requested_since(newsroom, before)
    article_paths = {(site, path.split("?")[0]) for site, path in STORED | IRRELEVANT}
    assert not {(site, target.split("?")[0]) for site, target in second_requests} & article_paths
    assert ("israel-daily", "/feed.xml") in second_requests  # entry points are read every run
    second_runs = runs(database_url)[3:]
    assert [(name, status, stored) for name, status, stored, _, _ in second_runs] == [
        (name, RunStatus.OK, 0) for name in sorted(SITES, key=[r[0] for r in second_runs].index)]
    assert all(skipped > 0 for _, _, _, skipped, _ in second_runs)


def test_exports_have_the_documented_fields(newsroom: Newsroom, database_url: str, tmp_path: Path) -> None:
    config = write_config(tmp_path, newsroom, database_url)
    assert accords(config, "crawl", "global-wire").returncode == 0

    jsonl = accords(config, "export", "--format", "jsonl")
    assert jsonl.returncode == 0, jsonl.stderr
    records = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert len(records) == 2
    assert all(list(record) == list(EXPORT_FIELDS) for record in records)
    corridor = next(r for r in records if r["language"] == "ru")
    expected_published = (newsroom.base_time - timedelta(hours=9)).isoformat()
    assert corridor["published_at"] == expected_published
    assert corridor["published_at"].endswith("+00:00")
    assert corridor["source"] == "global-wire"
    assert corridor["authors"] == ["Ирина Соколова"]
    assert corridor["relevant"] is True and corridor["relevance_rule"] == "terms"
    assert corridor["countries"]["AE"] >= 1  # Abu Dhabi, in the title

    out = tmp_path / "export.csv"
    csv_run = accords(config, "export", "--format", "csv", "--output", str(out))
    assert csv_run.returncode == 0 and "2 article(s) written" in csv_run.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(rows[0]) == list(EXPORT_FIELDS)
    assert {row["canonical_url"] for row in rows} == {r["canonical_url"] for r in records}
    assert json.loads(next(r for r in rows if r["language"] == "ru")["authors"]) == ["Ирина Соколова"]

    later = (newsroom.base_time + timedelta(hours=1)).isoformat()
    assert accords(config, "export", "--since", later).stdout == ""

    listing = accords(config, "articles", "--json", "--limit", "1")
    assert [r["canonical_url"] for r in json.loads(listing.stdout)] == [records[-1]["canonical_url"]]


def test_unreachable_source_is_reported_and_others_go_on(
    newsroom: Newsroom, database_url: str, tmp_path: Path
) -> None:
    dead = '\n[[sources]]\nname = "dead-site"\nfeeds = ["http://127.0.0.1:9/feed.xml"]\n'
    config = write_config(tmp_path, newsroom, database_url, extra_sources=dead)
    result = accords(config, "crawl", "global-wire", "dead-site")
    assert result.returncode == 1
    assert "dead-site: failed - 0 pages, 0 stored, 0 duplicates, 1 errors" in result.stdout
    assert "    no feed, sitemap or start URL could be fetched" in result.stdout
    assert "http://127.0.0.1:9/feed.xml: DownloadConnectionRefusedError: Connection was refused" in result.stdout
    assert "2 new article(s) stored; 1 of 2 source(s) failed: dead-site" in result.stdout
    assert sorted((name, status) for name, status, *_ in runs(database_url)) == [
        ("dead-site", RunStatus.FAILED), ("global-wire", RunStatus.OK)]


def test_scrapy_crawl_works_from_the_repository_root(newsroom: Newsroom, tmp_path: Path) -> None:
    database = tmp_path / "scrapy.db"
    config = write_config(tmp_path, newsroom, f"sqlite:///{database}")
    result = subprocess.run(
        [SCRAPY, "crawl", "news", "-a", "source=global-wire", "-s", f"ACCORDS_CONFIG={config}",
         "-s", "LOG_LEVEL=WARNING"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=180, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert set(stored_articles(f"sqlite:///{database}")) == {
        newsroom.url("global-wire", "/ru/avraamovy-soglasheniya-transportnyj-koridor.html"),
        newsroom.url("global-wire", "/news/abraham-accords-aviation-water-deals.html"),
    }
    engine = make_engine(f"sqlite:///{database}")
    with Session(engine) as session:
        keys = set(session.scalars(select(SeenUrl.url_key)))
    engine.dispose()
    assert newsroom.url("global-wire", "/ru/moskva-rekordnyj-snegopad.html") in keys


def test_page_and_sitemap_limits_end_the_crawl_cleanly(newsroom: Newsroom, database_url: str,
                                                        tmp_path: Path) -> None:
    israel, maghreb = newsroom.sites["israel-daily"], newsroom.sites["maghreb-news"]
    config = tmp_path / "accords.toml"
    config.write_text(
        f'[database]\nurl = "{database_url}"\n[topic]\nterms = {json.dumps(TERMS, ensure_ascii=False)}\n'
        "[crawl]\ndownload_delay = 0\nconcurrent_requests_per_domain = 1\nmax_sitemap_urls = 1\n"
        f'[[sources]]\nname = "israel-daily"\nstart_urls = ["{israel}/"]\nmax_depth = 2\nmax_pages = 3\n'
        f'[[sources]]\nname = "maghreb-news"\nsitemaps = ["{maghreb}/sitemap-news.xml"]\n',
        encoding="utf-8",
    )
    result = accords(config, "crawl")
    assert result.returncode == 0, result.stdout + result.stderr
    engine = make_engine(database_url)
    with Session(engine) as session:
        stats = dict(session.execute(select(Source.name, CrawlRun.stats).join(Source)).all())
        statuses = set(session.scalars(select(CrawlRun.status)))
    engine.dispose()
    assert statuses == {RunStatus.OK}
    assert stats["israel-daily"]["finish_reason"] == "max_pages"
    assert stats["israel-daily"]["accords/max_pages_reached"] == 3
    assert stats["maghreb-news"]["accords/sitemap_urls_cut"] >= 1
    stored = stored_articles(database_url)
    assert len([a for a in stored.values() if a["source"] == "maghreb-news"]) <= 1
