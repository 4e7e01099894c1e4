"""Page events: a CHECK that each event's kind is one of the audit trail's vocabulary, as the
states, channels and priorities of the other paging tables already have (migration 0002).

The kinds are written out as they stand at this revision (`callroom.domain.paging.EventKind`):
a migration must not change meaning when the code changes later, so a new kind needs a
migration of its own, and the schema test, which holds every such CHECK to its enum, says so.

On SQLite the table is rebuilt to add the CHECK (batch mode); rebuilding drops its triggers, so
the append-only triggers of migrations 0002 (no UPDATE, no DELETE) and 0007 (no insert reusing
a stored id) are created again, both ways.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "page_events"
CHECK = "ck_page_events_kind_kind"
EVENT_KINDS = (
    "sent",
    "routed",
    "notified",
    "delivery",
    "cancelled",
    "lease_expired",
    "seen",
    "acknowledged",
    "declined",
    "escalated",
    "skipped",
    "fallback",
    "resolved",
)


def upgrade() -> None:
    kinds = ", ".join(f"'{kind}'" for kind in EVENT_KINDS)
    if op.get_bind().dialect.name == "postgresql":
        op.create_check_constraint(op.f(CHECK), TABLE, f"kind IN ({kinds})")
        return
    with op.batch_alter_table(TABLE, recreate="always") as batch:
        batch.create_check_constraint(op.f(CHECK), f"kind IN ({kinds})")
    create_sqlite_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f(CHECK), TABLE, type_="check")
        return
    with op.batch_alter_table(TABLE, recreate="always") as batch:
        batch.drop_constraint(op.f(CHECK), type_="check")
    create_sqlite_triggers()


def create_sqlite_triggers() -> None:
    """The append-only triggers of migrations 0002 and 0007, on the rebuilt table."""
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {TABLE}_no_{action.lower()} BEFORE {action} ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{action} on {TABLE} refused: "
            "the audit trail is append-only'); END"
        )
    op.execute(
        f"CREATE TRIGGER {TABLE}_no_reused_id BEFORE INSERT ON {TABLE} "
        f"WHEN EXISTS (SELECT 1 FROM {TABLE} WHERE id = NEW.id) "
        f"BEGIN SELECT RAISE(ABORT, 'INSERT on {TABLE} refused: its id is already stored, "
        "and append-only rows are never replaced'); END"
    )
