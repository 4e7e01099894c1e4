"""Notices: a page that tells (a roster changed, a justification refused) and asks no answer.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05

Every page stored so far was sent as a page to answer, so the new column defaults to false.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("pages", sa.Column("notice", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    op.drop_column("pages", "notice")
