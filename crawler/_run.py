"""What one crawl of one source knows while it runs, and how it ended."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storage.models import RunStatus
from storage.runs import RunCounts

MAX_ERRORS_KEPT = 50
#: finish reasons of a crawl that ended as planned (``max_pages``: the source's page limit)
COMPLETE_REASONS = frozenset({"finished", "closespider_pagecount", "max_pages"})


@dataclass
class SourceRun:
    source_id: int
    run_id: int
    entry_points: int
    #: articles dated since then are fetched again for their edits (``revisit_hours``; ``None``: never)
    revisit_since: datetime | None = None
    #: (url, url_key) of frontier URLs due now: left by an interrupted run, or failed and due again
    due: list[tuple[str, str]] = field(default_factory=list)
    #: URLs of recent articles fetched again for their edits (``revisit_hours``)
    revisits: list[str] = field(default_factory=list)
    #: url → (ETag, Last-Modified) of the source's feeds and sitemaps
    validators: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    #: when the last ``ok`` run started: a child sitemap last modified before it was read by it
    last_ok_start: datetime | None = None
    entry_points_reached: int = 0
    errors: list[str] = field(default_factory=list)
    error_count: int = 0

    def add_error(self, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(message)


@dataclass(frozen=True)
class RunOutcome:
    status: RunStatus
    counts: RunCounts
    error_text: str | None


def run_outcome(run: SourceRun, stats: dict[str, Any], finish_reason: str) -> RunOutcome:
    """``failed`` when no entry point (feed, sitemap, start URL) answered, articles could not be stored
    or the crawl broke off."""
    counts = RunCounts(
        pages_fetched=int(stats.get("response_received_count", 0)),
        articles_stored=int(stats.get("accords/articles_stored", 0)),
        duplicates_skipped=int(stats.get("accords/duplicates", 0))
        + int(stats.get("accords/skipped_seen", 0)),
        errors=run.error_count,
    )
    unreachable = run.entry_points > 0 and run.entry_points_reached == 0
    not_stored = int(stats.get("accords/not_stored", 0))
    failed = unreachable or not_stored > 0 or finish_reason not in COMPLETE_REASONS
    error_lines = list(run.errors)
    if unreachable:
        error_lines.insert(0, "no feed, sitemap or start URL could be fetched")
    elif finish_reason not in COMPLETE_REASONS:
        error_lines.insert(0, f"crawl stopped: {finish_reason}")
    if run.error_count > len(run.errors):
        error_lines.append(f"... and {run.error_count - len(run.errors)} more errors")
    return RunOutcome(
        status=RunStatus.FAILED if failed else RunStatus.OK,
        counts=counts,
        error_text="\n".join(error_lines) or None,
    )
