"""Roster change proposals (repairs, open shifts, swaps and requests).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The decisions on roster changes are an audit trail: the database refuses to rewrite them.
APPEND_ONLY = "change_events"
PG_REJECT_FUNCTION = "callroom_reject_change_event_edit"


def upgrade() -> None:
    create_change_proposals()
    create_change_events()
    create_open_shift_offers()
    if op.get_bind().dialect.name == "postgresql":
        create_postgresql_triggers()
    else:
        create_sqlite_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {APPEND_ONLY}_append_only ON {APPEND_ONLY}")
        op.execute(f"DROP TRIGGER {APPEND_ONLY}_no_truncate ON {APPEND_ONLY}")
        op.execute(f"DROP FUNCTION {PG_REJECT_FUNCTION}()")
    else:
        op.execute(f"DROP TRIGGER {APPEND_ONLY}_no_update")
        op.execute(f"DROP TRIGGER {APPEND_ONLY}_no_delete")
    for table in ("open_shift_offers", "change_events", "change_proposals"):
        op.drop_table(table)


def utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def create_change_proposals() -> None:
    op.create_table(
        "change_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("base_version_id", sa.Integer(), nullable=False),
        sa.Column("requester", sa.String(length=100), nullable=False),
        sa.Column("colleague", sa.String(length=100), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.Column("decided_at", utc(), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("result_version_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('repair', 'swap', 'give_away', 'day_off', 'open_shift')",
            name=op.f("ck_change_proposals_kind_kind"),
        ),
        sa.CheckConstraint(
            "state IN ('proposed', 'accepted', 'approved', 'declined', 'refused', "
            "'withdrawn', 'open', 'filled', 'cancelled')",
            name=op.f("ck_change_proposals_state_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["base_version_id"],
            ["roster_versions.id"],
            name=op.f("fk_change_proposals_base_version_id_roster_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["result_version_id"],
            ["roster_versions.id"],
            name=op.f("fk_change_proposals_result_version_id_roster_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_proposals")),
    )
    for column in ("program_name", "state", "requester", "colleague"):
        op.create_index(op.f(f"ix_change_proposals_{column}"), "change_proposals", [column])


def create_change_events() -> None:
    op.create_table(
        "change_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("at", utc(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["change_proposals.id"],
            name=op.f("fk_change_events_proposal_id_change_proposals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_events")),
    )
    op.create_index(op.f("ix_change_events_proposal_id"), "change_events", ["proposal_id"])


def create_open_shift_offers() -> None:
    op.create_table(
        "open_shift_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("offered_at", utc(), nullable=False),
        sa.Column("answered_at", utc(), nullable=True),
        sa.CheckConstraint(
            "state IN ('offered', 'taken', 'gone')", name=op.f("ck_open_shift_offers_state_kind")
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["change_proposals.id"],
            name=op.f("fk_open_shift_offers_proposal_id_change_proposals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open_shift_offers")),
        sa.UniqueConstraint(
            "proposal_id", "person_id", name=op.f("uq_open_shift_offers_proposal_id_person_id")
        ),
    )
    op.create_index(op.f("ix_open_shift_offers_proposal_id"), "open_shift_offers", ["proposal_id"])
    op.create_index(op.f("ix_open_shift_offers_person_id"), "open_shift_offers", ["person_id"])


def create_postgresql_triggers() -> None:
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


def create_sqlite_triggers() -> None:
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {APPEND_ONLY}_no_{action.lower()} BEFORE {action} ON {APPEND_ONLY} "
            f"BEGIN SELECT RAISE(ABORT, '{action} on {APPEND_ONLY} refused: "
            "the audit trail is append-only'); END"
        )
