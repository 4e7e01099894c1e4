"""Paging: pages, recipients, the outbound-message outbox, audit events and the in-app inbox.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# "Every change is an append-only event, never updated or deleted": the audit trail and the
# in-app inbox (what each person was shown) are held to that by the database itself.
APPEND_ONLY_TABLES = ("page_events", "inbox")
PG_REJECT_FUNCTION = "callroom_reject_audit_change"


def upgrade() -> None:
    create_pages()
    create_page_events()
    create_page_recipients()
    create_outbound_messages()
    create_inbox()
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
    for table in ("inbox", "outbound_messages", "page_recipients", "page_events", "pages"):
        op.drop_table(table)


def utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def create_pages() -> None:
    op.create_table(
        "pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.Column("sender", sa.String(length=200), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("body", sa.String(length=500), nullable=False),
        sa.Column("callback", sa.String(length=40), nullable=False),
        sa.Column("patient_ref", sa.String(length=100), nullable=True),
        sa.Column("new_patient", sa.Boolean(), nullable=False),
        sa.Column("roster_version_id", sa.Integer(), nullable=True),
        sa.Column("policy", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("round_no", sa.Integer(), nullable=False),
        sa.Column("deadline", utc(), nullable=True),
        sa.Column("exhausted", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("priority IN ('routine', 'urgent', 'stat')", name=op.f("ck_pages_priority_kind")),
        sa.CheckConstraint(
            "state IN ('sent', 'delivered', 'seen', 'acknowledged', 'resolved')",
            name=op.f("ck_pages_state_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["roster_version_id"],
            ["roster_versions.id"],
            name=op.f("fk_pages_roster_version_id_roster_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pages")),
    )
    op.create_index(op.f("ix_pages_deadline"), "pages", ["deadline"])


def create_page_events() -> None:
    op.create_table(
        "page_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("at", utc(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.String(length=100), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["page_id"], ["pages.id"], name=op.f("fk_page_events_page_id_pages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_events")),
    )
    op.create_index(op.f("ix_page_events_page_id"), "page_events", ["page_id"])


def create_page_recipients() -> None:
    op.create_table(
        "page_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("round_no", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.String(length=100), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.Column("notified_at", utc(), nullable=False),
        sa.CheckConstraint(
            "state IN ('notified', 'delivered', 'seen', 'acknowledged', 'declined')",
            name=op.f("ck_page_recipients_state_kind"),
        ),
        sa.ForeignKeyConstraint(["page_id"], ["pages.id"], name=op.f("fk_page_recipients_page_id_pages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_recipients")),
        sa.UniqueConstraint(
            "page_id",
            "step",
            "round_no",
            "person_id",
            name=op.f("uq_page_recipients_page_id_step_round_no_person_id"),
        ),
    )


def create_outbound_messages() -> None:
    op.create_table(
        "outbound_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=False),
        sa.Column("after_s", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("due_at", utc(), nullable=True),
        sa.Column("lease_until", utc(), nullable=True),
        sa.Column("claim", sa.String(length=40), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("sent_at", utc(), nullable=True),
        sa.CheckConstraint(
            "channel IN ('inapp', 'email', 'webhook')", name=op.f("ck_outbound_messages_channel_kind")
        ),
        sa.CheckConstraint(
            "state IN ('pending', 'sending', 'sent', 'failed', 'cancelled', 'unknown')",
            name=op.f("ck_outbound_messages_state_kind"),
        ),
        sa.ForeignKeyConstraint(["page_id"], ["pages.id"], name=op.f("fk_outbound_messages_page_id_pages")),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["page_recipients.id"],
            name=op.f("fk_outbound_messages_recipient_id_page_recipients"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_messages")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbound_messages_idempotency_key")),
    )
    for column in ("page_id", "recipient_id", "due_at", "lease_until"):
        op.create_index(op.f(f"ix_outbound_messages_{column}"), "outbound_messages", [column])


def create_inbox() -> None:
    op.create_table(
        "inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=100), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["outbound_messages.id"],
            name=op.f("fk_inbox_message_id_outbound_messages"),
        ),
        sa.ForeignKeyConstraint(["page_id"], ["pages.id"], name=op.f("fk_inbox_page_id_pages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox")),
        sa.UniqueConstraint("message_id", name=op.f("uq_inbox_message_id")),
    )
    op.create_index("ix_inbox_person_id_id", "inbox", ["person_id", "id"])


def create_postgresql_triggers() -> None:
    # As in 0001: SQLSTATE 23001 makes drivers raise an IntegrityError, as SQLite does.
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
                "the audit trail is append-only'); END"
            )
