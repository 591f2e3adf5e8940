"""``/metrics`` (Prometheus text format) and ``/healthz`` for the service, on ``[service] listen``.

Metrics are read from the database at each scrape, so they survive restarts:
``accords_crawl_runs_total{source,status}``, ``accords_articles_stored_total{source}``,
``accords_pages_fetched_total{source}``, ``accords_last_success_timestamp_seconds{source}``,
``accords_source_stale{source}``, ``accords_running_crawls``, and with ``[distributed]``
``accords_crawl_dispatches{state}`` (waiting for the broker, queued, started).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CollectorRegistry, make_wsgi_app
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from crawler.config import AccordsConfig
from scheduler.health import source_statuses
from scheduler.jobs import running_crawls
from storage import dispatches
from storage.session import database

logger = logging.getLogger("accords.metrics")


class AccordsCollector(Collector):
    def __init__(self, config: AccordsConfig) -> None:
        self.config = config

    def collect(self) -> Iterator[Metric]:
        runs = CounterMetricFamily("accords_crawl_runs", "Crawl runs by source and final status",
                                   labels=["source", "status"])
        stored = CounterMetricFamily("accords_articles_stored", "Articles stored", labels=["source"])
        pages = CounterMetricFamily("accords_pages_fetched", "Pages fetched", labels=["source"])
        success = GaugeMetricFamily("accords_last_success_timestamp_seconds",
                                    "When the source's last successful run finished", labels=["source"])
        stale = GaugeMetricFamily("accords_source_stale", "1 when the source is stale", labels=["source"])
        for status in source_statuses(self.config):
            name = status.source.name
            for run_status, count in sorted(status.health.runs_by_status.items()):
                runs.add_metric([name, run_status], count)
            stored.add_metric([name], status.health.articles_total)
            pages.add_metric([name], status.health.pages_total)
            if status.health.last_success_at is not None:
                success.add_metric([name], status.health.last_success_at.timestamp())
            stale.add_metric([name], 1.0 if status.stale else 0.0)
        running = GaugeMetricFamily("accords_running_crawls", "Crawls running now")
        running.add_metric([], len(running_crawls()))
        yield from (runs, stored, pages, success, stale, running)
        if self.config.distributed.enabled:
            yield self._dispatches()

    def _dispatches(self) -> Metric:
        with database(self.config.database.url).Session() as session:
            summary = dispatches.summary(session)
        gauge = GaugeMetricFamily("accords_crawl_dispatches", "Crawls sent to the workers, by state",
                                  labels=["state"])
        for state, count in (("waiting", summary.waiting), ("queued", summary.queued), ("started", summary.started)):
            gauge.add_metric([state], count)
        return gauge


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        logger.debug(format, *args)


def serve_http(config: AccordsConfig, listen: str, healthy: Callable[[], bool],
               describe: Callable[[], str] = lambda: "ok") -> WSGIServer:
    """Start the HTTP endpoints on a daemon thread; returns the server (``server_port`` is bound).

    ``/healthz`` answers 200 with ``describe()`` ("ok", "standby") while ``healthy()``, else 503."""
    registry = CollectorRegistry(auto_describe=True)
    registry.register(AccordsCollector(config))
    metrics = make_wsgi_app(registry)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/metrics":
            return metrics(environ, start_response)
        if path == "/healthz":
            ok = healthy()
            start_response("200 OK" if ok else "503 Service Unavailable", [("Content-Type", "text/plain")])
            return [f"{describe()}\n".encode() if ok else b"scheduler not running\n"]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found: try /metrics or /healthz\n"]

    host, _, port = listen.rpartition(":")
    server = make_server(host, int(port), app, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, name="accords-http", daemon=True).start()
    return server
