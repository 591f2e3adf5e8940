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
EXTERNAL_TABLES = frozenset({"apscheduler_jobs", "articles_fts", "articles_fts_data", "articles_fts_idx",
                             "articles_fts_content", "articles_fts_docsize", "articles_fts_config"})


#: columns and indexes made by hand-written migrations (full-text search)
EXTERNAL_NAMES = frozenset({"search_vector", "ix_articles_search_vector"})


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    if (type_ == "table" and name in EXTERNAL_TABLES) or name in EXTERNAL_NAMES:
        return False
    return not (type_ == "index" and name is not None and name.startswith("ix_apscheduler_jobs"))


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
