"""Append-only tables keep every row as first written: raw SQL can neither change, remove nor
replace one, on SQLite (INSERT OR REPLACE, REPLACE INTO, upserts) or PostgreSQL (upserts, MERGE).

One row is stored in every table through plain inserts, once per database; every statement
below must be refused, and afterwards every table must read exactly as before.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import Connection, Engine, Table, UniqueConstraint, text
from sqlalchemy.exc import IntegrityError

from callroom.storage import Database, open_database
from callroom.storage import accounts_tables as accounts_tables
from callroom.storage import changes_tables as changes_tables
from callroom.storage import hours_tables as hours_tables
from callroom.storage import paging_tables as paging_tables
from callroom.storage import year_tables as year_tables
from callroom.storage.outbox_repositories import OutboxRepository
from callroom.storage.tables import Base

if TYPE_CHECKING:
    from tests.conftest import PostgresServer

AT = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
CALL_START = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)  # a Saturday's 07:00 call in New York

# Each append-only table, and what a rewrite would change in its stored row: a value, and where
# the table has a second key, a column of it (so reusing the id alone clashes on the id alone).
REWRITES: dict[str, dict[str, object]] = {
    "program_versions": {"number": 2, "source_text": "name: rewritten\n"},
    "roster_versions": {"number": 2, "status": "rewritten"},
    "assignments": {"person_id": "zed", "shift_id": "rewritten"},
    "page_events": {"detail": "rewritten"},
    "inbox": {"payload": "rewritten"},
    "account_events": {"detail": "rewritten"},
    "work_periods": {"created_by": "rewritten"},
    "work_period_revisions": {"number": 2, "note": "rewritten"},
    "hours_justifications": {"note": "rewritten"},
    "hours_reviews": {"note": "rewritten"},
    "change_events": {"detail": "rewritten"},
    "approved_absences": {"person_id": "zed", "ends_at": CALL_START + timedelta(days=9)},
    "year_plans": {"number": 2, "status": "rewritten"},
    "year_placements": {"week": 1, "rotation_id": "rewritten"},
    "phi_access_log": {"username": "rewritten", "outcome": "refused"},
}
APPEND_ONLY = tuple(REWRITES)
# Every table, with the values of its one row (ids are the database's; `ref:` names a row).
ROWS: dict[str, dict[str, object]] = {
    "programs": {"name": "gs"},
    "program_versions": {
        "program_id": "ref:programs",
        "number": 1,
        "source_text": "name: gs\n",
        "source_path": "gs.yaml",
        "sha256": "0" * 64,
        "created_at": AT,
    },
    "roster_versions": {
        "program_id": "ref:programs",
        "program_version_id": "ref:program_versions",
        "number": 1,
        "parent_version_id": None,
        "created_at": AT,
        "source": "solve",
        "status": "OPTIMAL",
        "objective": 0,
        "bound": 0,
        "report": "{}",
    },
    "assignments": {
        "roster_version_id": "ref:roster_versions",
        "person_id": "ada",
        "day": date(2026, 3, 7),
        "shift_id": "call",
        "post_id": "ward",
    },
    "pages": {
        "created_at": AT,
        "sender": "operator",
        "priority": "routine",
        "target": "ada",
        "body": "call back",
        "callback": "5555",
        "patient_ref": None,
        "new_patient": False,
        "roster_version_id": "ref:roster_versions",
        "policy": "{}",
        "notes": "",
        "state": "sent",
        "step": 0,
        "round_no": 0,
        "deadline": None,
        "exhausted": False,
        "version": 1,
    },
    "page_recipients": {
        "page_id": "ref:pages",
        "person_id": "ada",
        "name": "Ada Okafor",
        "step": 0,
        "round_no": 0,
        "post_id": "ward",
        "reason": "on call",
        "state": "notified",
        "decline_reason": None,
        "notified_at": AT,
    },
    "outbound_messages": {
        "page_id": "ref:pages",
        "recipient_id": "ref:page_recipients",
        "channel": "inapp",
        "address": "ada",
        "idempotency_key": "page-1/recipient-1/inapp",
        "after_s": 0,
        "state": "sent",
        "due_at": None,
        "lease_until": None,
        "claim": None,
        "attempts": 1,
        "note": None,
        "sent_at": AT,
    },
    "page_events": {
        "page_id": "ref:pages",
        "at": AT,
        "actor": "operator",
        "kind": "sent",
        "person_id": None,
        "detail": "{}",
    },
    "inbox": {
        "person_id": "ada",
        "page_id": "ref:pages",
        "message_id": "ref:outbound_messages",
        "created_at": AT,
        "payload": "{}",
    },
    "accounts": {
        "username": "ada",
        "display_name": "Ada Okafor",
        "role": "resident",
        "person_id": "ada",
        "password_hash": None,
        "active": True,
        "created_at": AT,
    },
    "account_events": {
        "at": AT,
        "account_id": "ref:accounts",
        "actor": "admin",
        "kind": "created",
        "detail": "{}",
    },
    "work_periods": {"program_id": "ref:programs", "person_id": "ada", "created_at": AT, "created_by": "ada"},
    "work_period_revisions": {
        "period_id": "ref:work_periods",
        "number": 1,
        "starts_at": CALL_START,
        "ends_at": CALL_START + timedelta(hours=24),
        "kind": "in_house",
        "shift_id": "call",
        "post_id": "ward",
        "withdrawn": False,
        "source": "log",
        "note": "",
        "changed_by": "ada",
        "changed_at": AT,
    },
    "hours_justifications": {
        "period_id": "ref:work_periods",
        "reason": "severely_ill_patient",
        "note": "bed 3",
        "created_by": "ada",
        "created_at": AT,
    },
    "hours_reviews": {
        "justification_id": "ref:hours_justifications",
        "decision": "accepted",
        "note": "ok",
        "reviewer": "pd",
        "reviewed_at": AT,
    },
    "change_proposals": {
        "program_name": "gs",
        "kind": "day_off",
        "state": "proposed",
        "base_version_id": "ref:roster_versions",
        "requester": "ada",
        "colleague": None,
        "payload": "{}",
        "note": "",
        "created_at": AT,
        "decided_at": None,
        "decided_by": None,
        "decision_reason": None,
        "result_version_id": None,
        "version": 1,
    },
    "change_events": {
        "proposal_id": "ref:change_proposals",
        "at": AT,
        "actor": "ada",
        "role": "resident",
        "kind": "proposed",
        "detail": "{}",
    },
    "approved_absences": {
        "program_name": "gs",
        "person_id": "ada",
        "starts_at": CALL_START,
        "ends_at": CALL_START + timedelta(days=2),
        "kind": "sick",
        "proposal_id": "ref:change_proposals",
        "approved_by": "chief",
        "approved_at": AT,
    },
    "year_plans": {
        "program_id": "ref:programs",
        "program_version_id": "ref:program_versions",
        "number": 1,
        "created_at": AT,
        "status": "optimal",
        "objective": 0,
        "bound": 0,
        "report": "{}",
    },
    "year_placements": {
        "plan_id": "ref:year_plans",
        "person_id": "ada",
        "week": 0,
        "week_start": date(2027, 7, 1),
        "rotation_id": "gs",
        "vacation": False,
    },
    "or_patients": {
        "key": "k1",
        "source_key": "mrn:100",
        "mrn": "100",
        "name": "Pat Doe",
        "birth_date": date(1960, 1, 2),
        "created_at": AT,
        "purged_at": None,
    },
    "or_cases": {
        "program_name": "gs",
        "case_id": "c1",
        "day": date(2026, 3, 7),
        "room": "OR 1",
        "starts_at": CALL_START,
        "minutes": 60,
        "procedure": "cholecystectomy",
        "cpt_codes": "47562",
        "service_id": "gs",
        "attending_id": None,
        "flags": "",
        "continuity": "",
        "patient_key": "k1",
        "updated_at": AT,
        "updated_by": "chief",
    },
    "or_plans": {
        "program_name": "gs",
        "day": date(2026, 3, 7),
        "number": 1,
        "published": False,
        "created_at": AT,
        "created_by": "chief",
        "note": "",
    },
    "or_plan_roles": {"plan_id": "ref:or_plans", "case_id": "c1", "person_id": "ada", "role": "SJ"},
    "case_logs": {
        "program_name": "gs",
        "person_id": "ada",
        "day": date(2026, 3, 7),
        "cpt_codes": "47562",
        "role": "SJ",
        "attending_id": None,
        "case_id": "c1",
        "categories": "abdominal;abdominal.biliary",
        "source": "app",
        "created_at": AT,
        "created_by": "ada",
    },
    "cpt_tables": {"program_name": "gs", "number": 1, "text": "code\n", "created_at": AT, "created_by": "pd"},
    "phi_access_log": {
        "at": AT,
        "account_id": None,
        "username": "chief",
        "role": "chief",
        "patient_key": "k1",
        "case_id": "c1",
        "route": "GET /api/v1/or/patient",
        "action": "read",
        "reason": None,
        "outcome": "allowed",
    },
}
Snapshot = dict[str, list[dict[str, Any]]]


@dataclass
class Stored:
    """A database holding one row in every table, and how every table read once stored."""

    engine: Engine
    before: Snapshot

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name


def store_one_row_everywhere(connection: Connection) -> None:
    ids: dict[str, int] = {}
    for name, values in ROWS.items():
        table = Base.metadata.tables[name]
        row = {k: ids[v[4:]] if isinstance(v, str) and v.startswith("ref:") else v for k, v in values.items()}
        ids[name] = connection.execute(table.insert().values(row).returning(table.c.id)).scalar_one()


def snapshot(engine: Engine) -> Snapshot:
    """Every table's rows as the database gives them to raw SQL."""
    with engine.connect() as connection:
        read = {name: connection.execute(text(f"SELECT * FROM {name} ORDER BY id")) for name in ROWS}
        return {name: [dict(row) for row in rows.mappings()] for name, rows in read.items()}


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ],
)
def stored(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stored]:
    """One database per kind for the whole module: every statement tried on it is refused and
    rolled back, so it stays as stored (the tests check that it does)."""
    if request.param == "sqlite":
        with open_database(f"sqlite:///{tmp_path_factory.mktemp('append-only') / 'callroom.db'}") as database:
            yield _stored(database)
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = server.create_database()
    try:
        with open_database(server.url(name)) as database:
            yield _stored(database)
    finally:
        server.drop_database(name)


