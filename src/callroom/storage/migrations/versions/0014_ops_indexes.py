"""Indexes for the metrics scrape: counts by event kind and by message state and channel, and
the windows of recently sent messages and recently finished jobs.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05

Creating an index writes no row, so the append-only triggers on page_events are untouched.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_page_events_kind", "page_events", ["kind"]),
    ("ix_outbound_messages_state_channel", "outbound_messages", ["state", "channel"]),
    ("ix_outbound_messages_sent_at", "outbound_messages", ["sent_at"]),
    ("ix_jobs_finished_at", "jobs", ["finished_at"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
