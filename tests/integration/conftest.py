"""Integration fixtures: every test that takes `database_url` runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from callroom.storage import Database, open_database
from tests.conftest import PostgresServer, running_postgres
from tests.webhook_gateway import running_gateway


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of a fresh, empty database: a file in tmp_path, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'callroom.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = server.create_database()
    try:
        yield server.url(name)
    finally:
        server.drop_database(name)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """The database at `database_url`, migrated to head; closed after the test."""
    with open_database(database_url) as database:
        yield database


# A commit the database acknowledged must survive the crash these tests cause; the suite's shared
# server trades that away for speed (synchronous_commit = off).
DURABLE = "synchronous_commit = on\n"


@pytest.fixture
def crashable_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this test's own, which it may crash and restart without disturbing
    the other tests' server."""
    with running_postgres(DURABLE) as server:
        yield server


@pytest.fixture
def gateway() -> Iterator[str]:
    """A signature-checking SMS gateway on a loopback port (`tests.webhook_gateway.Gateway`
    records what it is sent); its URL."""
    with running_gateway() as url:
        yield url
