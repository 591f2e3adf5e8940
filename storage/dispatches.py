"""Crawls the active scheduler hands to the workers (``[distributed]``), one ``crawl_dispatches`` row each.

The scheduler writes the row, then sends the task; a row still ``waiting`` (the broker did not take
it) is sent again later, by this scheduler or by the standby that takes over. A worker that takes
the task marks it ``started`` and links its run; a task delivered again because its worker died
finds that run still ``running`` and marks it ``abandoned`` before crawling again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.models import CrawlDispatch, DispatchState, RunStatus, Source, utc_now
from storage.runs import close_if_running

ERROR_CHARS = 2000
NOT_STARTED = (DispatchState.WAITING, DispatchState.QUEUED)
FINISHED = (DispatchState.DONE, DispatchState.SKIPPED, DispatchState.FAILED)


def queue_crawl(session: Session, source_id: int, due_at: datetime) -> int | None:
    """A new ``waiting`` dispatch of the source, or None when one has not started yet (the broker or
    the workers are down or busy: the crawl is due once, however many schedule times pass meanwhile)."""
    pending = session.scalar(select(CrawlDispatch.id).where(CrawlDispatch.source_id == source_id,
                                                            CrawlDispatch.state.in_(NOT_STARTED)))
    if pending is not None:
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
    """Dispatches sent longer than ``older_than`` ago that no worker has started: the broker may have lost
    them (a Redis restarted without persistence). They wait to be sent again; returns how many. When the
    broker had not lost it (the workers are busy), the copy costs a worker nothing: ``take_delivery``
    refuses a dispatch that has finished."""
    lost = session.scalars(select(CrawlDispatch).where(CrawlDispatch.state == DispatchState.QUEUED,
                                                       CrawlDispatch.sent_at < utc_now() - older_than)).all()
    for dispatch in lost:
        dispatch.state = DispatchState.WAITING
        dispatch.last_error = (f"sent at {dispatch.sent_at:%Y-%m-%d %H:%M:%S} UTC but not started by any worker "
                               f"within {older_than.total_seconds():g} s: sent again")
    return len(lost)


def mark_sent(session: Session, dispatch_id: int) -> None:
    session.execute(update(CrawlDispatch).where(CrawlDispatch.id == dispatch_id)
                    .values(send_attempts=CrawlDispatch.send_attempts + 1, sent_at=utc_now()))
    # one statement, so a worker that started the crawl meanwhile is never set back to queued
    session.execute(update(CrawlDispatch).where(CrawlDispatch.id == dispatch_id,
                                                CrawlDispatch.state == DispatchState.WAITING)
                    .values(state=DispatchState.QUEUED))


def mark_send_failed(session: Session, dispatch_id: int, error: str) -> None:
    dispatch = session.get_one(CrawlDispatch, dispatch_id)
    dispatch.send_attempts += 1
    dispatch.last_error = error[:ERROR_CHARS]


def take_delivery(session: Session, dispatch_id: int, worker: str) -> int | None:
    """A worker holding the source's lock starts the dispatched crawl. Returns the run an earlier
    delivery left ``running`` (its worker died: with the lock free, that crawl cannot still be
    going), which is marked ``abandoned``. Raises ``RepeatDelivery`` when the dispatch has finished
    already (the broker delivered a copy: a task sent again, or delivered again after a slow crawl)."""
    dispatch = session.get_one(CrawlDispatch, dispatch_id, with_for_update=True)
    if dispatch.state in FINISHED:
        raise RepeatDelivery(f"dispatch {dispatch_id} is {dispatch.state.value} already")
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


class RepeatDelivery(Exception):
    """The broker delivered a task whose crawl has finished; it is acknowledged and not run."""


def state_of(session: Session, dispatch_id: int) -> DispatchState:
    return session.get_one(CrawlDispatch, dispatch_id).state


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
