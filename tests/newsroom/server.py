"""Run the newsroom: one quiet HTTP server per site on 127.0.0.1, random free ports.

    python -m tests.newsroom.server --base-time 2026-11-28T12:00:00+00:00

All servers are bound before anything is rendered (pages link across sites by real
URL), then exactly one JSON line is printed to stdout::

    {"sites": {"israel-daily": "http://127.0.0.1:41234", ...}}

The process serves until stdin reaches EOF (unless ``--ignore-stdin``) or it gets
SIGTERM/SIGINT, then exits 0. Every site answers ``GET /__requests`` with the JSON
list of request targets (path and query) it has received, in order, excluding
``/__requests`` itself. Nothing is logged per request.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import signal
import socket
import sys
import threading
import traceback
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType
from urllib.parse import urlsplit

from tests.newsroom.archive import archive_response
from tests.newsroom.blocked import blocked_response
from tests.newsroom.content import SITES, Site
from tests.newsroom.context import Context
from tests.newsroom.discovery import BATCHEXECUTE_PATH, batchexecute_response, discovery_response
from tests.newsroom.faults import fault_response
from tests.newsroom.routes import HTML, JSON, Response, respond
from tests.newsroom.syndication import syndication_response

HOST = "127.0.0.1"
REQUESTS_PATH = "/__requests"
GZIP_MIN_BYTES = 1024
COMPRESSIBLE = ("text/", "application/xml", "application/rss+xml", "application/atom+xml",
                "application/json")


class SiteServer(ThreadingHTTPServer):
    """The HTTP server of one site, with its request log."""

    daemon_threads = True

    def __init__(self, site: Site) -> None:
        super().__init__((HOST, 0), NewsroomHandler)
        self.site = site
        self.context: Context | None = None
        self._log: list[str] = []
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}"

    def record(self, target: str) -> None:
        with self._lock:
            self._log.append(target)

    def request_log(self) -> list[str]:
        with self._lock:
            return list(self._log)

    def handle_error(self, request: object, client_address: object) -> None:
        """Stay quiet about clients that hang up; report anything else."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        traceback.print_exc()


class NewsroomHandler(BaseHTTPRequestHandler):
    """GET/HEAD for one site; everything is rendered at request time."""

    server: SiteServer
    protocol_version = "HTTP/1.1"
    server_version = "Newsroom/1.0"
    timeout = 30  # idle keep-alive connections are closed after this many seconds

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def do_POST(self) -> None:
        """Only the Google News decoding endpoint of ``/__discovery/`` takes a POST."""
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.record(f"POST {self.path}")
        context = self.server.context
        response = (batchexecute_response(body, dict(context.urls)) if context is not None
                    and urlsplit(self.path).path.endswith(BATCHEXECUTE_PATH) else Response(404, HTML, b"not found\n"))
        self._send(response, send_body=True)

    def log_message(self, format: str, *args: object) -> None:
        """No per-request logging."""

    def version_string(self) -> str:
        return self.server_version

    def _serve(self, *, send_body: bool) -> None:
        target = self.path
        if urlsplit(target).path == REQUESTS_PATH:
            body = json.dumps(self.server.request_log()).encode()
            response = Response(200, JSON, body, (("Cache-Control", "no-store"),))
        else:
            self.server.record(target)
            response = self._conditional(self._respond(target))
        self._send(response, send_body=send_body)

    def _conditional(self, response: Response) -> Response:
        """Feeds and sitemaps carry an ETag and Last-Modified; a request naming the current ETag gets a 304."""
        if response.status != 200 or "xml" not in response.content_type:
            return response
        etag = '"' + hashlib.sha1(response.body).hexdigest()[:16] + '"'
        base_time = self.server.context.base_time if self.server.context else None
        validators = (("ETag", etag),) + ((("Last-Modified", format_datetime(base_time, usegmt=True)),)
                                          if base_time else ())
        if self.headers.get("If-None-Match") == etag:
            return Response(304, response.content_type, b"", validators)
        return Response(response.status, response.content_type, response.body, response.headers + validators)

    def _send(self, response: Response, *, send_body: bool) -> None:
        body = response.body
        headers = list(response.headers)
        if response.content_type.startswith(COMPRESSIBLE):
            headers.append(("Vary", "Accept-Encoding"))
            if len(body) >= GZIP_MIN_BYTES and self._accepts_gzip():
                body = gzip.compress(body, mtime=0)
                headers.append(("Content-Encoding", "gzip"))
        promised = dict(headers).pop("X-Drop-After", None)  # a fault: promise more than is sent, then hang up
        headers = [(name, value) for name, value in headers if name != "X-Drop-After"]
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", promised or str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)
        if promised:
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)

    def _respond(self, target: str) -> Response:
        context = self.server.context
        if context is None:
            return Response(503, HTML, b"starting\n")
        try:
            site = self.server.site
            others = [url for name, url in context.urls.items() if name != site.name]
            return (fault_response(target, context.url(site.name, ""), others[0] if others else "")
                    or syndication_response(site.name, context.url(site.name, ""), context.base_time, target)
                    or discovery_response(site.name, context.url(site.name, ""), dict(context.urls),
                                          context.base_time, target)
                    or blocked_response(target, context.url(site.name, ""))
                    or archive_response(context.url(site.name, ""), context.base_time, target)
                    or respond(context, site, target))
        except Exception:
            traceback.print_exc()
            return Response(500, HTML, b"<!DOCTYPE html><title>500</title><h1>Server error</h1>\n")

    def _accepts_gzip(self) -> bool:
        accepted = self.headers.get("Accept-Encoding", "")
        return any(part.split(";")[0].strip() == "gzip" for part in accepted.split(","))


def parse_base_time(value: str) -> datetime:
    """An ISO 8601 timestamp with offset, truncated to whole seconds."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 timestamp: {value!r}") from error
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"--base-time needs a UTC offset: {value!r}")
    return moment.replace(microsecond=0)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.newsroom.server",
                                     description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--base-time", type=parse_base_time,
                        default=datetime.now(UTC).replace(microsecond=0),
                        help="'now' for the fictional newsroom (ISO 8601 with offset)")
    parser.add_argument("--ignore-stdin", action="store_true",
                        help="do not stop at EOF on stdin (stop with Ctrl-C or SIGTERM only)")
    return parser.parse_args(argv)


def _wait_for_eof(stop: threading.Event) -> None:
    """Set ``stop`` at EOF on stdin.

    Reads the raw file descriptor: a daemon thread blocked inside ``sys.stdin.buffer``
    holds its lock and makes interpreter shutdown abort ("could not acquire lock").
    """
    if sys.stdin is None:  # no stdin at all: only a signal stops the server
        return
    try:
        descriptor = sys.stdin.fileno()
        while os.read(descriptor, 4096):
            pass
    except (OSError, ValueError):
        pass
    stop.set()


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    servers = {name: SiteServer(site) for name, site in SITES.items()}
    context = Context(args.base_time, {name: s.base_url for name, s in servers.items()})
    for server in servers.values():
        server.context = context
    for server in servers.values():
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                         name=f"newsroom-{server.site.name}", daemon=True).start()

    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    if not args.ignore_stdin:
        threading.Thread(target=_wait_for_eof, args=(stop,), name="newsroom-stdin",
                         daemon=True).start()

    print(json.dumps({"sites": dict(context.urls)}), flush=True)
    while not stop.wait(0.2):
        pass
    for server in servers.values():
        server.shutdown()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
