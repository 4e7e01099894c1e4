"""Append-only rows cannot be replaced: an insert that reuses a stored key is refused.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04

SQLite's `INSERT OR REPLACE` (and `REPLACE INTO`) deletes the stored row that has the new row's
key and inserts the new one, without firing DELETE triggers: so a logged 24-hour call could be
turned into 12 hours with no trace of the first value, although 0001 to 0005 refuse UPDATE and
DELETE. On SQLite a BEFORE INSERT trigger per key refuses any insert whose key is already
stored, whatever its conflict clause (a trigger cannot tell REPLACE from DO NOTHING; the
repositories never insert a key twice). On PostgreSQL nothing is added: there is no REPLACE, an
`INSERT ... ON CONFLICT DO UPDATE` and a `MERGE` fire the row-level UPDATE and DELETE triggers
that already refuse them, and a plain duplicate breaks the key's unique constraint.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every append-only table (0001 to 0005) with each of its keys: the primary key and every
# unique constraint, since a REPLACE deletes the row that clashes on any of them. The unique
# (id, program_id) of the version tables is left out: a clash on it is a clash on id.
KEYS: dict[str, tuple[tuple[str, ...], ...]] = {
    "program_versions": (("id",), ("program_id", "number")),
    "roster_versions": (("id",), ("program_id", "number")),
    "assignments": (("id",), ("roster_version_id", "person_id", "day")),
    "page_events": (("id",),),
    "inbox": (("id",), ("message_id",)),
    "account_events": (("id",),),
    "work_periods": (("id",),),
    "work_period_revisions": (("id",), ("period_id", "number")),
    "hours_justifications": (("id",),),
    "hours_reviews": (("id",),),
    "change_events": (("id",),),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, keys in KEYS.items():
        for key in keys:
            op.execute(_refuse_reuse(table, key))


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, keys in KEYS.items():
        for key in keys:
            op.execute(f"DROP TRIGGER {_trigger(table, key)}")


def _trigger(table: str, key: tuple[str, ...]) -> str:
    return f"{table}_no_reused_{'_'.join(key)}"


def _refuse_reuse(table: str, key: tuple[str, ...]) -> str:
    # In a BEFORE INSERT trigger an id SQLite is about to choose reads as -1, which no stored
    # row has, so an ordinary insert passes.
    clash = " AND ".join(f"{column} = NEW.{column}" for column in key)
    named = key[0] if len(key) == 1 else f"({', '.join(key)})"
    return (
        f"CREATE TRIGGER {_trigger(table, key)} BEFORE INSERT ON {table} "
        f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {clash}) "
        f"BEGIN SELECT RAISE(ABORT, 'INSERT on {table} refused: its {named} is already stored, "
        "and append-only rows are never replaced'); END"
    )
