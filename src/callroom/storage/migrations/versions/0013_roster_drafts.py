"""Roster drafts: a background solve's roster is stored unpublished, to be compared first.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05

Every version stored so far was live when it was written, so the new column defaults to true.
Adding a column writes no row, so the append-only triggers on roster_versions are untouched.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "roster_versions", sa.Column("published", sa.Boolean(), server_default=sa.true(), nullable=False)
    )


def downgrade() -> None:
    # Plain ALTER TABLE on both databases (SQLite 3.35+): a batch rebuild of roster_versions
    # would drop its append-only triggers and trip the foreign keys that point at it.
    op.execute("ALTER TABLE roster_versions DROP COLUMN published")
