"""The schedule syntax of the config: ``"every 30m"`` (units s, m, h, d) or a 5-field cron expression."""

from __future__ import annotations

import re
from dataclasses import dataclass

from apscheduler.triggers.cron import CronTrigger

_EVERY = re.compile(r"^every\s+(\d+)\s*([smhd])$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
SYNTAX = "expected 'every N' with a unit s, m, h or d (e.g. 'every 30m') or a cron expression (e.g. '*/20 6-23 * * *')"


@dataclass(frozen=True)
class Schedule:
    text: str
    #: seconds between runs, for "every N<unit>"
    interval: int | None = None
    #: the crontab expression otherwise
    crontab: str | None = None


def parse_schedule(text: str) -> Schedule:
    """A validated schedule; ``ValueError`` says what is wrong."""
    cleaned = " ".join(text.split())
    every = _EVERY.match(cleaned)
    if every:
        seconds = int(every.group(1)) * _UNIT_SECONDS[every.group(2).lower()]
        if seconds <= 0:
            raise ValueError(f"{text!r}: the interval must be positive")
        return Schedule(text=cleaned, interval=seconds)
    if len(cleaned.split(" ")) != 5:
        raise ValueError(f"{text!r}: {SYNTAX}")
    try:
        CronTrigger.from_crontab(cleaned)
    except ValueError as exc:
        raise ValueError(f"{text!r}: not a valid cron expression ({exc})") from None
    return Schedule(text=cleaned, crontab=cleaned)
