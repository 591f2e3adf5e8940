"""``column IN (values)``, with one bound parameter for all the values on PostgreSQL.

A plain IN list is rendered with a placeholder per value. For the thousands of band keys of a batch,
SQLAlchemy and psycopg then spend more time building and parsing the statement than the server spends
answering it (psycopg parses each new statement text, and each length is a new text). On PostgreSQL the
values go as one array (``= ANY(...)``), so the statement's text is the same for every batch. On
SQLite the plain IN list stays: unpacking one JSON parameter with ``json_each`` measured no faster there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, any_
from sqlalchemy.orm import InstrumentedAttribute, Session

from storage._arrays import array_parameter


def one_of(session: Session, column: InstrumentedAttribute[Any], values: Sequence[Any]) -> ColumnElement[bool]:
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(array_parameter(None, values, column.type))
    return column.in_(values)
