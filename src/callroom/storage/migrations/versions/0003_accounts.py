"""Accounts, sessions, API tokens, calendar feeds and the account audit trail.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The function is 0002's (callroom_reject_audit_change); it names the table in its message.
PG_REJECT_FUNCTION = "callroom_reject_audit_change"
TOKEN_TABLES = ("account_sessions", "api_tokens", "calendar_feeds")


def upgrade() -> None:
    create_accounts()
    for table in TOKEN_TABLES:
        create_token_table(table)
    create_account_events()
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER account_events_append_only BEFORE UPDATE OR DELETE ON account_events "
            f"FOR EACH ROW EXECUTE FUNCTION {PG_REJECT_FUNCTION}()"
        )
        op.execute(
            "CREATE TRIGGER account_events_no_truncate BEFORE TRUNCATE ON account_events "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {PG_REJECT_FUNCTION}()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER account_events_no_{action.lower()} BEFORE {action} ON account_events "
                f"BEGIN SELECT RAISE(ABORT, '{action} on account_events refused: "
                "the audit trail is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER account_events_append_only ON account_events")
        op.execute("DROP TRIGGER account_events_no_truncate ON account_events")
    else:
        op.execute("DROP TRIGGER account_events_no_update")
        op.execute("DROP TRIGGER account_events_no_delete")
    for table in ("account_events", *reversed(TOKEN_TABLES), "accounts"):
        op.drop_table(table)


def utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def create_accounts() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.String(length=100), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.CheckConstraint(
            "role IN ('admin', 'chief', 'program_director', 'attending', 'resident', 'operator')",
            name=op.f("ck_accounts_role_kind"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("username", name=op.f("uq_accounts_username")),
    )


def create_token_table(table: str) -> None:
    named = [sa.Column("name", sa.String(length=100), nullable=False)] if table == "api_tokens" else []
    seen = [sa.Column("last_seen_at", utc(), nullable=False)] if table == "account_sessions" else []
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        *named,
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        *seen,
        sa.Column("revoked_at", utc(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f(f"fk_{table}_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("token_sha256", name=op.f(f"uq_{table}_token_sha256")),
    )
    op.create_index(op.f(f"ix_{table}_account_id"), table, ["account_id"])


def create_account_events() -> None:
    op.create_table(
        "account_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", utc(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_account_events_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_events")),
    )
    op.create_index(op.f("ix_account_events_account_id"), "account_events", ["account_id"])
