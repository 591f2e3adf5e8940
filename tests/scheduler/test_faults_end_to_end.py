"""Broken pages and feeds: each fault route's exact outcome, and the other sources go on (both databases)."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections import Counter
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Article, CrawlRun, RunStatus, Source
from storage.session import make_engine
from tests.newsroom.faults import CHARSET_PAGES, CHARSET_PARAGRAPHS, CHARSET_TITLES
from tests.newsroom.fixture import Newsroom
from tests.scheduler.test_crawl_end_to_end import ACCORDS, TERMS, accords


def test_fault_routes(newsroom: Newsroom, database_url: str, tmp_path: Path) -> None:
    faults = newsroom.url("israel-daily", "/__faults/")
    run = uuid.uuid4().hex[:8]  # the flaky page fails once per run id
    config = tmp_path / "accords.toml"
    config.write_text(
        f'[database]\nurl = "{database_url}"\n[topic]\nterms = {json.dumps(TERMS, ensure_ascii=False)}\n'
        "[crawl]\ndownload_delay = 0\ndownload_timeout = 3\nretry_times = 1\nmax_sitemap_urls = 5\nmax_response_mb = 20\n"
        f'[[sources]]\nname = "faulty"\nfeeds = ["{faults}feed.xml?run={run}", "{faults}not-a-feed.xml"]\n'
        f'sitemaps = ["{faults}bomb-sitemap.xml", "{faults}huge-sitemap.xml"]\n'
        f'[[sources]]\nname = "global-wire"\nfeeds = ["{newsroom.url("global-wire", "/atom.xml")}"]\n',
        encoding="utf-8",
    )
    before = len(newsroom.requests("israel-daily"))
    result = accords(config, "crawl")
    assert result.returncode == 0, result.stdout + result.stderr
    requests = Counter(path for path in newsroom.requests("israel-daily")[before:])

    engine = make_engine(database_url)
    with Session(engine) as session:
        runs = {name: (status, errors or "") for name, status, errors in session.execute(
            select(Source.name, CrawlRun.status, CrawlRun.error_text).join(Source)).all()}
        articles = {url.rsplit("/__faults/", 1)[-1]: article for url, article in session.execute(
            select(Article.canonical_url, Article).join(Source).where(Source.name == "faulty")).all()}
        wire = session.scalars(select(Article.canonical_url).join(Source).where(Source.name == "global-wire")).all()
        published = {name: (a.published_at, a.modified_at, len(a.title), a.field_sources.get("truncated"))
                     for name, a in articles.items()}
        texts = {name: (a.title, a.language, a.body[:60]) for name, a in articles.items()}
    engine.dispose()

    # the other source is untouched by the faults
    assert runs["global-wire"][0] is RunStatus.OK and len(wire) == 2
    status, errors = runs["faulty"]
    assert status is RunStatus.OK  # its feed and one sitemap answered
    # stored: the flaky page after its retry, the malformed, the badly dated and the huge-titled ones
    charset_routes = {f"charset/{name}": language for name, (language, _, _) in CHARSET_PAGES.items()}
    assert set(articles) == {f"flaky/{run}", "malformed", "bad-jsonld", "bad-dates", "huge-title?mb=11",
                             *charset_routes}
    # pages whose bytes and declared charset disagree (both ways) are stored as readable text
    for route, language in charset_routes.items():
        assert texts[route] == (CHARSET_TITLES[language], language, CHARSET_PARAGRAPHS[language][:60]), route
    assert published["bad-dates"][:2] == (None, None)  # 0000-00-00 and 2099 are not dates
    assert published["bad-jsonld"][0] is not None and published["bad-jsonld"][0].isoformat() == (
        "2026-11-27T10:00:00+00:00")  # the broken JSON-LD block is skipped, the meta tag used
    assert published["huge-title?mb=11"][2:] == (1000, "title")  # an 11 MB title, cut at max_title_chars
    # retried: 5xx and 429 twice (retry_times = 1), 404 and 410 once
    assert (requests["/__faults/status/500"], requests["/__faults/status/503"], requests["/__faults/status/429"],
            requests["/__faults/status/404"], requests["/__faults/status/410"], requests[f"/__faults/flaky/{run}"]) == (
        2, 2, 2, 1, 1, 2)
    # recorded with the reason
    for line in (f"{faults}status/500: HTTP 500", f"{faults}status/503: HTTP 503", f"{faults}status/404: HTTP 404",
                 f"{faults}status/410: HTTP 410", f"{faults}status/429: HTTP 429",
                 f"{faults}not-a-feed.xml: not an RSS/Atom feed",
                 f"{faults}bomb-sitemap.xml: sitemap could not be decompressed"):
        assert line in errors, line
    assert (f"{faults}hang?seconds=30: DownloadTimeoutError: Getting {faults}hang?seconds=30 took longer than 3.0 "
            "seconds.") in errors
    assert f"{faults}big?mb=50: response larger than max_response_mb (20 MB), not read" in errors
    assert f"{faults}drop: ResponseDataLossError: the connection closed before the whole response arrived" in errors
    # the 100,000-URL sitemap is cut at max_sitemap_urls: five archive URLs tried (they 404)
    assert sum(count for path, count in requests.items() if path.startswith("/archive/")) == 5
    # the binary page is neither stored nor an error; the off-site redirect is not followed
    assert "binary" not in articles and f"{faults}binary" not in errors
    assert requests["/__faults/redirect-offsite"] == 1
    # a redirect loop is given up after REDIRECT_MAX_TIMES (10) and recorded
    assert sum(count for path, count in requests.items() if path.startswith("/__faults/redirect-loop")) == 11
    assert f"{faults}redirect-loop: too many redirects (max redirections reached)" in errors


def test_two_crawls_of_one_source_at_once_store_each_article_once(
    newsroom: Newsroom, database_url: str, tmp_path: Path
) -> None:
    config = tmp_path / "accords.toml"
    config.write_text(
        f'[database]\nurl = "{database_url}"\n[topic]\nterms = {json.dumps(TERMS, ensure_ascii=False)}\n'
        "[crawl]\ndownload_delay = 0\n"
        f'[[sources]]\nname = "global-wire"\nfeeds = ["{newsroom.url("global-wire", "/atom.xml")}"]\n'
        f'start_urls = ["{newsroom.url("global-wire", "/")}"]\n',
        encoding="utf-8",
    )
    assert accords(config, "init-db").returncode == 0
    processes = [subprocess.Popen([ACCORDS, "--config", str(config), "crawl"], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [process.communicate(timeout=180) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    engine = make_engine(database_url)
    with Session(engine) as session:
        urls = session.scalars(select(Article.canonical_url)).all()
        stories = session.scalars(select(Article.story_id)).all()
        statuses = session.scalars(select(CrawlRun.status)).all()
    engine.dispose()
    assert sorted(urls) == sorted({
        newsroom.url("global-wire", "/ru/avraamovy-soglasheniya-transportnyj-koridor.html"),
        newsroom.url("global-wire", "/news/abraham-accords-aviation-water-deals.html")})
    assert len(set(stories)) == 2 and None not in stories
    assert statuses == [RunStatus.OK, RunStatus.OK]
