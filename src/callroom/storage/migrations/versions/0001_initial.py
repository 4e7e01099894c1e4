"""Programs, program versions, roster versions and assignments; versions are write-once.

Revision ID: 0001
Revises:
Create Date: 2026-05-20
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# "A solve or an edit makes a new roster version; nothing is overwritten." The repositories
# have no update or delete methods; these triggers hold everyone else to the same rule.
IMMUTABLE_TABLES = ("program_versions", "roster_versions", "assignments")
PG_REJECT_FUNCTION = "callroom_reject_change"


def upgrade() -> None:
    create_programs()
    create_program_versions()
    create_roster_versions()
    create_assignments()
    if op.get_bind().dialect.name == "postgresql":
        create_postgresql_triggers()
    else:
        create_sqlite_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in IMMUTABLE_TABLES:
            op.execute(f"DROP TRIGGER {table}_write_once ON {table}")
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
        op.execute(f"DROP FUNCTION {PG_REJECT_FUNCTION}()")
    else:
        for table in IMMUTABLE_TABLES:
            op.execute(f"DROP TRIGGER {table}_no_update")
            op.execute(f"DROP TRIGGER {table}_no_delete")
    for table in reversed(("programs", *IMMUTABLE_TABLES)):
        op.drop_table(table)


def create_programs() -> None:
    op.create_table(
        "programs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programs")),
        sa.UniqueConstraint("name", name=op.f("uq_programs_name")),
    )


def create_program_versions() -> None:
    op.create_table(
        "program_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("source_path", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("number >= 1", name=op.f("ck_program_versions_number_positive")),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_program_versions_program_id_programs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_versions")),
        sa.UniqueConstraint("id", "program_id", name=op.f("uq_program_versions_id_program_id")),
        sa.UniqueConstraint("program_id", "number", name=op.f("uq_program_versions_program_id_number")),
    )


def create_roster_versions() -> None:
    op.create_table(
        "roster_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("program_version_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("parent_version_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=64), nullable=False),
        sa.Column("objective", sa.BigInteger(), nullable=True),
        sa.Column("bound", sa.BigInteger(), nullable=True),
        sa.Column("report", sa.Text(), nullable=False),
        sa.CheckConstraint("number >= 1", name=op.f("ck_roster_versions_number_positive")),
        sa.CheckConstraint(
            "source IN ('solve', 'edit', 'import')", name=op.f("ck_roster_versions_source_kind")
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_roster_versions_program_id_programs")
        ),
        sa.ForeignKeyConstraint(
            ["program_version_id", "program_id"],
            ["program_versions.id", "program_versions.program_id"],
            name=op.f("fk_roster_versions_program_version"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_version_id", "program_id"],
            ["roster_versions.id", "roster_versions.program_id"],
            name=op.f("fk_roster_versions_parent"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_versions")),
        sa.UniqueConstraint("id", "program_id", name=op.f("uq_roster_versions_id_program_id")),
        sa.UniqueConstraint("program_id", "number", name=op.f("uq_roster_versions_program_id_number")),
    )


def create_assignments() -> None:
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("roster_version_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=100), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("shift_id", sa.String(length=100), nullable=False),
        sa.Column("post_id", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["roster_version_id"],
            ["roster_versions.id"],
            name=op.f("fk_assignments_roster_version_id_roster_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
        sa.UniqueConstraint(
            "roster_version_id",
            "person_id",
            "day",
            name=op.f("uq_assignments_roster_version_id_person_id_day"),
        ),
    )


def create_postgresql_triggers() -> None:
    # SQLSTATE 23001 (restrict_violation) makes drivers raise an IntegrityError, as SQLite does.
    # The message is concatenated, not formatted: a % would be doubled in `alembic --sql` output.
    op.execute(
        f"""
        CREATE FUNCTION {PG_REJECT_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION USING
                MESSAGE = TG_OP || ' on ' || TG_TABLE_NAME
                    || ' refused: versions are never overwritten',
                ERRCODE = 'restrict_violation';
        END
        $$
        """
    )
    for table in IMMUTABLE_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_write_once BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {PG_REJECT_FUNCTION}()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {PG_REJECT_FUNCTION}()"
        )


def create_sqlite_triggers() -> None:
    for table in IMMUTABLE_TABLES:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{action} on {table} refused: "
                "versions are never overwritten'); END"
            )
