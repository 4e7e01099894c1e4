"""A database outage reaches callers as `Unavailable`, and only an outage does: a PostgreSQL
server of the test's own is crashed and restarted under an open Database."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from callroom.errors import Unavailable
from callroom.storage import Database, open_database
from callroom.storage.db import open_database_when_up
from tests.conftest import PostgresServer


def one(database: Database) -> int:
    with database.reading() as session:
        return int(session.execute(text("SELECT 1")).scalar_one())


@pytest.fixture
def crashable_url(crashable_postgres: PostgresServer) -> str:
    return crashable_postgres.url(crashable_postgres.create_database())


@pytest.fixture
def crashable_database(crashable_url: str) -> Iterator[Database]:
    with open_database(crashable_url) as database:
        yield database


@pytest.mark.postgres
def test_while_the_server_is_down_a_transaction_is_unavailable_and_says_why(
    crashable_postgres: PostgresServer, crashable_database: Database
) -> None:
    one(crashable_database)
    crashable_postgres.crash()

    with pytest.raises(Unavailable) as caught:
        one(crashable_database)

    assert caught.value.field == "database"
    assert caught.value.headers["Retry-After"] == str(caught.value.retry_after_s)
    assert isinstance(caught.value.__cause__, DBAPIError)


@pytest.mark.postgres
def test_a_pooled_connection_left_stale_by_a_restart_is_replaced_not_handed_out(
    crashable_postgres: PostgresServer, crashable_database: Database
) -> None:
    one(crashable_database)  # the pool now holds a connection to the server about to restart

    crashable_postgres.crash()
    crashable_postgres.restart()

    assert one(crashable_database) == 1


@pytest.mark.postgres
def test_opening_a_database_while_the_server_is_down_waits_for_it(
    crashable_postgres: PostgresServer, crashable_url: str
) -> None:
    crashable_postgres.crash()
    with pytest.raises(Unavailable):
        open_database(crashable_url)
    restarted = threading.Timer(0.5, crashable_postgres.restart)
    restarted.start()

    database = open_database_when_up(crashable_url, threading.Event(), "test")
    restarted.join()

    assert database is not None
    with database:
        assert one(database) == 1


@pytest.mark.postgres
def test_waiting_for_the_database_ends_when_told_to_stop(
    crashable_postgres: PostgresServer, crashable_url: str
) -> None:
    crashable_postgres.crash()
    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()

    assert open_database_when_up(crashable_url, stop, "test") is None


@pytest.mark.parametrize("statement", ["SELECT * FROM no_such_table", "SELEC 1"])
def test_a_mistake_in_a_statement_is_the_databases_own_error_not_an_outage(
    database: Database, statement: str
) -> None:
    with pytest.raises(DBAPIError), database.reading() as session:
        session.execute(text(statement))
