"""The active scheduler's side of ``[distributed]``: each due crawl is recorded, then sent to the broker.

``dispatch_crawl`` is the job function the scheduler runs at each source's schedule time instead of
``scheduler.jobs.crawl_source``. It writes a ``crawl_dispatches`` row and sends every row still
waiting. A send the broker refuses (it is down) leaves the row ``waiting``; ``Sender.keep_sending``
tries again every ``send_retry_seconds``, so an outage delays crawls without losing any, and a
standby that takes over sends what the old scheduler could not. A crawl sent but not started by
any worker within the visibility timeout (a broker restarted without its data) is sent again.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from celery import Celery

from crawler.config import AccordsConfig, load_config
from scheduler.distributed.app import CRAWL_TASK, celery_app
from storage import dispatches
from storage.models import utc_now
from storage.runs import ensure_source
from storage.session import database

logger = logging.getLogger("accords.dispatch")


class Sender:
    """Sends waiting dispatches to the broker, one pass at a time."""

    def __init__(self, config: AccordsConfig) -> None:
        self.config = config
        self.app: Celery = celery_app(config)
        self._pass = threading.Lock()
        self._broker_down = False

    def send_waiting(self) -> int:
        """Send every waiting dispatch, oldest first; stop at the first refusal. Returns how many were sent."""
        db = database(self.config.database.url)
        sent = 0
        with self._pass:
            with db.Session.begin() as session:
                lost = dispatches.resend_lost(session, timedelta(seconds=self.config.visibility_timeout))
                waiting = dispatches.unsent(session)
            if lost:
                logger.warning("%d crawl(s) sent earlier were never started by a worker (the broker lost them): "
                               "sending them again", lost)
            for dispatch_id, source in waiting:
                try:
                    self.app.send_task(CRAWL_TASK, args=[source, dispatch_id], queue=self.config.distributed.queue,
                                       retry=False)
                except Exception as exc:  # kombu and redis-py raise many kinds when the broker is away
                    reason = f"{type(exc).__name__}: {exc}".strip()
                    with db.Session.begin() as session:
                        dispatches.mark_send_failed(session, dispatch_id, reason)
                    if not self._broker_down:
                        logger.warning("broker unreachable, %d crawl(s) wait to be sent: %s", len(waiting) - sent,
                                       reason)
                    self._broker_down = True
                    break
                with db.Session.begin() as session:
                    dispatches.mark_sent(session, dispatch_id)
                sent += 1
                logger.info("source %s: crawl sent to the workers (dispatch %d)", source, dispatch_id)
            else:
                if self._broker_down and waiting:
                    logger.info("broker reachable again: %d waiting crawl(s) sent", sent)
                self._broker_down = False
        return sent

    def keep_sending(self, stop: threading.Event) -> threading.Thread:
        """A daemon thread retrying waiting dispatches every ``send_retry_seconds`` until ``stop`` is set."""
        def loop() -> None:
            while not stop.wait(self.config.distributed.send_retry_seconds):
                try:
                    self.send_waiting()
                except Exception:
                    logger.exception("sending waiting crawls failed; trying again")

        thread = threading.Thread(target=loop, name="accords-dispatch", daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        self.app.close()


_sender: Sender | None = None


def install(sender: Sender | None) -> None:
    """Make ``sender`` the one ``dispatch_crawl`` uses (the service does, when it becomes active)."""
    global _sender
    _sender = sender


def dispatch_crawl(config_path: str, source: str) -> None:
    """The scheduled job in ``[distributed]`` mode: record the due crawl of ``source`` and send it."""
    sender = _sender
    if sender is None:
        logger.error("source %s: due, but this process sends no crawls (not the active distributed scheduler)",
                     source)
        return
    config = load_config(config_path)
    due = utc_now()
    db = database(config.database.url)
    with db.Session.begin() as session:
        queued = dispatches.queue_crawl(session, ensure_source(session, source, config.source(source).language),
                                        due)
    if queued is None:
        logger.warning("source %s: due at %s, but its last crawl has not started yet (broker or workers down "
                       "or busy): one crawl is enough", source, _clock(due))
    sender.send_waiting()


def _clock(moment: datetime) -> str:
    return moment.strftime("%H:%M:%S")
