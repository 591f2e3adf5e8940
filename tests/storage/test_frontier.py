"""The frontier: discovery without duplicates, due URLs, back-off and giving up, and validators."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.frontier import (
    MAX_ATTEMPTS,
    RETRY_BASE,
    Discovered,
    Outcome,
    due_urls,
    load_validators,
    record_discovered,
    record_outcomes,
    save_validators,
)
from storage.models import FrontierState, FrontierUrl, SeenUrl, UrlOutcome, utc_now
from storage.runs import ensure_source
from tests.support.plans import sqlite_plans


def row(session: Session, key: str) -> FrontierUrl:
    session.flush()
    found = session.scalars(select(FrontierUrl).where(FrontierUrl.url_key == key)).one()
    session.refresh(found)
    return found


def test_a_failing_url_is_retried_with_back_off_then_given_up(session: Session) -> None:
    wire = ensure_source(session, "wire", None)
    record_discovered(session, wire, [Discovered("https://w.example/a", "w.example/a", "feed"),
                                      Discovered("https://w.example/b", "w.example/b", "sitemap")])
    record_discovered(session, wire, [Discovered("https://w.example/a", "w.example/a", "link")])  # known: kept
    assert due_urls(session, wire) == [("https://w.example/a", "w.example/a"), ("https://w.example/b", "w.example/b")]
    assert row(session, "w.example/a").found_via == "feed"

    record_outcomes(session, wire, [Outcome("w.example/a", FrontierState.FAILED, "HTTP 503"),
                                    Outcome("w.example/b", FrontierState.FETCHED)])
    failed = row(session, "w.example/a")
    assert (failed.state, failed.attempts, failed.last_error) == (FrontierState.FAILED, 1, "HTTP 503")
    assert failed.next_attempt_at is not None
    assert abs(failed.next_attempt_at - (utc_now() + RETRY_BASE)) < timedelta(seconds=30)
    assert due_urls(session, wire) == []  # not due yet
    assert due_urls(session, wire, utc_now() + RETRY_BASE + timedelta(minutes=1)) == [("https://w.example/a",
                                                                                        "w.example/a")]
    record_outcomes(session, wire, [Outcome("w.example/a", FrontierState.FAILED, "HTTP 503")])
    second = row(session, "w.example/a")
    assert second.attempts == 2
    assert second.next_attempt_at is not None
    assert abs(second.next_attempt_at - (utc_now() + 2 * RETRY_BASE)) < timedelta(seconds=30)  # doubled
    for _ in range(MAX_ATTEMPTS - 2):
        record_outcomes(session, wire, [Outcome("w.example/a", FrontierState.FAILED, "HTTP 503")])
    given_up = row(session, "w.example/a")
    assert (given_up.state, given_up.attempts, given_up.next_attempt_at) == (FrontierState.SKIPPED, MAX_ATTEMPTS, None)
    assert given_up.last_error == f"gave up after {MAX_ATTEMPTS} failed attempts: HTTP 503"
    assert due_urls(session, wire, utc_now() + timedelta(days=30)) == []


def test_a_url_stored_by_a_crawl_cut_short_is_not_due_again(session: Session) -> None:
    wire, other = ensure_source(session, "wire", None), ensure_source(session, "other", None)
    record_discovered(session, wire, [Discovered("https://w.example/a", "w.example/a", "feed"),
                                      Discovered("https://w.example/b", "w.example/b", "feed")])
    session.add(SeenUrl(url_key="w.example/a", source_id=wire, outcome=UrlOutcome.STORED))
    session.add(SeenUrl(url_key="w.example/b", source_id=other, outcome=UrlOutcome.STORED))  # not this source's
    assert due_urls(session, wire) == [("https://w.example/b", "w.example/b")]
    assert row(session, "w.example/a").state is FrontierState.FETCHED
    assert row(session, "w.example/b").state is FrontierState.NEW


def test_due_urls_look_the_seen_keys_up_one_by_one_on_sqlite(tmp_path: Path) -> None:
    """Not ``url_key IN (every seen key of the source)``, which reads them all at every crawl's start."""
    def check(session: Session) -> None:
        wire = ensure_source(session, "wire", None)
        record_discovered(session, wire, [Discovered("https://w.example/a", "w.example/a", "feed")])
        due_urls(session, wire)

    plans = [plan for statement, plan in sqlite_plans(tmp_path, check).items()
             if statement.startswith("UPDATE frontier") and "seen_urls" in statement]
    assert len(plans) == 1
    assert any(step.startswith("SEARCH seen_urls USING INDEX") and "(url_key=?)" in step for step in plans[0]), plans
    assert not any("source_id" in step and "seen_urls" in step for step in plans[0]), plans


def test_validators_are_kept_per_source_and_url(session: Session) -> None:
    wire, daily = ensure_source(session, "wire", None), ensure_source(session, "daily", None)
    save_validators(session, wire, {"https://w.example/feed": ('"abc"', None)})
    save_validators(session, wire, {"https://w.example/feed": ('"def"', "Sat, 28 Nov 2026 12:00:00 GMT")})
    assert load_validators(session, wire) == {"https://w.example/feed": ('"def"', "Sat, 28 Nov 2026 12:00:00 GMT")}
    assert load_validators(session, daily) == {}
