"""SQLite's query plans of the statements a piece of code runs (to check which index a lookup uses)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from storage.migrate import upgrade
from storage.session import make_engine


def sqlite_plans(folder: Path, run: Callable[[Session], Any]) -> dict[str, list[str]]:
    """``run(session)`` on a migrated SQLite database: each statement it ran → its plan's steps."""
    engine = make_engine(f"sqlite:///{folder / 'plans.db'}")
    upgrade(engine)
    statements: list[tuple[str, Any]] = []
    event.listen(engine, "before_cursor_execute",
                 lambda _c, _cursor, statement, parameters, *_: statements.append((statement, parameters)))
    plans: dict[str, list[str]] = {}
    with Session(engine) as session:
        run(session)
        connection = session.connection()
        for statement, parameters in statements:
            if statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE")):
                plans[statement] = [row[-1] for row in
                                    connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
        session.rollback()
    engine.dispose()
    return plans
