"""Approved absences: a sick call repaired or a day off granted stays a fact of the program.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04

One row per absence the chief approved, written in the approval's transaction: the program,
the person, the instants it runs between (UTC), the proposal that granted it, who approved it
and when. Every later solve, repair, swap and open shift keeps the person off shifts that
overlap it. Like the other audit tables it is append-only: UPDATE and DELETE are refused by
triggers on both databases, and on SQLite an insert reusing a stored id (see 0007).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "approved_absences"
PG_REJECT_FUNCTION = "callroom_reject_absence_edit"


def upgrade() -> None:
    create_approved_absences()
    if op.get_bind().dialect.name == "postgresql":
        create_postgresql_triggers()
    else:
        create_sqlite_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {TABLE}_append_only ON {TABLE}")
        op.execute(f"DROP TRIGGER {TABLE}_no_truncate ON {TABLE}")
        op.execute(f"DROP FUNCTION {PG_REJECT_FUNCTION}()")
    else:
        for trigger in ("no_update", "no_delete", "no_reused_id"):
            op.execute(f"DROP TRIGGER {TABLE}_{trigger}")
    op.drop_table(TABLE)


def utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def create_approved_absences() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_name", sa.String(length=200), nullable=False),
        sa.Column("person_id", sa.String(length=100), nullable=False),
        sa.Column("starts_at", utc(), nullable=False),
        sa.Column("ends_at", utc(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("approved_by", sa.String(length=100), nullable=False),
        sa.Column("approved_at", utc(), nullable=False),
        sa.CheckConstraint("kind IN ('sick', 'day_off')", name=op.f("ck_approved_absences_kind_kind")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_approved_absences_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["change_proposals.id"],
            name=op.f("fk_approved_absences_proposal_id_change_proposals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approved_absences")),
    )
    op.create_index(op.f("ix_approved_absences_program_name"), TABLE, ["program_name"])
    op.create_index(op.f("ix_approved_absences_proposal_id"), TABLE, ["proposal_id"])


def create_postgresql_triggers() -> None:
    # SQLSTATE 23001 (restrict_violation) makes drivers raise an IntegrityError, as SQLite does.
    op.execute(
        f"""
        CREATE FUNCTION {PG_REJECT_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION USING
                MESSAGE = TG_OP || ' on ' || TG_TABLE_NAME
                    || ' refused: approved absences are append-only',
                ERRCODE = 'restrict_violation';
        END
        $$
        """
    )
    op.execute(
        f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION {PG_REJECT_FUNCTION}()"
    )
    op.execute(
        f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {PG_REJECT_FUNCTION}()"
    )


def create_sqlite_triggers() -> None:
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {TABLE}_no_{action.lower()} BEFORE {action} ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{action} on {TABLE} refused: "
            "approved absences are append-only'); END"
        )
    # INSERT OR REPLACE deletes the clashing row without firing DELETE triggers (see 0007).
    op.execute(
        f"CREATE TRIGGER {TABLE}_no_reused_id BEFORE INSERT ON {TABLE} "
        f"WHEN EXISTS (SELECT 1 FROM {TABLE} WHERE id = NEW.id) "
        f"BEGIN SELECT RAISE(ABORT, 'INSERT on {TABLE} refused: its id is already stored, "
        "and append-only rows are never replaced'); END"
    )
