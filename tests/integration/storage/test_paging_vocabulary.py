"""The paging tables' vocabulary CHECKs, as the migrations build them, agree with the enums of
`callroom.domain.paging`, on SQLite and PostgreSQL: a value added to an enum without a migration
fails here, not in production."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from callroom.domain.paging import EventKind, Priority
from callroom.storage import Database
from callroom.storage.db import alembic_config, make_engine, upgrade_to_head
from callroom.storage.paging_records import NewEvent, NewPage
from callroom.storage.paging_repositories import PageRepository
from callroom.storage.paging_tables import VOCABULARIES

QUOTED = re.compile(r"'([^']*)'")


def checked_values(database: Database, table: str, name: str) -> set[str]:
    """The quoted values in the CHECK `name` of `table`, however the database spells it
    (SQLite keeps `x IN ('a', 'b')`, PostgreSQL rewrites it as `x = ANY (ARRAY['a', ...])`)."""
    with database.engine.connect() as connection:
        found = {c["name"]: c["sqltext"] for c in inspect(connection).get_check_constraints(table)}
    return set(QUOTED.findall(found[f"ck_{table}_{name}"]))


@pytest.mark.parametrize(("table", "column"), list(VOCABULARIES), ids=[f"{t}.{c}" for t, c in VOCABULARIES])
def test_each_vocabulary_check_allows_exactly_its_enums_values(
    database: Database, table: str, column: str
) -> None:
    vocabulary, name = VOCABULARIES[table, column]

    assert checked_values(database, table, name) == {member.value for member in vocabulary}


def add_page(database: Database) -> int:
    now = datetime.now(UTC)
    page = NewPage(
        now,
        "nurse-4",
        Priority.ROUTINE,
        "operators",
        "Bed 12",
        "x4410",
        None,
        False,
        None,
        {"wait_s": 60, "steps": [], "repeat": 0, "fallback": ["operators"]},
        (),
        now,
    )
    with database.session() as session:
        pages = PageRepository(session)
        (page_id,) = pages.add_pages([page])
        pages.add_events(page_id, now, [NewEvent(EventKind.SENT, "nurse-4")])
        return page_id


def test_an_event_of_a_kind_the_audit_trail_does_not_know_is_refused(database: Database) -> None:
    page_id = add_page(database)
    insert = text(
        "INSERT INTO page_events (page_id, at, actor, kind, detail) "
        "VALUES (:page, CURRENT_TIMESTAMP, 'someone', 'rewritten', '{}')"
    )

    with pytest.raises(IntegrityError, match="ck_page_events_kind_kind"), database.engine.begin() as c:
        c.execute(insert, {"page": page_id})


def _page_as_0007_stores_it(database: Database) -> int:
    """A page and its sent event written with the columns of schema 0007 (the repository writes
    the newest schema's)."""
    now = datetime.now(UTC)
    columns = (
        "created_at, sender, priority, target, body, callback, patient_ref, new_patient, "
        "roster_version_id, policy, notes, state, step, round_no, deadline, exhausted, version"
    )
    values = ":now, 'nurse-4', 'routine', 'operators', 'Bed 12', 'x4410', NULL, false, NULL, '{}', '[]', "
    values += "'sent', 0, 0, :now, false, 1"
    with database.session() as session:
        session.execute(text(f"INSERT INTO pages ({columns}) VALUES ({values})"), {"now": now})
        page_id = int(session.execute(text("SELECT max(id) FROM pages")).scalar_one())
        PageRepository(session).add_events(page_id, now, [NewEvent(EventKind.SENT, "nurse-4")])
        return page_id


def test_upgrading_keeps_the_events_and_the_audit_trail_stays_append_only(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0007")
    with Database(engine) as database:
        page_id = _page_as_0007_stores_it(database)
        upgrade_to_head(engine)

        with database.reading() as session:
            assert [e.kind for e in PageRepository(session).events(page_id)] == [EventKind.SENT]
        with pytest.raises(IntegrityError, match="append-only"), engine.begin() as connection:
            connection.execute(text("DELETE FROM page_events"))