def _stored(database: Database) -> Stored:
    with database.engine.begin() as connection:
        store_one_row_everywhere(connection)
    return Stored(database.engine, snapshot(database.engine))


def keys(table: Table) -> list[tuple[str, ...]]:
    """The primary key and every unique constraint (a REPLACE removes a row clashing on any),
    but those holding the primary key: a clash on one of them is a clash on the primary key."""
    primary = tuple(c.name for c in table.primary_key.columns)
    unique = [tuple(c.name for c in u.columns) for u in table.constraints if isinstance(u, UniqueConstraint)]
    return [primary, *(key for key in unique if not set(primary) <= set(key))]


def rewritten(stored: Stored, name: str, key: tuple[str, ...]) -> dict[str, Any]:
    """The stored row with the same `key` and other values: the row a rewrite would leave."""
    row = dict(stored.before[name][0])
    row.update({column: value for column, value in REWRITES[name].items() if column not in key})
    if "id" not in key:
        del row["id"]  # the database picks a new id: the row clashes on `key` alone
    return row


def rewrites(stored: Stored, name: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every statement that would put other values in the stored row, with its parameters."""
    table = Base.metadata.tables[name]
    for key in keys(table):
        row = rewritten(stored, name, key)
        columns, values = ", ".join(row), ", ".join(f":{c}" for c in row)
        changed = ", ".join(f"{c} = excluded.{c}" for c in REWRITES[name] if c not in key)
        yield (
            f"INSERT INTO {name} ({columns}) VALUES ({values}) "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {changed}",
            row,
        )
        if stored.dialect == "sqlite":
            yield f"INSERT OR REPLACE INTO {name} ({columns}) VALUES ({values})", row
            yield f"REPLACE INTO {name} ({columns}) VALUES ({values})", row
    if stored.dialect == "postgresql":
        found = {"id": stored.before[name][0]["id"]}
        merge = f"MERGE INTO {name} USING (SELECT CAST(:id AS integer) AS id) AS s ON {name}.id = s.id "
        column, value = next(iter(REWRITES[name].items()))
        yield merge + f"WHEN MATCHED THEN UPDATE SET {column} = :value", {**found, "value": value}
        yield merge + "WHEN MATCHED THEN DELETE", found


def not_refused(engine: Engine, statements: Iterator[tuple[str, Mapping[str, Any]]]) -> list[str]:
    """The statements the database carried out (each is rolled back either way)."""
    carried_out = []
    for statement, parameters in statements:
        with engine.connect() as connection, connection.begin():
            try:
                connection.execute(text(statement), parameters)
            except IntegrityError as error:
                assert "refused" in str(error.orig), error  # refused by a trigger, not by chance
                continue
            carried_out.append(statement)
    return carried_out


@pytest.mark.parametrize("name", APPEND_ONLY)
def test_no_statement_replaces_or_rewrites_a_row_of_an_append_only_table(stored: Stored, name: str) -> None:
    assert not_refused(stored.engine, rewrites(stored, name)) == []
    assert snapshot(stored.engine) == stored.before


def test_the_append_only_tables_are_exactly_those_that_refuse_updates(stored: Stored) -> None:
    refusing = []
    for name in Base.metadata.tables:
        if not_refused(stored.engine, iter([(f"UPDATE {name} SET id = id", {})])) == []:
            refusing.append(name)
    assert sorted(refusing) == sorted(APPEND_ONLY)


def test_a_plain_insert_of_a_new_row_still_goes_in(stored: Stored) -> None:
    row = {k: v for k, v in stored.before["page_events"][0].items() if k != "id"}
    with stored.engine.connect() as connection, connection.begin() as transaction:
        connection.execute(
            text(
                "INSERT INTO page_events (page_id, at, actor, kind, person_id, detail) "
                "VALUES (:page_id, :at, :actor, :kind, :person_id, :detail)"
            ),
            row,
        )
        count = connection.execute(text("SELECT count(*) FROM page_events")).scalar_one()
        transaction.rollback()
    assert count == 2


def test_delivering_a_message_to_the_inbox_again_adds_nothing_and_changes_nothing(database: Database) -> None:
    with database.engine.begin() as connection:
        store_one_row_everywhere(connection)
    inbox = snapshot(database.engine)["inbox"]
    message_id, person_id, page_id = (inbox[0][k] for k in ("message_id", "person_id", "page_id"))
    with database.session() as session:
        added = OutboxRepository(session).add_inbox([(message_id, person_id, page_id, {"again": True})], AT)
    assert added == set()
    assert snapshot(database.engine)["inbox"] == inbox
