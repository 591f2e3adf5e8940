"""Crawls the active scheduler hands to the workers (``[distributed]``), one ``crawl_dispatches`` row each.

The scheduler writes the row, then sends the task; a row still ``waiting`` (the broker did not take
it) is sent again later, by this scheduler or by the standby that takes over. A worker that takes
the task marks it ``started`` and links its run; a task delivered again because its worker died
finds that run still ``running`` and marks it ``abandoned`` before crawling again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import CrawlDispatch, DispatchState, RunStatus, Source, utc_now
from storage.runs import close_if_running

ERROR_CHARS = 2000


def queue_crawl(session: Session, source_id: int, due_at: datetime) -> int | None:
    """A new ``waiting`` dispatch of the source, or None when one is already waiting (the broker is
    down: the crawl is due once, however many schedule times pass until it is back)."""
    waiting = session.scalar(select(CrawlDispatch.id).where(CrawlDispatch.source_id == source_id,
                                                            CrawlDispatch.state == DispatchState.WAITING))
    if waiting is not None:
        return None
    dispatch = CrawlDispatch(source_id=source_id, due_at=due_at, state=DispatchState.WAITING)
    session.add(dispatch)
    session.flush()
    return dispatch.id


def unsent(session: Session) -> list[tuple[int, str]]:
    """``(dispatch id, source name)`` of every ``waiting`` dispatch, oldest first."""
    rows = session.execute(select(CrawlDispatch.id, Source.name).join(Source)
                           .where(CrawlDispatch.state == DispatchState.WAITING)
                           .order_by(CrawlDispatch.due_at, CrawlDispatch.id))
    return [(dispatch_id, name) for dispatch_id, name in rows]


def resend_lost(session: Session, older_than: timedelta) -> int:
    """Dispatches sent longer than ``older_than`` ago that no worker has started: the broker lost them
    (a Redis restarted without persistence). Each waits to be sent again, unless a later crawl of its
    source already waits (then it is ``skipped``: one crawl is enough). Returns how many were lost."""
    lost = session.scalars(select(CrawlDispatch).where(CrawlDispatch.state == DispatchState.QUEUED,
                                                       CrawlDispatch.sent_at < utc_now() - older_than)
                           .order_by(CrawlDispatch.id)).all()
    waiting = set(session.scalars(select(CrawlDispatch.source_id)
                                  .where(CrawlDispatch.state == DispatchState.WAITING)).all())
    for dispatch in lost:
        reason = (f"sent at {dispatch.sent_at:%Y-%m-%d %H:%M:%S} UTC but not started by any worker within "
                  f"{older_than.total_seconds():g} s (the broker lost it)")
        if dispatch.source_id in waiting:
            finish(session, dispatch.id, DispatchState.SKIPPED, f"{reason}; a later crawl of the source waits")
            continue
        dispatch.state = DispatchState.WAITING
        dispatch.last_error = f"{reason}: sent again"
        waiting.add(dispatch.source_id)
    return len(lost)


def mark_sent(session: Session, dispatch_id: int) -> None:
    dispatch = session.get_one(CrawlDispatch, dispatch_id)
    dispatch.send_attempts += 1
    if dispatch.state is DispatchState.WAITING:  # a fast worker may have started it already
        dispatch.state = DispatchState.QUEUED
    dispatch.sent_at = utc_now()


def mark_send_failed(session: Session, dispatch_id: int, error: str) -> None:
    dispatch = session.get_one(CrawlDispatch, dispatch_id)
    dispatch.send_attempts += 1
    dispatch.last_error = error[:ERROR_CHARS]


def take_delivery(session: Session, dispatch_id: int, worker: str) -> int | None:
    """A worker starts the dispatched crawl. Returns the run an earlier delivery left ``running``
    (its worker died; the caller holds the source's lock, so that crawl cannot still be going),
    which is marked ``abandoned``."""
    dispatch = session.get_one(CrawlDispatch, dispatch_id)
    left = None
    if dispatch.run_id is not None and close_if_running(
        session, dispatch.run_id, RunStatus.ABANDONED,
        f"its worker ({dispatch.worker}) died mid-crawl; the task was delivered again",
    ):
        left = dispatch.run_id
    dispatch.state = DispatchState.STARTED
    dispatch.deliveries += 1
    dispatch.started_at = utc_now()
    dispatch.worker = worker[:255]
    dispatch.run_id = None
    return left


def record_run(session: Session, dispatch_id: int, run_id: int) -> None:
    session.get_one(CrawlDispatch, dispatch_id).run_id = run_id


def finish(session: Session, dispatch_id: int, state: DispatchState, error: str | None = None) -> None:
    dispatch = session.get_one(CrawlDispatch, dispatch_id)
    dispatch.state = state
    dispatch.finished_at = utc_now()
    if error is not None:
        dispatch.last_error = error[:ERROR_CHARS]


@dataclass(frozen=True)
class DispatchSummary:
    """What ``accords status`` says about the distributed queue."""

    waiting: int = 0
    oldest_waiting_due: datetime | None = None
    send_attempts: int = 0
    last_send_error: str | None = None
    queued: int = 0
    started: int = 0
    redelivered: int = 0


def summary(session: Session) -> DispatchSummary:
    counts = dict(session.execute(select(CrawlDispatch.state, func.count()).group_by(CrawlDispatch.state)).all())
    oldest = session.execute(select(CrawlDispatch.due_at, CrawlDispatch.send_attempts, CrawlDispatch.last_error)
                             .where(CrawlDispatch.state == DispatchState.WAITING)
                             .order_by(CrawlDispatch.due_at).limit(1)).first()
    redelivered = session.scalar(select(func.count()).select_from(CrawlDispatch)
                                 .where(CrawlDispatch.deliveries > 1)) or 0
    return DispatchSummary(
        waiting=counts.get(DispatchState.WAITING, 0),
        oldest_waiting_due=oldest[0] if oldest else None,
        send_attempts=oldest[1] if oldest else 0,
        last_send_error=oldest[2] if oldest else None,
        queued=counts.get(DispatchState.QUEUED, 0),
        started=counts.get(DispatchState.STARTED, 0),
        redelivered=redelivered,
    )
