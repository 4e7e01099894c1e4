"""An index for sign-in throttling: a username's recent account events.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_account_events_actor_at", "account_events", ["actor", "at"])


def downgrade() -> None:
    op.drop_index("ix_account_events_actor_at", table_name="account_events")
