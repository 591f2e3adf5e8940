"""The frontier: every article URL a source's crawls discovered, and what became of it.

A crawl records the URLs its feeds, sitemaps, search services and pages list (``record_discovered``)
before it fetches them, takes the due ones at its start (``due_urls``: new, or failed and due for
another attempt), and records each outcome (``record_outcomes``). A failed URL is tried again after
``RETRY_BASE`` doubled at each attempt, at most ``MAX_ATTEMPTS`` times, then given up (``skipped``)
with the reason. Feeds' and sitemaps' HTTP validators live here too (``http_validators``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from storage._upsert import insert_ignoring_conflicts
from storage.models import (
    Article,
    CrawlRun,
    FrontierState,
    FrontierUrl,
    HttpValidator,
    RunStatus,
    SeenUrl,
    utc_now,
)

MAX_ATTEMPTS = 3
RETRY_BASE = timedelta(minutes=30)
ERROR_CHARS = 1000


@dataclass(frozen=True)
class Discovered:
    url: str
    url_key: str
    found_via: str


@dataclass(frozen=True)
class Outcome:
    url_key: str
    state: FrontierState  # FETCHED, FAILED (tried again later) or SKIPPED (given up)
    reason: str | None = None


def record_discovered(session: Session, source_id: int, found: Iterable[Discovered]) -> None:
    """Add URLs not in the source's frontier yet, as ``new``."""
    now = utc_now()
    rows = {item.url_key: {"source_id": source_id, "url": item.url, "url_key": item.url_key,
                           "found_via": item.found_via, "first_seen_at": now, "updated_at": now,
                           "state": FrontierState.NEW.value, "attempts": 0} for item in found}
    if rows:
        insert_ignoring_conflicts(session, FrontierUrl.__table__, list(rows.values()), ["source_id", "url_key"])


def due_urls(session: Session, source_id: int, now: datetime | None = None) -> list[tuple[str, str]]:
    """``(url, url_key)`` of the source's URLs to fetch now: new ones, and failed ones whose next attempt
    is due. URLs stored or judged off-topic meanwhile (by a crawl cut short before it recorded the
    outcome) are marked fetched instead."""
    now = now or utc_now()
    # one lookup by the unique url_key per due URL (``url_key IN (the source's seen keys)`` read all of them)
    seen = select(SeenUrl.id).where(SeenUrl.url_key == FrontierUrl.url_key, SeenUrl.source_id == source_id).exists()
    session.execute(update(FrontierUrl).where(FrontierUrl.source_id == source_id,
                                              FrontierUrl.state.in_((FrontierState.NEW, FrontierState.FAILED)),
                                              seen)
                    .values(state=FrontierState.FETCHED, updated_at=now))
    rows = session.execute(
        select(FrontierUrl.url, FrontierUrl.url_key).where(
            FrontierUrl.source_id == source_id,
            or_(FrontierUrl.state == FrontierState.NEW,
                (FrontierUrl.state == FrontierState.FAILED) & (FrontierUrl.next_attempt_at <= now)),
        ).order_by(FrontierUrl.id))
    return [(url, key) for url, key in rows]


def record_outcomes(session: Session, source_id: int, outcomes: Sequence[Outcome]) -> None:
    now = utc_now()
    final = [{"source": source_id, "key": outcome.url_key, "new_state": outcome.state.value, "now": now,
              "reason": outcome.reason[:ERROR_CHARS] if outcome.reason else None}
             for outcome in outcomes if outcome.state is not FrontierState.FAILED]
    if final:  # one statement, run for every row (most outcomes: pages fetched)
        table = cast(Table, FrontierUrl.__table__)
        session.connection().execute(
            update(table).where(table.c.source_id == bindparam("source"), table.c.url_key == bindparam("key"))
            .values(state=bindparam("new_state"), last_error=bindparam("reason"), next_attempt_at=None,
                    updated_at=bindparam("now")), final)
    for outcome in outcomes:
        if outcome.state is FrontierState.FAILED:
            _record_failure(session, source_id, outcome, now)


def _record_failure(session: Session, source_id: int, outcome: Outcome, now: datetime) -> None:
    """Try again later, after a back-off doubled at each attempt; give up after ``MAX_ATTEMPTS``."""
    row = session.scalar(select(FrontierUrl).where(FrontierUrl.source_id == source_id,
                                                   FrontierUrl.url_key == outcome.url_key))
    if row is None:
        return
    row.attempts += 1
    row.updated_at = now
    if row.attempts >= MAX_ATTEMPTS:
        row.state = FrontierState.SKIPPED
        row.next_attempt_at = None
        row.last_error = f"gave up after {row.attempts} failed attempts: {outcome.reason}"[:ERROR_CHARS]
    else:
        row.state = FrontierState.FAILED
        row.next_attempt_at = now + RETRY_BASE * 2 ** (row.attempts - 1)
        row.last_error = (outcome.reason or "")[:ERROR_CHARS] or None


def load_validators(session: Session, source_id: int) -> dict[str, tuple[str | None, str | None]]:
    """url → (ETag, Last-Modified) of the source's feeds and sitemaps."""
    rows = session.execute(select(HttpValidator.url, HttpValidator.etag, HttpValidator.last_modified)
                           .where(HttpValidator.source_id == source_id))
    return {url: (etag, modified) for url, etag, modified in rows}


def save_validators(session: Session, source_id: int, validators: dict[str, tuple[str | None, str | None]]) -> None:
    now = utc_now()
    for url, (etag, modified) in validators.items():
        row = session.scalar(select(HttpValidator).where(HttpValidator.source_id == source_id,
                                                         HttpValidator.url == url))
        if row is None:
            insert_ignoring_conflicts(session, HttpValidator.__table__, [
                {"source_id": source_id, "url": url, "etag": etag, "last_modified": modified, "updated_at": now}],
                ["source_id", "url"])
        else:
            row.etag, row.last_modified, row.updated_at = etag, modified, now


def revisit_urls(session: Session, source_id: int, since: datetime) -> list[str]:
    """URLs of the source's articles published (undated: first seen) since ``since``: fetched on every
    run so edits are kept as versions, even when the feed that lists them answers 304."""
    return list(session.scalars(select(Article.url).where(
        Article.source_id == source_id, func.coalesce(Article.published_at, Article.first_seen_at) >= since)))


def last_ok_start(session: Session, source_id: int) -> datetime | None:
    """When the source's last ``ok`` run started: sitemaps not modified since were read by it."""
    return session.scalar(select(func.max(CrawlRun.started_at)).where(CrawlRun.source_id == source_id,
                                                                     CrawlRun.status == RunStatus.OK))
