"""Alembic owns the schema: it matches tables.py, and stored versions cannot be changed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from callroom.storage import (
    Database,
    ProgramRepository,
    RosterRepository,
    RosterSource,
    open_database,
)
from callroom.storage.db import alembic_config
from callroom.storage.tables import Base
from tests.factories import roster

if TYPE_CHECKING:
    from tests.conftest import PostgresServer

ROSTER = roster(("ada", 0, "day"), ("bea", 0, "night"), ("ada", 1, "call"))
CHANGES = [  # (what is refused, the statement that tries it)
    ("UPDATE on program_versions", "UPDATE program_versions SET source_text = 'rewritten'"),
    ("DELETE on program_versions", "DELETE FROM program_versions"),
    ("UPDATE on roster_versions", "UPDATE roster_versions SET status = 'rewritten'"),
    ("DELETE on roster_versions", "DELETE FROM roster_versions"),
    ("UPDATE on assignments", "UPDATE assignments SET shift_id = 'night'"),
    ("DELETE on assignments", "DELETE FROM assignments"),
]


def store_one_roster(database: Database) -> int:
    with database.session() as session:
        program = ProgramRepository(session).save_source("gs", "name: gs\n", "gs.yaml")
        return (
            RosterRepository(session)
            .add_version(
                program.id,
                ROSTER,
                source=RosterSource.SOLVE,
                status="OPTIMAL",
                objective=0,
                bound=0,
                report={},
            )
            .id
        )


def differences_from_tables(database: Database) -> list[object]:
    with database.engine.connect() as connection:
        return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


def test_the_migrations_build_exactly_the_tables_in_tables_py(database: Database) -> None:
    assert differences_from_tables(database) == []


@pytest.mark.parametrize(("change", "statement"), CHANGES, ids=[c for c, _ in CHANGES])
def test_a_raw_change_to_a_stored_version_is_refused(database: Database, change: str, statement: str) -> None:
    version_id = store_one_roster(database)
    refused = f"{change} refused: versions are never overwritten"
    with pytest.raises(IntegrityError, match=refused), database.engine.begin() as connection:
        connection.execute(text(statement))
    with database.session() as session:
        assert RosterRepository(session).load_roster(version_id) == ROSTER
        assert ProgramRepository(session).latest("gs") is not None


def test_opening_a_database_again_keeps_its_versions(database_url: str) -> None:
    with open_database(database_url) as database:
        version_id = store_one_roster(database)
    with open_database(database_url) as database, database.session() as session:
        assert RosterRepository(session).load_roster(version_id) == ROSTER


def test_downgrading_to_base_and_upgrading_again_rebuilds_the_schema(database: Database) -> None:
    store_one_roster(database)
    with database.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    with database.engine.connect() as connection:
        assert inspect(connection).get_table_names() == ["alembic_version"]
    with database.engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    assert differences_from_tables(database) == []
    store_one_roster(database)


def test_sqlite_connections_use_wal_and_enforce_foreign_keys(tmp_path: Path) -> None:
    with open_database(f"sqlite:///{tmp_path / 'callroom.db'}") as database:
        with database.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
        orphan = text(
            "INSERT INTO assignments (roster_version_id, person_id, day, shift_id, "
            "post_id) VALUES (42, 'ada', '2026-03-02', 'day', 'ward')"
        )
        with pytest.raises(IntegrityError, match="FOREIGN KEY"), database.engine.begin() as c:
            c.execute(orphan)


@pytest.fixture
def postgres_database(postgres_server: PostgresServer) -> Iterator[Database]:
    name = postgres_server.create_database()
    try:
        with open_database(postgres_server.url(name)) as database:
            yield database
    finally:
        postgres_server.drop_database(name)


@pytest.mark.postgres
@pytest.mark.parametrize("table", ["program_versions", "roster_versions", "assignments"])
def test_truncating_a_version_table_is_refused_on_postgresql(postgres_database: Database, table: str) -> None:
    store_one_roster(postgres_database)
    engine = postgres_database.engine
    with pytest.raises(IntegrityError, match="never overwritten"), engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {table} CASCADE"))
