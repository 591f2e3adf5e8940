"""Parsing the dates pages declare into timezone-aware UTC datetimes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from email.utils import parsedate_to_datetime

#: Dates before this or more than a day in the future are page errors, not publication times.
EARLIEST_PLAUSIBLE = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_TOLERANCE = timedelta(days=1)


def parse_datetime(
    text: str | None, local: tzinfo = UTC, now: datetime | None = None
) -> datetime | None:
    """ISO 8601, RFC 822 or a plain date, as UTC; ``None`` when absent, invalid or implausible.

    A value without an offset is a wall-clock time in ``local`` (the source's
    timezone); a date alone is midnight there.
    """
    if not text or not text.strip():
        return None
    value = _parse(text.strip())
    if value is None:
        return None
    value = value.replace(tzinfo=local) if value.tzinfo is None else value
    value = value.astimezone(UTC)
    latest = (now or datetime.now(UTC)) + FUTURE_TOLERANCE
    return value if EARLIEST_PLAUSIBLE <= value <= latest else None


def _parse(text: str) -> datetime | None:
    candidate = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        pass
    try:
        return datetime.combine(date.fromisoformat(candidate[:10]), time())
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
