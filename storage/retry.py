"""Retrying a unit of database work through an outage: a restarted server, a locked file, a full disk.

``with_retries`` runs the work (one whole transaction) again, with growing
pauses, while the failure is one the database recovers from by itself, for
at most ``budget`` seconds; then it raises ``DatabaseUnavailable``. Running a
write twice is safe: articles are inserted conflict-free on their canonical
URL, so a transaction that did commit before its connection died only finds
its rows already there.

Retried: every failure to connect or of a dropped connection; on PostgreSQL
the SQLSTATE classes 08 (connection), 53 (insufficient resources: disk full,
out of memory, too many connections), 57P (server shutting down or starting),
40 (serialization failure, deadlock) and 55000 (a database closed to new
connections for maintenance, ``ALLOW_CONNECTIONS false``); on SQLite a locked or busy
database, a full disk and I/O errors. Anything else (a missing table, a bad
value) is raised at once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

logger = logging.getLogger(__name__)

T = TypeVar("T")

FIRST_PAUSE_SECONDS = 0.5
MAX_PAUSE_SECONDS = 10.0
_RETRIED_SQLSTATE_PREFIXES = ("08", "53", "57P", "40", "55000")
_RETRIED_SQLITE_MESSAGES = ("locked", "busy", "disk", "full", "i/o", "unable to open")


class DatabaseUnavailable(RuntimeError):
    """The database stayed unusable for the whole retry budget."""


def is_transient(error: DBAPIError) -> bool:
    """Whether ``error`` is one a database recovers from without anyone changing the data or the code."""
    if error.connection_invalidated:
        return True
    if not isinstance(error, (OperationalError, InterfaceError)):
        return False
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate is not None:
        return str(sqlstate).startswith(_RETRIED_SQLSTATE_PREFIXES)
    message = str(error.orig).lower()
    if type(error.orig).__module__.startswith("sqlite3"):
        return any(word in message for word in _RETRIED_SQLITE_MESSAGES)
    return True  # psycopg without a SQLSTATE: the connection could not be made or was lost


def short_reason(error: BaseException) -> str:
    """The first line of the driver's message, without SQLAlchemy's statement and parameters."""
    origin = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    lines = str(origin).strip().splitlines()
    return f"{type(origin).__name__}: {lines[0] if lines else ''}".rstrip(": ")


def with_retries(
    work: Callable[[], T],
    budget: float,
    what: str,
    on_retry: Callable[[str], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """``work()``, run again after transient database failures for at most ``budget`` seconds.

    ``on_retry`` is called with the reason before each pause.
    """
    deadline = time.monotonic() + budget
    pause = FIRST_PAUSE_SECONDS
    attempts = 0
    while True:
        attempts += 1
        try:
            return work()
        except DBAPIError as error:
            if not is_transient(error):
                raise
            reason = short_reason(error)
            if time.monotonic() + pause > deadline:
                raise DatabaseUnavailable(
                    f"{what}: the database was unavailable for {budget:g} s "
                    f"({attempts} attempt{'' if attempts == 1 else 's'}): {reason}"
                ) from error
            logger.warning("%s failed (%s); retrying in %.1f s", what, reason, pause)
            if on_retry is not None:
                on_retry(reason)
            sleep(pause)
            pause = min(pause * 2, MAX_PAUSE_SECONDS)
