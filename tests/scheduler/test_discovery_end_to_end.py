"""Issue-11 crawls end to end, on both databases: query sources, conditional requests, sitemap lastmod,
pre-fetch filtering, block pages, and a killed crawl resuming from the frontier."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from storage.models import Article, CrawlRun, FrontierState, FrontierUrl, HttpValidator
from storage.session import make_engine
from tests.newsroom.archive import MONTHS, archive_article_numbers
from tests.newsroom.discovery import (
    BATCHEXECUTE_PATH,
    GDELT_DENIED,
    GDELT_MISSING,
    GDELT_PATH,
    GDELT_RELEVANT,
    GOOGLE_NEWS_BATCHEXECUTED,
    GOOGLE_NEWS_DECODED,
    GOOGLE_NEWS_NEW_ID,
    GOOGLE_NEWS_SEARCH_PATH,
    GOOGLE_NEWS_UNRESOLVABLE_ID,
    google_news_link,
    site_url,
)
from tests.newsroom.faults import many_article_title
from tests.newsroom.fixture import Newsroom
from tests.scheduler.test_crawl_end_to_end import ACCORDS, TERMS, accords
from tests.support.service import wait_for


def write_config(folder: Path, database_url: str, sources: str, database: str = "") -> Path:
    path = folder / "accords.toml"
    path.write_text(f'[database]\nurl = "{database_url}"\n{database}[topic]\n'
                    f"terms = {json.dumps(TERMS, ensure_ascii=False)}\n"
                    "[crawl]\ndownload_delay = 0\nretry_times = 0\n" + sources, encoding="utf-8")
    return path


def stored_urls(database_url: str) -> set[str]:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            return set(session.scalars(select(Article.canonical_url)))
    except DBAPIError:  # a crawl that has just started may not have created the tables yet
        return set()
    finally:
        engine.dispose()


def frontier(database_url: str) -> dict[str, tuple[str, FrontierState, int, str | None]]:
    """url → (found_via, state, attempts, last_error)."""
    engine = make_engine(database_url)
    with Session(engine) as session:
        rows = session.execute(select(FrontierUrl.url, FrontierUrl.found_via, FrontierUrl.state,
                                      FrontierUrl.attempts, FrontierUrl.last_error)).all()
    engine.dispose()
    return {url: (via, state, attempts, error) for url, via, state, attempts, error in rows}


def last_stats(database_url: str) -> dict[str, Any]:
    engine = make_engine(database_url)
    with Session(engine) as session:
        stats = session.scalars(select(CrawlRun.stats).order_by(CrawlRun.id.desc()).limit(1)).one()
    engine.dispose()
    return stats


def requests_of(newsroom: Newsroom, site: str, before: int) -> list[str]:
    return newsroom.requests(site)[before:]


def test_a_gdelt_source_fetches_what_the_service_lists_within_its_domains(
    newsroom: Newsroom, database_url: str, tmp_path: Path
) -> None:
    sites = newsroom.sites
    denied = sites["maghreb-news"].removeprefix("http://")
    config = write_config(tmp_path, database_url,
                          f'[[sources]]\nname = "gdelt"\ntype = "gdelt"\ntimespan = "3d"\n'
                          f'api_url = "{sites["global-wire"]}{GDELT_PATH}"\ndenied_domains = ["{denied}"]\n')
    before = {site: len(newsroom.requests(site)) for site in sites}
    result = accords(config, "crawl", "gdelt")
    assert result.returncode == 0, result.stdout + result.stderr

    assert stored_urls(database_url) == {site_url(sites, article) for article in GDELT_RELEVANT}
    search = [target for target in requests_of(newsroom, "global-wire", before["global-wire"])
              if target.startswith(GDELT_PATH)]
    assert len(search) == 1
    parameters = {key: values[0] for key, values in parse_qs(urlsplit(search[0]).query).items()}
    assert parameters == {"query": "(" + " OR ".join(f'"{term}"' for term in TERMS) + ")", "mode": "ArtList",
                          "format": "json", "timespan": "3d", "maxrecords": "250", "sort": "DateDesc"}
    assert GDELT_DENIED[1] not in requests_of(newsroom, "maghreb-news", before["maghreb-news"])
    rows = frontier(database_url)
    missing = site_url(sites, GDELT_MISSING)
    assert rows[missing] == ("gdelt", FrontierState.SKIPPED, 0, "HTTP 404")
    assert {url for url, row in rows.items() if row[1] is FrontierState.FETCHED} == {
        site_url(sites, article) for article in GDELT_RELEVANT}


def test_a_google_news_source_resolves_redirect_urls_or_records_why_not(
    newsroom: Newsroom, database_url: str, tmp_path: Path
) -> None:
    sites = newsroom.sites
    base = sites["israel-daily"]
    config = write_config(tmp_path, database_url,
                          f'[[sources]]\nname = "gnews"\ntype = "google_news"\nhl = "en-GB"\ngl = "GB"\n'
                          f'ceid = "GB:en"\napi_url = "{base}{GOOGLE_NEWS_SEARCH_PATH}"\n')
    before = len(newsroom.requests("israel-daily"))
    result = accords(config, "crawl")
    assert result.returncode == 0, result.stdout + result.stderr

    expected = {site_url(sites, article) for article in (*GOOGLE_NEWS_DECODED, GOOGLE_NEWS_BATCHEXECUTED)}
    assert stored_urls(database_url) == expected
    google = [target for target in requests_of(newsroom, "israel-daily", before) if "google-news" in target]
    assert len(google) == 5  # the search, two article pages (new-format IDs) and two batchexecute POSTs
    assert urlsplit(google[0]).path == GOOGLE_NEWS_SEARCH_PATH
    parameters = {key: values[0] for key, values in parse_qs(urlsplit(google[0]).query).items()}
    assert parameters == {"q": " OR ".join(f'"{term}"' for term in TERMS), "hl": "en-GB", "gl": "GB", "ceid": "GB:en"}
    article_pages = [urlsplit(google_news_link(base, article_id)) for article_id in
                     (GOOGLE_NEWS_NEW_ID, GOOGLE_NEWS_UNRESOLVABLE_ID)]
    assert sorted(google[1:]) == sorted([*(f"{page.path}?{page.query}" for page in article_pages),
                                         *[f"POST {BATCHEXECUTE_PATH}"] * 2])
    unresolvable = google_news_link(base, GOOGLE_NEWS_UNRESOLVABLE_ID)
    rows = frontier(database_url)
    assert rows[unresolvable][:2] == ("google_news", FrontierState.SKIPPED)
    assert rows[unresolvable][3] == ("Google News URL could not be resolved: Google's batchexecute answer holds "
                                     "no URL")
    assert google_news_link(base, GOOGLE_NEWS_NEW_ID) not in rows  # resolved: its publisher URL is listed
    assert last_stats(database_url)["accords/unresolved"] == 1


def test_unchanged_feeds_and_sitemaps_cost_one_request_and_no_parsing(
    newsroom: Newsroom, database_url: str, tmp_path: Path
) -> None:
    wire = newsroom.sites["global-wire"]
    config = write_config(tmp_path, database_url,
                          f'[[sources]]\nname = "wire"\nfeeds = ["{wire}/atom.xml"]\n'
                          f'[[sources]]\nname = "archive"\nsitemaps = ["{wire}/__archive/sitemap_index.xml"]\n'
                          "lookback_days = 800\n")
    before = len(newsroom.requests("global-wire"))
    first = accords(config, "crawl")
    assert first.returncode == 0, first.stdout + first.stderr
    first_requests = requests_of(newsroom, "global-wire", before)
    assert sum(target.startswith("/__archive/sitemap-") for target in first_requests) == MONTHS
    archived = {f"{wire}/__faults/many/{n}.html" for month in range(MONTHS) for n in archive_article_numbers(month)}
    assert archived <= stored_urls(database_url)
    engine = make_engine(database_url)
    with Session(engine) as session:
        validators = {url: etag for url, etag in session.execute(select(HttpValidator.url, HttpValidator.etag))}
    engine.dispose()
    assert validators.get(f"{wire}/atom.xml")

    middle = len(newsroom.requests("global-wire"))
    second = accords(config, "crawl")
    assert second.returncode == 0, second.stdout + second.stderr
    # the feed answered 304; of the archive, only the index and the month still changing were requested
    assert sorted(requests_of(newsroom, "global-wire", middle)) == sorted(
        ["/atom.xml", "/__archive/sitemap_index.xml", "/__archive/sitemap-0.xml", "/robots.txt", "/robots.txt"])
    engine = make_engine(database_url)
    with Session(engine) as session:
        stats = {name: run_stats for name, run_stats in session.execute(
            select(CrawlRun.id, CrawlRun.stats).order_by(CrawlRun.id.desc()).limit(2))}
    engine.dispose()
    merged: dict[str, int] = {}
    for run_stats in stats.values():
        for key in ("accords/not_modified", "accords/sitemaps_unchanged"):
            merged[key] = merged.get(key, 0) + int(run_stats.get(key, 0))
    assert merged == {"accords/not_modified": 1, "accords/sitemaps_unchanged": MONTHS - 1}


def test_prefilter_skips_entries_whose_title_cannot_match(newsroom: Newsroom, database_url: str, tmp_path: Path) -> None:
    israel = newsroom.sites["israel-daily"]
    source = f'[[sources]]\nname = "daily"\nfeeds = ["{israel}/feed.xml"]\nprefilter = true\n'
    config = write_config(tmp_path, database_url, source)
    before = len(newsroom.requests("israel-daily"))
    result = accords(config, "crawl")
    assert result.returncode == 0, result.stdout + result.stderr
    fetched = [t for t in requests_of(newsroom, "israel-daily", before) if t.endswith(".html")]
    assert "/sport/maccabi-haifa-hapoel-derby.html" not in fetched
    assert "/business/tel-aviv-climate-startup-series-b.html" not in fetched
    assert last_stats(database_url)["accords/prefiltered"] == 2  # the derby and the startup: no topic term
    assert {url.removeprefix(israel) for url in stored_urls(database_url)} == {
        "/he/abraham-accords-public-opinion-poll.html", "/politics/abraham-accords-anniversary-summit.html",
        "/politics/knesset-debate-abraham-accords-expansion.html"}


def test_block_pages_are_not_stored_and_flag_the_source(newsroom: Newsroom, database_url: str, tmp_path: Path) -> None:
    wire = newsroom.sites["global-wire"]
    config = write_config(tmp_path, database_url, f'[[sources]]\nname = "walled"\nfeeds = ["{wire}/__blocked/feed.xml"]\n')
    result = accords(config, "crawl")
    assert result.returncode == 0, result.stdout + result.stderr
    assert stored_urls(database_url) == {f"{wire}/__blocked/ok.html"}
    rows = frontier(database_url)
    reasons = {url.rsplit("/", 1)[1]: (row[1], row[3]) for url, row in rows.items()}
    assert reasons["ok.html"] == (FrontierState.FETCHED, None)
    for page in ("challenge.html", "consent.html", "paywall.html"):
        assert reasons[page][0] is FrontierState.SKIPPED and (reasons[page][1] or "").startswith("blocked: ")
    assert last_stats(database_url)["accords/blocked"] == 3
    status = accords(config, "status")
    assert status.returncode == 1
    assert "BLOCKED: walled: 3 of 4 pages in its last run were bot challenges, consent walls or paywall stubs" in (
        status.stdout)


def test_a_killed_crawl_resumes_from_the_frontier_without_refetching(
    newsroom: Newsroom, database_url: str, tmp_path: Path
) -> None:
    wire = newsroom.sites["global-wire"]
    config = write_config(tmp_path, database_url,
                          f'[[sources]]\nname = "many"\nfeeds = ["{wire}/__faults/many/feed.xml?n=12&delay=1"]\n',
                          "batch_size = 1\n")
    crawl = subprocess.Popen([ACCORDS, "--config", str(config), "crawl"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for(lambda: len(stored_urls(database_url)) >= 3, 60, "the first articles to be stored")
    finally:
        os.killpg(crawl.pid, signal.SIGKILL)
        crawl.wait()
    stored_first = stored_urls(database_url)
    assert 3 <= len(stored_first) < 12
    middle = len(newsroom.requests("global-wire"))

    second = accords(config, "crawl")
    assert second.returncode == 0, second.stdout + second.stderr
    again = {f"{wire}{target.split('?')[0]}" for target in requests_of(newsroom, "global-wire", middle)
             if target.startswith("/__faults/many/") and ".html" in target}
    assert not again & stored_first  # nothing stored by the killed crawl is fetched again
    assert len(stored_urls(database_url)) == 12
    stats = last_stats(database_url)
    assert stats.get("accords/not_modified") == 1  # the feed is unchanged: the URLs came from the frontier
    assert stats["accords/frontier_due"] == 12 - len(stored_first)  # what the killed crawl had not stored
    assert {row[1] for row in frontier(database_url).values()} == {FrontierState.FETCHED}
    titles = {many_article_title(i) for i in range(12)}
    engine = make_engine(database_url)
    with Session(engine) as session:
        assert set(session.scalars(select(Article.title))) == titles
    engine.dispose()
