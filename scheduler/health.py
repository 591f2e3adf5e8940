"""Is each source healthy? Staleness rules and the rows of ``accords status``.

A source is *stale* when its last ``[service] stale_after_runs`` finished runs
all failed or found no new article page (nothing stored and nothing judged
off-topic), or when no run succeeded within ``stale_after_hours`` (once it
has runs). It is *failing* when its last run did not end ``ok``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from crawler.config import AccordsConfig, SourceConfig
from storage.health import SourceHealth, source_health
from storage.models import RunStatus, utc_now
from storage.session import database


@dataclass(frozen=True)
class SourceStatus:
    source: SourceConfig
    schedule: str
    health: SourceHealth
    stale: bool
    stale_reason: str | None

    @property
    def last_status(self) -> RunStatus | None:
        return self.health.recent_runs[0].status if self.health.recent_runs else None

    @property
    def failing(self) -> bool:
        return self.last_status not in (None, RunStatus.OK)

    @property
    def blocked_reason(self) -> str | None:
        """Set when most pages of the last run were bot challenges, consent walls or paywall stubs."""
        last = self.health.recent_runs[0] if self.health.recent_runs else None
        if last is None or last.blocked * 2 <= last.pages_parsed:
            return None
        return (f"{last.blocked} of {last.pages_parsed} pages in its last run were bot challenges, consent walls "
                "or paywall stubs")


def staleness(health: SourceHealth, runs: int, hours: float, now: datetime) -> str | None:
    """Why a source is stale, or None."""
    recent = health.recent_runs[:runs]
    if len(recent) >= runs and all(r.status is not RunStatus.OK or r.new_articles == 0 for r in recent):
        return f"last {runs} runs failed or found nothing new"
    if health.recent_runs and (health.last_success_at is None
                               or now - health.last_success_at > timedelta(hours=hours)):
        return f"no successful run in {hours:g} h"
    return None


def source_statuses(config: AccordsConfig) -> list[SourceStatus]:
    db = database(config.database.url)
    service = config.service
    now = utc_now()
    statuses = []
    with db.Session() as session:
        for source in config.enabled_sources:
            health = source_health(session, source.name, service.stale_after_runs)
            reason = staleness(health, service.stale_after_runs, service.stale_after_hours, now)
            statuses.append(SourceStatus(source, config.schedule_of(source), health, reason is not None, reason))
    return statuses
