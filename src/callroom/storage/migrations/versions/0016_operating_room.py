"""The operating room: cases, guarded patient identifiers, day plans, case logs, CPT tables and
the append-only log of reads of patient identifiers.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05

`phi_access_log` is an audit trail: UPDATE and DELETE are refused by triggers on both databases
(TRUNCATE too on PostgreSQL, and on SQLite an insert reusing a stored id, see 0007), as 0002
does for the paging audit.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = "phi_access_log"
PG_REJECT_FUNCTION = "callroom_reject_phi_access_change"
ROLES = "('SC', 'SJ', 'TA', 'FA')"


def upgrade() -> None:
    _patients()
    _cases()
    _plans()
    _case_logs()
    _cpt_tables()
    _access_log()
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {APPEND_ONLY}_append_only ON {APPEND_ONLY}")
        op.execute(f"DROP TRIGGER {APPEND_ONLY}_no_truncate ON {APPEND_ONLY}")
        op.execute(f"DROP FUNCTION {PG_REJECT_FUNCTION}()")
    else:
        for trigger in ("no_update", "no_delete", "no_reused_id"):
            op.execute(f"DROP TRIGGER {APPEND_ONLY}_{trigger}")
    for table in (
        APPEND_ONLY,
        "cpt_tables",
        "case_logs",
        "or_plan_roles",
        "or_plans",
        "or_cases",
        "or_patients",
    ):
        op.drop_table(table)


def utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _patients() -> None:
    op.create_table(
        "or_patients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("source_key", sa.String(length=120), nullable=True),
        sa.Column("mrn", sa.String(length=100), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("created_at", utc(), nullable=False),
        sa.Column("purged_at", utc(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_or_patients")),
        sa.UniqueConstraint("key", name=op.f("uq_or_patients_key")),
        sa.UniqueConstraint("source_key", name=op.f("uq_or_patients_source_key")),
    )


def _cases() -> None:
    op.create_table(
        "or_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_name", sa.String(length=200), nullable=False),
        sa.Column("case_id", sa.String(length=100), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("room", sa.String(length=100), nullable=False),
        sa.Column("starts_at", utc(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("procedure", sa.String(length=300), nullable=False),
        sa.Column("cpt_codes", sa.Text(), nullable=False),
        sa.Column("service_id", sa.String(length=100), nullable=False),
        sa.Column("attending_id", sa.String(length=100), nullable=True),
        sa.Column("flags", sa.Text(), nullable=False),
        sa.Column("continuity", sa.Text(), nullable=False),
        sa.Column("patient_key", sa.String(length=120), nullable=True),
        sa.Column("updated_at", utc(), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.CheckConstraint("minutes > 0", name=op.f("ck_or_cases_minutes_positive")),
        sa.ForeignKeyConstraint(
            ["patient_key"], ["or_patients.key"], name=op.f("fk_or_cases_patient_key_or_patients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_or_cases")),
        sa.UniqueConstraint("program_name", "case_id", name=op.f("uq_or_cases_program_name_case_id")),
    )
    op.create_index("ix_or_cases_program_name_day", "or_cases", ["program_name", "day"])
    op.create_index(op.f("ix_or_cases_patient_key"), "or_cases", ["patient_key"])


def _plans() -> None:
    op.create_table(
        "or_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_name", sa.String(length=200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint("number >= 1", name=op.f("ck_or_plans_number_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_or_plans")),
        sa.UniqueConstraint(
            "program_name", "day", "number", name=op.f("uq_or_plans_program_name_day_number")
        ),
    )
    op.create_table(
        "or_plan_roles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=100), nullable=False),
        sa.Column("person_id", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=2), nullable=False),
        sa.CheckConstraint(f"role IN {ROLES}", name=op.f("ck_or_plan_roles_role_known")),
        sa.ForeignKeyConstraint(["plan_id"], ["or_plans.id"], name=op.f("fk_or_plan_roles_plan_id_or_plans")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_or_plan_roles")),
        sa.UniqueConstraint(
            "plan_id", "case_id", "person_id", name=op.f("uq_or_plan_roles_plan_id_case_id_person_id")
        ),
    )
    op.create_index(op.f("ix_or_plan_roles_plan_id"), "or_plan_roles", ["plan_id"])


def _case_logs() -> None:
    op.create_table(
        "case_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_name", sa.String(length=200), nullable=False),
        sa.Column("person_id", sa.String(length=100), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("cpt_codes", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=2), nullable=False),
        sa.Column("attending_id", sa.String(length=100), nullable=True),
        sa.Column("case_id", sa.String(length=100), nullable=True),
        sa.Column("categories", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.CheckConstraint(f"role IN {ROLES}", name=op.f("ck_case_logs_role_known")),
        sa.CheckConstraint("source IN ('app', 'import')", name=op.f("ck_case_logs_source_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_logs")),
    )
    op.create_index("ix_case_logs_program_name_person_id", "case_logs", ["program_name", "person_id"])


def _cpt_tables() -> None:
    op.create_table(
        "cpt_tables",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_name", sa.String(length=200), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.CheckConstraint("number >= 1", name=op.f("ck_cpt_tables_number_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cpt_tables")),
        sa.UniqueConstraint("program_name", "number", name=op.f("uq_cpt_tables_program_name_number")),
    )


def _access_log() -> None:
    op.create_table(
        APPEND_ONLY,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", utc(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("patient_key", sa.String(length=120), nullable=True),
        sa.Column("case_id", sa.String(length=100), nullable=False),
        sa.Column("route", sa.String(length=300), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.CheckConstraint("action IN ('read', 'break-glass')", name=op.f("ck_phi_access_log_action_known")),
        sa.CheckConstraint("outcome IN ('allowed', 'refused')", name=op.f("ck_phi_access_log_outcome_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phi_access_log")),
    )
    op.create_index("ix_phi_access_log_at", APPEND_ONLY, ["at"])
    op.create_index("ix_phi_access_log_username_case_id", APPEND_ONLY, ["username", "case_id"])


def _postgresql_triggers() -> None:
    # SQLSTATE 23001 (restrict_violation) makes drivers raise an IntegrityError, as SQLite does.
    op.execute(
        f"""
        CREATE FUNCTION {PG_REJECT_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION USING
                MESSAGE = TG_OP || ' on ' || TG_TABLE_NAME
                    || ' refused: the audit trail is append-only',
                ERRCODE = 'restrict_violation';
        END
        $$
        """
    )
    op.execute(
        f"CREATE TRIGGER {APPEND_ONLY}_append_only BEFORE UPDATE OR DELETE ON {APPEND_ONLY} "
        f"FOR EACH ROW EXECUTE FUNCTION {PG_REJECT_FUNCTION}()"
    )
    op.execute(
        f"CREATE TRIGGER {APPEND_ONLY}_no_truncate BEFORE TRUNCATE ON {APPEND_ONLY} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {PG_REJECT_FUNCTION}()"
    )


def _sqlite_triggers() -> None:
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {APPEND_ONLY}_no_{action.lower()} BEFORE {action} ON {APPEND_ONLY} "
            f"BEGIN SELECT RAISE(ABORT, '{action} on {APPEND_ONLY} refused: "
            "the audit trail is append-only'); END"
        )
    # INSERT OR REPLACE deletes the clashing row without firing DELETE triggers (see 0007).
    op.execute(
        f"CREATE TRIGGER {APPEND_ONLY}_no_reused_id BEFORE INSERT ON {APPEND_ONLY} "
        f"WHEN EXISTS (SELECT 1 FROM {APPEND_ONLY} WHERE id = NEW.id) "
        f"BEGIN SELECT RAISE(ABORT, 'INSERT on {APPEND_ONLY} refused: its id is already stored, "
        "and append-only rows are never replaced'); END"
    )
