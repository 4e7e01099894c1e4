"""Migration 0011 gives each program version stored before it the instants its block holds the
present, read from its stored text, on SQLite and PostgreSQL; the versions stay write-once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from callroom.storage import Database, ProgramRepository
from callroom.storage.db import alembic_config, make_engine, upgrade_to_head

BLOCK = "hospital: {name: H, timezone: America/New_York}\nblock: {start: 2026-11-01, days: 28}\n"
YEAR = "hospital: {name: H, timezone: America/New_York}\nyear: {start: 2026-07-01, blocks: 13x4}\n"
NOT_A_PROGRAM = "name: gs\n"


def insert_version(database: Database, program_id: int, number: int, source: str) -> int:
    with database.engine.begin() as connection:
        return int(
            connection.execute(
                text(
                    "INSERT INTO program_versions (program_id, number, source_text, source_path, sha256, "
                    "created_at) VALUES (:program, :number, :source, 'p.yaml', :sha, :at) RETURNING id"
                ),
                {
                    "program": program_id,
                    "number": number,
                    "source": source,
                    "sha": f"{number:064d}",
                    "at": datetime(2026, 10, 1, tzinfo=UTC),
                },
            ).scalar_one()
        )


def test_versions_stored_before_the_migration_learn_their_blocks_instants(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0010")
    with Database(engine) as database:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO programs (id, name) VALUES (1, 'gs')"))
        block, year, other = (
            insert_version(database, 1, n, s) for n, s in enumerate((BLOCK, YEAR, NOT_A_PROGRAM), 1)
        )
        upgrade_to_head(engine)

        with database.reading() as session:
            found = {v: ProgramRepository(session).get_version(v) for v in (block, year, other)}
        held = found[block]
        assert held is not None and held.holds is not None
        # Midnight in New York: EDT on 1 November's first hour, EST after the clocks fall back.
        assert held.holds.start == datetime(2026, 11, 1, 4, tzinfo=UTC)
        assert held.holds.end == datetime(2026, 11, 29, 5, tzinfo=UTC)
        assert [found[v].holds for v in (year, other)] == [None, None]  # type: ignore[union-attr]
        with pytest.raises(IntegrityError, match="never overwritten"), engine.begin() as connection:
            connection.execute(text("UPDATE program_versions SET block_starts_at = NULL"))


def test_downgrading_past_0011_keeps_the_versions_write_once(database: Database) -> None:
    with database.session() as session:
        version = ProgramRepository(session).save_source("gs", BLOCK, "gs.yaml").id
    with database.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0010")

    with pytest.raises(IntegrityError, match="never overwritten"), database.engine.begin() as connection:
        connection.execute(text("UPDATE program_versions SET source_text = 'rewritten'"))
    upgrade_to_head(database.engine)
    with database.reading() as session:
        found = ProgramRepository(session).get_version(version)
    assert found is not None and found.holds is not None  # filled again from its text
