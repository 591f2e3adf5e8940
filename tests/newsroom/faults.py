"""Fault routes every site answers, for the service and fault tests.

``/__faults/hang?seconds=N`` answers after N seconds (at most 120): a source
that hangs past the crawl timeout.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

from tests.newsroom.routes import HTML, Response

FAULTS_PREFIX = "/__faults/"
MAX_HANG_SECONDS = 120.0


def fault_response(target: str) -> Response | None:
    """The response of a fault route, or None when ``target`` is not one."""
    parts = urlsplit(target)
    if not parts.path.startswith(FAULTS_PREFIX):
        return None
    name = parts.path.removeprefix(FAULTS_PREFIX).strip("/")
    query = parse_qs(parts.query)
    if name == "hang":
        time.sleep(min(float(query.get("seconds", ["60"])[0]), MAX_HANG_SECONDS))
        return Response(200, HTML, b"<!DOCTYPE html><title>late</title><p>finally</p>\n")
    return None
