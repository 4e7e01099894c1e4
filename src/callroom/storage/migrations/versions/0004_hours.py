"""Logged duty hours, their history and justifications.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# "Every edit keeps the previous value with who changed it and when": a period's values, the
# justifications and the program director's decisions are only ever added to, and the database
# itself refuses to change or remove them.
APPEND_ONLY_TABLES = ("work_periods", "work_period_revisions", "hours_justifications", "hours_reviews")
PG_REJECT_FUNCTION = "callroom_reject_hours_change"

WORK_KINDS = "('in_house', 'from_home', 'moonlighting_internal', 'moonlighting_external', 'education')"
SOURCES = "('log', 'confirm', 'clock_in', 'clock_out', 'correction', 'withdrawal')"
REASONS = "('severely_ill_patient', 'humanistic_attention', 'educational_event')"
DECISIONS = "('accepted', 'rejected')"


def upgrade() -> None:
    create_work_periods()
    create_work_period_revisions()
    create_justifications()
    create_reviews()
    if op.get_bind().dialect.name == "postgresql":
        create_postgresql_triggers()
    else:
        create_sqlite_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY_TABLES:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
        op.execute(f"DROP FUNCTION {PG_REJECT_FUNCTION}()")
    else:
        for table in APPEND_ONLY_TABLES:
            op.execute(f"DROP TRIGGER {table}_no_update")
            op.execute(f"DROP TRIGGER {table}_no_delete")
    for table in reversed(APPEND_ONLY_TABLES):
        op.drop_table(table)


def utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def create_work_periods() -> None:
    op.create_table(
        "work_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=100), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_work_periods_program_id_programs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_periods")),
    )
    op.create_index("ix_work_periods_program_person", "work_periods", ["program_id", "person_id"])


def create_work_period_revisions() -> None:
    op.create_table(
        "work_period_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("starts_at", utc(), nullable=False),
        sa.Column("ends_at", utc(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("shift_id", sa.String(length=100), nullable=True),
        sa.Column("post_id", sa.String(length=100), nullable=True),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("changed_at", utc(), nullable=False),
        sa.CheckConstraint("number >= 1", name=op.f("ck_work_period_revisions_number_positive")),
        sa.CheckConstraint(f"kind IN {WORK_KINDS}", name=op.f("ck_work_period_revisions_kind_known")),
        sa.CheckConstraint(f"source IN {SOURCES}", name=op.f("ck_work_period_revisions_source_known")),
        sa.CheckConstraint(
            "ends_at IS NULL OR ends_at > starts_at", name=op.f("ck_work_period_revisions_ends_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["period_id"], ["work_periods.id"], name=op.f("fk_work_period_revisions_period_id_work_periods")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_period_revisions")),
        sa.UniqueConstraint("period_id", "number", name=op.f("uq_work_period_revisions_period_id_number")),
    )
    op.create_index(op.f("ix_work_period_revisions_period_id"), "work_period_revisions", ["period_id"])


def create_justifications() -> None:
    op.create_table(
        "hours_justifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.CheckConstraint(f"reason IN {REASONS}", name=op.f("ck_hours_justifications_reason_known")),
        sa.ForeignKeyConstraint(
            ["period_id"], ["work_periods.id"], name=op.f("fk_hours_justifications_period_id_work_periods")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hours_justifications")),
    )
    op.create_index(op.f("ix_hours_justifications_period_id"), "hours_justifications", ["period_id"])


def create_reviews() -> None:
    op.create_table(
        "hours_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("justification_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reviewer", sa.String(length=200), nullable=False),
        sa.Column("reviewed_at", utc(), nullable=False),
        sa.CheckConstraint(f"decision IN {DECISIONS}", name=op.f("ck_hours_reviews_decision_known")),
        sa.ForeignKeyConstraint(
            ["justification_id"],
            ["hours_justifications.id"],
            name=op.f("fk_hours_reviews_justification_id_hours_justifications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hours_reviews")),
    )
    op.create_index(op.f("ix_hours_reviews_justification_id"), "hours_reviews", ["justification_id"])


def create_postgresql_triggers() -> None:
    # As in 0001 and 0002: SQLSTATE 23001 makes drivers raise an IntegrityError, as SQLite does.
    op.execute(
        f"""
        CREATE FUNCTION {PG_REJECT_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION USING
                MESSAGE = TG_OP || ' on ' || TG_TABLE_NAME
                    || ' refused: logged hours and their history are append-only',
                ERRCODE = 'restrict_violation';
        END
        $$
        """
    )
    for table in APPEND_ONLY_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {PG_REJECT_FUNCTION}()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {PG_REJECT_FUNCTION}()"
        )


def create_sqlite_triggers() -> None:
    for table in APPEND_ONLY_TABLES:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{action} on {table} refused: "
                "logged hours and their history are append-only'); END"
            )
