"""Roster versions: numbered per program, written whole or not at all, loaded back unchanged."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from callroom.domain.roster import Roster
from callroom.storage import (
    Database,
    ProgramRepository,
    RosterRepository,
    RosterSource,
    RosterVersionRecord,
    VersionNotFound,
)
from tests.factories import every, roster

WEEK_ONE = roster(
    *every("ada", "day", range(5)),
    ("bea", 0, "night"),
    ("bea", 1, "night"),
    ("cal", 2, "call"),
    ("cal", 5, "home"),
    ("dee", 3, "clinic", "clinic"),
)
# The domain allows a bad roster with two shifts for one person on one day; the database not.
ADA_TWICE_ON_MONDAY = roster(("ada", 0, "day"), ("bea", 0, "night"), ("ada", 0, "night"))


def program_version(database: Database, name: str = "gs") -> int:
    with database.session() as session:
        return ProgramRepository(session).save_source(name, f"name: {name}\n", f"{name}.yaml").id


def add(
    session: Session, program_version_id: int, rota: Roster = WEEK_ONE, **overrides: Any
) -> RosterVersionRecord:
    fields: dict[str, Any] = {
        "source": RosterSource.SOLVE,
        "status": "OPTIMAL",
        "objective": 340,
        "bound": 300,
        "report": {"penalties": []},
    }
    fields.update(overrides)
    return RosterRepository(session).add_version(program_version_id, rota, **fields)


def add_committed(
    database: Database, program_version_id: int, rota: Roster = WEEK_ONE, **overrides: Any
) -> RosterVersionRecord:
    with database.session() as session:
        return add(session, program_version_id, rota, **overrides)


def count_rows(database: Database, table: str) -> int:
    with database.engine.connect() as connection:
        count: int = connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
        return count


def test_a_saved_roster_loads_back_equal_to_the_original(database: Database) -> None:
    version = add_committed(database, program_version(database))
    with database.session() as session:
        assert RosterRepository(session).load_roster(version.id) == WEEK_ONE


def test_an_empty_roster_loads_back_empty(database: Database) -> None:
    version = add_committed(database, program_version(database), Roster.of([]))
    with database.session() as session:
        assert RosterRepository(session).load_roster(version.id) == Roster(())


def test_a_version_keeps_its_source_status_scores_report_and_parent(database: Database) -> None:
    program = program_version(database)
    first = add_committed(database, program)
    report = {"penalties": [{"name": "Ada: 2 weekend requests refused", "points": 340}]}
    edit = add_committed(
        database,
        program,
        source=RosterSource.EDIT,
        status="EDITED",
        objective=None,
        bound=None,
        report=report,
        parent_id=first.id,
    )
    with database.session() as session:
        found = RosterRepository(session).get(edit.id)
    assert found == edit
    assert (found.source, found.status, found.parent_id) == (RosterSource.EDIT, "EDITED", first.id)
    assert (found.objective, found.bound, found.report) == (None, None, report)
    assert found.program_version_id == program


def test_roster_versions_number_one_two_three_per_program(database: Database) -> None:
    gs, vascular = program_version(database, "gs"), program_version(database, "vascular")
    numbers = [add_committed(database, pv).number for pv in (gs, vascular, gs, gs, vascular)]
    assert numbers == [1, 1, 2, 3, 2]
    with database.session() as session:
        listed = RosterRepository(session).list_versions("gs")
    assert [v.number for v in listed] == [1, 2, 3]


def test_latest_is_the_highest_numbered_version(database: Database) -> None:
    program = program_version(database)
    versions = [add_committed(database, program, status=f"run {i}") for i in range(3)]
    with database.session() as session:
        rosters = RosterRepository(session)
        assert rosters.latest("gs") == versions[-1]
        assert rosters.latest("cardiac") is None
        assert rosters.list_versions("cardiac") == []
        assert rosters.get(999) is None


def test_a_failing_roster_write_leaves_nothing_behind(database: Database) -> None:
    program = program_version(database)
    with pytest.raises(IntegrityError), database.session() as session:
        add(session, program, ADA_TWICE_ON_MONDAY)
    assert (count_rows(database, "roster_versions"), count_rows(database, "assignments")) == (0, 0)


def test_a_failing_roster_write_leaves_nothing_even_when_the_caller_commits(
    database: Database,
) -> None:
    program = program_version(database)
    with database.session() as session:
        with pytest.raises(IntegrityError):
            add(session, program, ADA_TWICE_ON_MONDAY)
        kept = add(session, program)
    assert kept.number == 1
    assert count_rows(database, "roster_versions") == 1
    assert count_rows(database, "assignments") == len(WEEK_ONE.assignments)


def test_a_parent_from_another_program_is_refused(database: Database) -> None:
    other = add_committed(database, program_version(database, "vascular"))
    gs = program_version(database, "gs")
    with pytest.raises(ValueError, match="another program"), database.session() as session:
        add(session, gs, parent_id=other.id)
    assert count_rows(database, "roster_versions") == 1


def test_unknown_versions_raise_version_not_found(database: Database) -> None:
    program = program_version(database)
    with database.session() as session:
        rosters = RosterRepository(session)
        with pytest.raises(VersionNotFound, match="999"):
            rosters.load_roster(999)
        with pytest.raises(VersionNotFound, match="program version"):
            add(session, 999)
        with pytest.raises(VersionNotFound, match="parent"):
            add(session, program, parent_id=999)


def test_concurrent_writers_get_consecutive_numbers(database: Database) -> None:
    program = program_version(database)
    with ThreadPoolExecutor(max_workers=1) as pool:
        with database.session() as first:
            assert add(first, program).number == 1
            # The second writer starts while the first still holds its uncommitted version 1.
            second = pool.submit(add_committed, database, program)
            wait_until_blocked(database, second.running)
        assert second.result(timeout=60).number == 2


def wait_until_blocked(database: Database, started: Callable[[], bool]) -> None:
    """Return once the other writer waits for our lock (or, on SQLite, has had time to)."""
    deadline = time.monotonic() + 30
    while not started() and time.monotonic() < deadline:
        time.sleep(0.01)
    if database.engine.dialect.name != "postgresql":
        # SQLite waits inside its busy handler, which nothing can observe; give it a moment.
        time.sleep(0.5)
        return
    waiting = text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
    with database.engine.connect() as connection:
        while connection.execute(waiting).scalar_one() == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
            connection.rollback()
