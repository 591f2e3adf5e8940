"""Crawl dispatches (``[distributed]``): coalescing while the broker is down, lost tasks, redelivery."""

from __future__ import annotations

from datetime import timedelta

import pytest
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
    assert dispatches.queue_crawl(session, wire, utc_now()) is None  # queued, not started: still coalesced
    dispatches.take_delivery(session, first, "crawl-1 pid 100")
    dispatches.mark_sent(session, first)  # a late "sent" never sets a started crawl back to queued
    assert state(session, first)[0] is DispatchState.STARTED
    assert dispatches.queue_crawl(session, wire, utc_now()) is not None  # started: the next due time queues anew


def test_a_task_not_started_within_the_visibility_timeout_is_sent_again(session: Session) -> None:
    wire, daily = ensure_source(session, "wire", None), ensure_source(session, "daily", None)
    lost, recent = (dispatches.queue_crawl(session, source, utc_now()) for source in (wire, daily))
    assert lost is not None and recent is not None
    for dispatch_id in (lost, recent):
        dispatches.mark_sent(session, dispatch_id)
    assert dispatches.resend_lost(session, timedelta(minutes=5)) == 0  # sent just now
    session.execute(update(CrawlDispatch).where(CrawlDispatch.id == lost)
                    .values(sent_at=utc_now() - timedelta(minutes=10)))

    assert dispatches.resend_lost(session, timedelta(minutes=5)) == 1
    waiting = state(session, lost)
    assert waiting[0] is DispatchState.WAITING
    assert waiting[2] is not None and waiting[2].endswith("but not started by any worker within 300 s: sent again")
    assert dispatches.unsent(session) == [(lost, "wire")]


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
    with pytest.raises(dispatches.RepeatDelivery, match=f"dispatch {dispatch_id} is done already"):
        dispatches.take_delivery(session, dispatch_id, "crawl-3 pid 300")  # a copy the broker delivered late
