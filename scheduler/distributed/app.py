"""The Celery application, built from ``[distributed]`` the same way by the scheduler and the workers."""

from __future__ import annotations

from urllib.parse import urlsplit

from celery import Celery

from crawler.config import AccordsConfig

#: the one task: crawl a source (arguments: source name, crawl_dispatches id)
CRAWL_TASK = "accords.crawl"
#: seconds the scheduler waits for the broker before it records a send as failed
SEND_TIMEOUT = 3.0
#: how often each worker looks for tasks whose worker died (Redis); one cheap sorted-set query
RESTORE_SCAN_SECONDS = 5


def celery_app(config: AccordsConfig) -> Celery:
    distributed = config.distributed
    app = Celery("accords", broker=distributed.broker_url, set_as_current=False)
    app.conf.update(
        # a task is acknowledged when its crawl has ended, so a worker that dies mid-crawl loses nothing:
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # a busy worker holds no task another worker could run
        task_default_queue=distributed.queue,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        broker_transport_options={
            # Redis: a task taken by a worker that died is delivered again after this long
            "visibility_timeout": config.visibility_timeout,
            # ... found by a scan every few seconds (kombu's default scans every 100 s)
            "unacked_restore_interval": RESTORE_SCAN_SECONDS,
            "unacked_restore_throttle": 1,
            "socket_connect_timeout": SEND_TIMEOUT,
            "socket_timeout": 30,
        },
        broker_connection_timeout=SEND_TIMEOUT,
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,  # a worker waits out a broker outage
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
    )
    return app


def masked_broker(config: AccordsConfig) -> str:
    """The broker URL with its password hidden, for logs and ``accords status``."""
    url = config.distributed.broker_url
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1)).geturl()
