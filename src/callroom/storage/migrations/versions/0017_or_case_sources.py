"""Where each OR case came from (an import, or typed on the board), and the cases as each
published plan told them to the residents.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05

`or_cases.source` lets a new import of a day replace only the cases imports brought (cases
added by hand stay); `or_plans.cases` (JSON, published versions only) holds each case's room,
start, minutes, procedure and attending as published, so a later edit or import is known as a
change the residents have not been told of.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("or_cases") as batch:
        batch.add_column(sa.Column("source", sa.String(20), nullable=False, server_default="imported"))
    with op.batch_alter_table("or_plans") as batch:
        batch.add_column(sa.Column("cases", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("or_plans") as batch:
        batch.drop_column("cases")
    with op.batch_alter_table("or_cases") as batch:
        batch.drop_column("source")
