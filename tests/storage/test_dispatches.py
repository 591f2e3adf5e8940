"""Crawl dispatches (``[distributed]``): coalescing while the broker is down, lost tasks, redelivery."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from storage import dispatches
from storage.models import CrawlDispatch, CrawlRun, DispatchState, RunStatus, utc_now
from storage.runs import ensure_source, start_run


def state(session: Session, dispatch_id: int) -> tuple[DispatchState, int, str | None]:
    session.flush()
    row = session.get_one(CrawlDispatch, dispatch_id)
    session.refresh(row)
    return row.state, row.send_attempts, row.last_error


def test_one_crawl_per_source_waits_while_the_broker_is_down(session: Session) -> None:
    wire, daily = ensure_source(session, "wire", None), ensure_source(session, "daily", None)
    first = dispatches.queue_crawl(session, wire, utc_now())
    assert first is not None
    assert dispatches.queue_crawl(session, wire, utc_now()) is None  # still waiting: coalesced
    other = dispatches.queue_crawl(session, daily, utc_now())
    assert dispatches.unsent(session) == [(first, "wire"), (other, "daily")]

    dispatches.mark_send_failed(session, first, "OperationalError: Error 111 connecting to 127.0.0.1:6379")
    assert state(session, first) == (DispatchState.WAITING, 1, "OperationalError: Error 111 connecting to "
                                                                "127.0.0.1:6379")
    summary = dispatches.summary(session)
    assert (summary.waiting, summary.send_attempts, summary.queued) == (2, 1, 0)

    dispatches.mark_sent(session, first)
    assert state(session, first)[:2] == (DispatchState.QUEUED, 2)
    assert dispatches.unsent(session) == [(other, "daily")]
    assert dispatches.queue_crawl(session, wire, utc_now()) is not None  # sent: the next due time queues anew


def test_a_task_the_broker_lost_is_sent_again_unless_a_later_one_waits(session: Session) -> None:
    wire, daily = ensure_source(session, "wire", None), ensure_source(session, "daily", None)
    lost_wire, lost_daily = (dispatches.queue_crawl(session, source, utc_now()) for source in (wire, daily))
    assert lost_wire is not None and lost_daily is not None
    for dispatch_id in (lost_wire, lost_daily):
        dispatches.mark_sent(session, dispatch_id)
    assert dispatches.resend_lost(session, timedelta(minutes=5)) == 0  # sent just now: not lost yet
    session.execute(update(CrawlDispatch).values(sent_at=utc_now() - timedelta(minutes=10)))
    later = dispatches.queue_crawl(session, daily, utc_now())

    assert dispatches.resend_lost(session, timedelta(minutes=5)) == 2
    assert state(session, lost_wire)[0] is DispatchState.WAITING
    skipped = state(session, lost_daily)
    assert skipped[0] is DispatchState.SKIPPED
    assert skipped[2] is not None and skipped[2].endswith("(the broker lost it); a later crawl of the source waits")
    assert dispatches.unsent(session) == [(lost_wire, "wire"), (later, "daily")]


def test_a_task_delivered_again_abandons_the_run_its_dead_worker_left(session: Session) -> None:
    wire = ensure_source(session, "wire", None)
    dispatch_id = dispatches.queue_crawl(session, wire, utc_now())
    assert dispatch_id is not None
    dispatches.mark_sent(session, dispatch_id)
    assert dispatches.take_delivery(session, dispatch_id, "crawl-1 pid 100") is None
    left = start_run(session, wire)
    dispatches.record_run(session, dispatch_id, left)

    assert dispatches.take_delivery(session, dispatch_id, "crawl-2 pid 200") == left
    run = session.get_one(CrawlRun, left)
    assert run.status is RunStatus.ABANDONED
    assert run.error_text == "its worker (crawl-1 pid 100) died mid-crawl; the task was delivered again"
    row = session.get_one(CrawlDispatch, dispatch_id)
    assert (row.state, row.deliveries, row.worker, row.run_id) == (DispatchState.STARTED, 2, "crawl-2 pid 200", None)
    assert dispatches.summary(session).redelivered == 1

    dispatches.finish(session, dispatch_id, DispatchState.DONE)
    assert state(session, dispatch_id)[0] is DispatchState.DONE
