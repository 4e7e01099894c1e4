"""Telling an outage from a mistake, and the backoff while one lasts (pure logic)."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

from callroom.errors import Unavailable
from callroom.storage.outage import Backoff, is_outage, outages_unavailable


class DriverError(Exception):
    """A driver's exception with a SQLSTATE, as psycopg's carry one (None: the client's side)."""

    def __init__(self, message: str, sqlstate: str | None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def wrapped(
    kind: type[OperationalError | InterfaceError | IntegrityError],
    orig: Exception,
    *,
    invalidated: bool = False,
) -> OperationalError | InterfaceError | IntegrityError:
    return kind("SELECT 1", {}, orig, connection_invalidated=invalidated)


@pytest.mark.parametrize(
    ("error", "outage"),
    [
        (wrapped(OperationalError, DriverError("connection refused", None)), True),
        (wrapped(OperationalError, DriverError("the database system is starting up", "57P03")), True),
        (
            wrapped(OperationalError, DriverError("terminating connection: administrator command", "57P01")),
            True,
        ),
        (wrapped(OperationalError, DriverError("connection failure", "08006")), True),
        (wrapped(InterfaceError, DriverError("the connection is closed", None)), True),
        (
            wrapped(OperationalError, DriverError("server closed the connection", "XX000"), invalidated=True),
            True,
        ),
        (wrapped(OperationalError, DriverError("deadlock detected", "40P01")), False),
        (
            wrapped(OperationalError, DriverError("canceling statement due to statement timeout", "57014")),
            False,
        ),
        (wrapped(IntegrityError, DriverError("duplicate key", "23505")), False),
        (wrapped(OperationalError, sqlite3.OperationalError("database is locked")), False),
        (wrapped(OperationalError, sqlite3.OperationalError("no such table: pages")), False),
        (wrapped(InterfaceError, sqlite3.InterfaceError("Error binding parameter 1")), False),
        (ValueError("not a database error at all"), False),
    ],
    ids=[
        "refused",
        "starting up",
        "shut down by an administrator",
        "connection failure",
        "closed connection",
        "a connection SQLAlchemy saw drop",
        "a deadlock is a retry, not an outage",
        "a statement timeout",
        "a broken constraint",
        "a locked SQLite file",
        "a missing table",
        "a bad parameter",
        "anything else",
    ],
)
def test_is_outage(error: Exception, outage: bool) -> None:
    assert is_outage(error) is outage


def test_an_outage_inside_the_block_becomes_unavailable_from_the_original() -> None:
    refused = wrapped(OperationalError, DriverError("connection refused", None))

    with pytest.raises(Unavailable) as caught, outages_unavailable():
        raise refused

    assert caught.value.__cause__ is refused
    assert caught.value.headers == {"Retry-After": str(caught.value.retry_after_s)}


def test_any_other_error_passes_through_unchanged() -> None:
    locked = wrapped(OperationalError, sqlite3.OperationalError("database is locked"))

    with pytest.raises(OperationalError) as caught, outages_unavailable():
        raise locked

    assert caught.value is locked


def test_the_waits_double_up_to_the_cap_and_start_again_after_a_recovery() -> None:
    backoff = Backoff("worker", first_s=0.1, cap_s=1.0)
    error = wrapped(OperationalError, DriverError("connection refused", None))

    during = [backoff.failed(error) for _ in range(6)]
    backoff.succeeded()

    assert during == [0.1, 0.2, 0.4, 0.8, 1.0, 1.0]
    assert backoff.failed(error) == 0.1


def test_an_outage_is_logged_once_when_it_begins_and_once_when_it_ends(
    caplog: pytest.LogCaptureFixture,
) -> None:
    backoff = Backoff("worker-7")
    error = Unavailable("database", "unreachable")
    refused = DriverError("connection refused\nIs the server running?", None)
    error.__cause__ = wrapped(OperationalError, refused)

    for _ in range(20):
        backoff.failed(error)
    backoff.succeeded()
    backoff.succeeded()

    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2
    assert messages[0].startswith("worker-7: database unavailable (connection refused); retrying")
    assert messages[1].startswith("worker-7: database available again after")
