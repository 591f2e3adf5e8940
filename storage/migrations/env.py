"""Alembic environment: runs on the connection ``storage.migrate`` hands over.

Also usable from the ``alembic`` command line with ``-x url=DATABASE_URL``.
SQLite gets batch mode, so ALTERs work there too.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from storage.models import Base
from storage.session import make_engine

#: tables other code owns the layout of (APScheduler's job store; created by migration 0004)
EXTERNAL_TABLES = frozenset({"apscheduler_jobs"})


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    return not (type_ == "table" and name in EXTERNAL_TABLES) and not (
        type_ == "index" and name is not None and name.startswith("ix_apscheduler_jobs")
    )


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url") or context.config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("alembic: pass the database with -x url=DATABASE_URL")
    with make_engine(url).begin() as own_connection:
        run_migrations(own_connection)
