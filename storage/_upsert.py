"""Portable "insert, skip rows that already exist", chosen per dialect in one place."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import FromClause
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_ignoring_conflicts(
    session: Session,
    table: FromClause,
    rows: Sequence[dict[str, Any]],
    conflict_columns: Sequence[str],
    returning: Sequence[str] = (),
) -> list[Any]:
    """Insert ``rows`` (dicts with the same keys); rows that clash on ``conflict_columns`` are skipped silently.

    Returns the ``returning`` columns of the rows actually inserted. The rows are sent as parameters of
    one cached statement (SQLAlchemy's "insertmanyvalues" batches them), not compiled into its text.
    """
    if not rows:
        return []
    dialect = session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if insert is None:
        raise NotImplementedError(f"no upsert for the {dialect!r} database")
    statement = insert(table).on_conflict_do_nothing(  # type: ignore[arg-type,attr-defined]
        index_elements=list(conflict_columns))
    if returning:
        statement = statement.returning(*(table.c[name] for name in returning))
        return list(session.execute(statement, list(rows)).all())
    session.execute(statement, list(rows))
    return []
