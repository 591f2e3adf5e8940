"""Apply the Alembic migrations: ``upgrade(engine)`` brings a database to the newest schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

MIGRATIONS = Path(__file__).with_name("migrations")
#: pg_advisory_xact_lock key held while migrating ('ACMG')
MIGRATION_LOCK_KEY = 0x41434D47


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database behind ``engine`` (idempotent), all steps in one transaction.

    On SQLite the migration runs with foreign keys off (batch mode rebuilds a
    table by copying and dropping it, which referencing tables would forbid;
    the keys are checked afterwards) and with an explicit BEGIN (pysqlite does
    not open a transaction before DDL by itself), so a failed migration leaves
    nothing half done.
    """
    config = alembic_config()
    with engine.connect() as connection:
        raw: Any = connection.connection.dbapi_connection if connection.dialect.name == "sqlite" else None
        if raw is not None:  # outside any transaction, where SQLite honours these
            raw.execute("PRAGMA foreign_keys=OFF")
            previous, raw.isolation_level = raw.isolation_level, None
        try:
            with connection.begin():
                if raw is not None:
                    connection.exec_driver_sql("BEGIN")
                elif connection.dialect.name == "postgresql":  # machines starting at once migrate one by one
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if raw is not None:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"migration left rows with broken foreign keys: {broken[:5]}")
        finally:
            if raw is not None:
                raw.isolation_level = previous
                raw.execute("PRAGMA foreign_keys=ON")


def is_current(engine: Engine) -> bool:
    """Whether the database is already at the newest revision."""
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads()) == heads
