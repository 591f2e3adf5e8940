"""Which database failures are retried, and for how long."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from storage.retry import DatabaseUnavailable, is_transient, with_retries


def pg(message: str, sqlstate: str | None) -> psycopg.Error:
    """The psycopg exception the server's SQLSTATE maps to (none: a failure to connect)."""
    return psycopg.errors.lookup(sqlstate)(message) if sqlstate else psycopg.OperationalError(message)


def operational(orig: Exception) -> OperationalError:
    return OperationalError("INSERT INTO articles ...", {"title": "x"}, orig)


@pytest.mark.parametrize(("error", "retried"), [
    (operational(sqlite3.OperationalError("database is locked")), True),
    (operational(sqlite3.OperationalError("database or disk is full")), True),
    (operational(sqlite3.OperationalError("disk I/O error")), True),
    (operational(sqlite3.OperationalError("no such table: articles")), False),
    (operational(pg("terminating connection due to administrator command", "57P01")), True),
    (operational(pg("the database system is starting up", "57P03")), True),
    (operational(pg("could not extend file: No space left on device", "53100")), True),
    (operational(pg('database "x" is not currently accepting connections', "55000")), True),
    (operational(pg("connection refused", None)), True),
    (operational(pg("canceling statement due to statement timeout", "57014")), False),
    (IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed")), False),
])
def test_transient_failures_are_told_from_the_rest(error: DBAPIError, retried: bool) -> None:
    assert is_transient(error) is retried


def test_work_is_run_again_until_it_succeeds() -> None:
    failures = [operational(sqlite3.OperationalError("database is locked"))] * 3
    pauses: list[float] = []
    reasons: list[str] = []

    def work() -> str:
        if failures:
            raise failures.pop()
        return "stored"

    assert with_retries(work, 60, "storing", on_retry=reasons.append, sleep=pauses.append) == "stored"
    assert pauses == [0.5, 1.0, 2.0]
    assert reasons == ["OperationalError: database is locked"] * 3


def test_the_budget_ends_with_a_clear_error() -> None:
    def work() -> None:
        raise operational(pg("connection refused\nIs the server running?", None))

    with pytest.raises(DatabaseUnavailable) as raised:
        with_retries(work, 0.2, "storing 3 articles of wire", sleep=lambda _: None)
    assert str(raised.value) == ("storing 3 articles of wire: the database was unavailable for 0.2 s "
                                 "(1 attempt): OperationalError: connection refused")


def test_other_failures_are_raised_at_once() -> None:
    calls = []

    def work() -> None:
        calls.append(1)
        raise operational(sqlite3.OperationalError("no such table: articles"))

    with pytest.raises(OperationalError):
        with_retries(work, 60, "storing", sleep=lambda _: None)
    assert calls == [1]
