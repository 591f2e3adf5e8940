"""Portable "insert, skip rows that already exist", chosen per dialect in one place."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import FromClause
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage._arrays import array_parameter


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
    if dialect == "postgresql" and len(rows) > 1:
        _insert_arrays(session, table, _columns(rows), conflict_columns)
        return []
    if dialect == "sqlite" and len(rows) > 1 and _needs_no_conversion(session, table, rows[0]):
        names = list(rows[0])
        _insert_tuples_ignoring_conflicts(session, table, names, [tuple(row[name] for name in names) for row in rows],
                                          conflict_columns)
        return []
    session.execute(statement, list(rows))
    return []


def insert_new_rows(session: Session, table: FromClause, rows: Sequence[dict[str, Any]],
                    key_columns: Sequence[str]) -> None:
    """Insert rows that belong to rows this transaction inserted (the band keys, countries and kept page of
    a new article): no row with their key can exist yet.

    On PostgreSQL that is a plain INSERT: with ``ON CONFLICT`` the server makes each row a speculative
    insertion (an extra index probe and WAL record per row), which for the band keys of 50 articles cost
    1.1-1.2 ms of server CPU per article against 0.7 without. SQLite pays nothing for the clause, and its
    row ids can be reused after a delete, so there it stays ``insert_ignoring_conflicts``.
    """
    if session.get_bind().dialect.name == "postgresql" and len(rows) > 1:
        _insert_arrays(session, table, _columns(rows), None)
    else:
        insert_ignoring_conflicts(session, table, rows, key_columns)


def insert_new_columns(session: Session, table: FromClause, columns: Mapping[str, Sequence[Any]],
                       key_columns: Sequence[str]) -> None:
    """``insert_new_rows`` for rows given as one list per column, of integers or text (the band keys of a
    batch's new articles: thousands of rows, for which a dict each cost more than sending them)."""
    names = list(columns)
    count = len(columns[names[0]])
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql" and count > 1:
        _insert_arrays(session, table, columns, None)
    elif dialect == "sqlite" and count > 1:
        _insert_tuples_ignoring_conflicts(session, table, names, zip(*columns.values(), strict=True), key_columns)
    else:
        rows = [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]
        insert_new_rows(session, table, rows, key_columns)


def _columns(rows: Sequence[dict[str, Any]]) -> dict[str, list[Any]]:
    return {name: [row[name] for row in rows] for name in rows[0]}


def _insert_arrays(
    session: Session, table: FromClause, columns: Mapping[str, Sequence[Any]], conflict_columns: Sequence[str] | None,
) -> None:
    """PostgreSQL: the rows as one array per column, unnested by the server in one statement (without
    ``conflict_columns``, a plain INSERT: a clash raises).

    psycopg's executemany runs one INSERT per row (pipelined); this is one INSERT ... SELECT for them all.
    """
    names = list(columns)
    arrays = sa.func.unnest(*(
        array_parameter(f"column_{i}", columns[name], table.c[name].type)
        for i, name in enumerate(names)
    )).table_valued(*names).render_derived()
    statement = postgresql.insert(table).from_select(  # type: ignore[arg-type]
        names, sa.select(*(arrays.c[name] for name in names)))
    if conflict_columns is not None:
        statement = statement.on_conflict_do_nothing(index_elements=list(conflict_columns))
    session.execute(statement)


def _needs_no_conversion(session: Session, table: FromClause, row: dict[str, Any]) -> bool:
    """Whether SQLAlchemy passes every value of these columns to the driver as it is (integers, text)."""
    dialect = session.get_bind().dialect
    return all(table.c[name].type.dialect_impl(dialect).bind_processor(dialect) is None for name in row)


def _insert_tuples_ignoring_conflicts(
    session: Session, table: FromClause, names: Sequence[str], rows: Iterable[tuple[Any, ...]],
    conflict_columns: Sequence[str],
) -> None:
    """SQLite: the rows as tuples to sqlite3's ``executemany``, in C.

    Through SQLAlchemy each row's parameters are processed in Python first, which for the thousands of
    band-key rows of a batch cost more than the inserts themselves.
    """
    quote = session.get_bind().dialect.identifier_preparer.quote
    sql = (f"INSERT INTO {quote(str(table.name))} ({', '.join(map(quote, names))}) "  # type: ignore[attr-defined]
           f"VALUES ({', '.join('?' for _ in names)}) "
           f"ON CONFLICT ({', '.join(map(quote, conflict_columns))}) DO NOTHING")
    session.connection().exec_driver_sql(sql, list(rows))
