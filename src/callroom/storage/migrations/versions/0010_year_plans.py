"""Year plans: the academic year's rotation plan, one row per resident-week.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05

A plan is written once, with all its weeks, and never changed: UPDATE and DELETE are refused by
triggers on both databases (and on SQLite an insert reusing a stored id, see 0007). The newest
plan of a program is the published one, from which its block rosters are made.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("year_plans", "year_placements")
# Each table's keys: on SQLite a REPLACE deletes the row clashing on any of them (see 0007).
KEYS: dict[str, tuple[tuple[str, ...], ...]] = {
    "year_plans": (("id",), ("program_id", "number")),
    "year_placements": (("id",), ("plan_id", "person_id", "week")),
}
PG_REJECT_FUNCTION = "callroom_reject_year_plan_edit"


def upgrade() -> None:
    op.create_table(
        "year_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("program_version_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=64), nullable=False),
        sa.Column("objective", sa.BigInteger(), nullable=True),
        sa.Column("bound", sa.BigInteger(), nullable=True),
        sa.Column("report", sa.Text(), nullable=False),
        sa.CheckConstraint("number >= 1", name=op.f("ck_year_plans_number_positive")),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_year_plans_program_id_programs")
        ),
        sa.ForeignKeyConstraint(
            ["program_version_id"],
            ["program_versions.id"],
            name=op.f("fk_year_plans_program_version_id_program_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_year_plans")),
        sa.UniqueConstraint("program_id", "number", name=op.f("uq_year_plans_program_id_number")),
    )
    op.create_table(
        "year_placements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=100), nullable=False),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("rotation_id", sa.String(length=100), nullable=False),
        sa.Column("vacation", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["year_plans.id"], name=op.f("fk_year_placements_plan_id_year_plans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_year_placements")),
        sa.UniqueConstraint(
            "plan_id", "person_id", "week", name=op.f("uq_year_placements_plan_id_person_id_week")
        ),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        if postgresql:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
        else:
            for trigger in ("no_update", "no_delete", *(f"no_reused_{'_'.join(key)}" for key in KEYS[table])):
                op.execute(f"DROP TRIGGER {table}_{trigger}")
    if postgresql:
        op.execute(f"DROP FUNCTION {PG_REJECT_FUNCTION}()")
    op.drop_table("year_placements")
    op.drop_table("year_plans")


def _postgresql_triggers() -> None:
    # SQLSTATE 23001 (restrict_violation) makes drivers raise an IntegrityError, as SQLite does.
    op.execute(
        f"""
        CREATE FUNCTION {PG_REJECT_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION USING
                MESSAGE = TG_OP || ' on ' || TG_TABLE_NAME || ' refused: year plans are append-only',
                ERRCODE = 'restrict_violation';
        END
        $$
        """
    )
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {PG_REJECT_FUNCTION}()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {PG_REJECT_FUNCTION}()"
        )


def _sqlite_triggers() -> None:
    for table in TABLES:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{action} on {table} refused: year plans are append-only'); END"
            )
        # INSERT OR REPLACE deletes the clashing row without firing DELETE triggers (see 0007).
        for key in KEYS[table]:
            clash = " AND ".join(f"{column} = NEW.{column}" for column in key)
            named = key[0] if len(key) == 1 else f"({', '.join(key)})"
            op.execute(
                f"CREATE TRIGGER {table}_no_reused_{'_'.join(key)} BEFORE INSERT ON {table} "
                f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {clash}) "
                f"BEGIN SELECT RAISE(ABORT, 'INSERT on {table} refused: its {named} is already stored, "
                "and append-only rows are never replaced'); END"
            )
