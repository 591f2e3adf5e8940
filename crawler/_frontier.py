"""What a crawl has to tell the frontier, gathered on the reactor thread and written in batches.

Discovered URLs (with the validators of the document that listed them) are written before their
requests are sent, so a crawl cut short leaves them ``new`` for the next run; outcomes are written
every ``OUTCOME_BATCH`` pages and when the crawl closes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from storage.frontier import Discovered, Outcome, record_discovered, record_outcomes, save_validators
from storage.models import FrontierState
from storage.retry import with_retries
from storage.session import database

OUTCOME_BATCH = 50


@dataclass
class FrontierBuffer:
    database_url: str
    source_id: int
    retry_seconds: float
    discovered: list[Discovered] = field(default_factory=list)
    validators: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    outcomes: list[Outcome] = field(default_factory=list)

    def discover(self, url: str, url_key: str, found_via: str) -> None:
        self.discovered.append(Discovered(url, url_key, found_via))

    def outcome(self, url_key: str, state: FrontierState, reason: str | None = None) -> None:
        self.outcomes.append(Outcome(url_key, state, reason))

    @property
    def outcomes_due(self) -> bool:
        return len(self.outcomes) >= OUTCOME_BATCH

    def flush(self) -> None:
        """Write what is pending in one transaction (retried while the database is unavailable)."""
        discovered, validators, outcomes = self.discovered, self.validators, self.outcomes
        if not (discovered or validators or outcomes):
            return
        self.discovered, self.validators, self.outcomes = [], {}, []
        db = database(self.database_url)

        def transaction() -> None:
            with db.Session.begin() as session:
                record_discovered(session, self.source_id, discovered)
                save_validators(session, self.source_id, validators)
                record_outcomes(session, self.source_id, outcomes)

        with_retries(transaction, self.retry_seconds, "recording the crawl's frontier")
