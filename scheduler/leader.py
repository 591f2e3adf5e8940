"""Exactly one active scheduler per PostgreSQL database: a session advisory lock on its own connection.

``accords serve`` on PostgreSQL takes ``SCHEDULER_LOCK_KEY`` before it schedules anything; a second
``serve`` finds it taken and waits as a hot standby, trying again every ``standby_poll_seconds``.
When the active scheduler dies, PostgreSQL drops its connection and with it the lock (TCP keepalives
on that connection bound how long a vanished machine keeps it), and the standby takes over. An
active scheduler whose lock connection breaks stops at once: a standby may already be active.
Each connection's ``application_name`` says who holds it, for ``accords status``.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from storage._locks import SCHEDULER_LOCK_KEY, try_session_lock
from storage.runs import this_process
from storage.session import make_engine

ACTIVE = "accords serve: active"
STANDBY = "accords serve: standby"
#: libpq keepalives and send timeout on the lock connection: a broken network ends it within seconds
_KEEPALIVES = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 3,
               "tcp_user_timeout": 15_000}


class SchedulerLock:
    """The lock connection of one ``accords serve``."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = make_engine(url, poolclass=NullPool, connect_args=_KEEPALIVES)
        self.connection: Connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        # the server drops a client that stops answering within seconds too, and so frees the lock
        for setting, value in (("tcp_keepalives_idle", 5), ("tcp_keepalives_interval", 2),
                               ("tcp_keepalives_count", 3)):
            self.connection.execute(text(f"SET {setting} = {value}"))
        self._name(STANDBY)
        self.held = False

    def try_take(self) -> bool:
        if not self.held and try_session_lock(self.connection, SCHEDULER_LOCK_KEY):
            self.held = True
            self._name(ACTIVE)
        return self.held

    def still_held(self) -> bool:
        """False when the lock connection is gone (the lock with it)."""
        try:
            self.connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def close(self) -> None:
        with contextlib.suppress(SQLAlchemyError):
            self.connection.close()
        self.engine.dispose()

    def _name(self, role: str) -> None:
        host, pid = this_process()
        self.connection.execute(text("SELECT set_config('application_name', :name, false)"),
                                {"name": f"{role} on {host} pid {pid}"[:63]})


@dataclass(frozen=True)
class Schedulers:
    active: str | None  # "HOST pid N" of the active scheduler
    standbys: int


def schedulers(connection: Connection) -> Schedulers:
    """Who holds the scheduler lock on this database, and how many standbys wait (``accords status``)."""
    names = connection.execute(select(text("application_name")).select_from(text("pg_stat_activity"))
                               .where(text("datname = current_database() AND application_name LIKE 'accords serve:%'"))
                               ).scalars().all()
    active = next((name.removeprefix(ACTIVE + " on ") for name in names if name.startswith(ACTIVE)), None)
    return Schedulers(active=active, standbys=sum(name.startswith(STANDBY) for name in names))
