"""Each program version knows when its block holds the present, so the live roster can be the
block of today rather than the newest stored.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06

Two columns on program_versions: local midnight of the block's first day and local midnight
after its last day, as UTC instants (a day in the hospital's zone is 23, 24 or 25 hours, and an
instant compares without knowing the zone). Versions stored before this migration get them from
their stored text (its `block` and `hospital.timezone`); a year file, which has no `block`, and
a text that is no program file keep NULL: they hold no day.

Program versions are write-once (0001's triggers refuse UPDATE): the triggers are lifted for
the fill alone, inside the migration's transaction, and put back as 0001 made them.
"""

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
import yaml
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "program_versions"
COLUMNS = ("block_starts_at", "block_ends_at")
# As 0001 wrote them.
PG_TRIGGER = f"{TABLE}_write_once"
SQLITE_NO_UPDATE = (
    f"CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, 'UPDATE on {TABLE} refused: versions are never overwritten'); END"
)


def upgrade() -> None:
    for column in COLUMNS:
        op.add_column(TABLE, sa.Column(column, sa.DateTime(timezone=True), nullable=True))
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {PG_TRIGGER}")
    else:
        op.execute(f"DROP TRIGGER {TABLE}_no_update")
    _fill(postgresql)
    if postgresql:
        op.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {PG_TRIGGER}")
    else:
        op.execute(SQLITE_NO_UPDATE)


def downgrade() -> None:
    # SQLite (3.35 and later) drops a column in place; a batch rebuild would lose the triggers.
    for column in COLUMNS:
        op.drop_column(TABLE, column)


def _fill(postgresql: bool) -> None:
    versions = sa.table(
        TABLE,
        sa.column("id", sa.Integer()),
        sa.column("source_text", sa.Text()),
        *(sa.column(c, sa.DateTime(timezone=True)) for c in COLUMNS),
    )
    connection = op.get_bind()
    found = connection.execute(sa.select(versions.c.id, versions.c.source_text)).all()
    updates = [
        {"version": version_id, COLUMNS[0]: _stored(start, postgresql), COLUMNS[1]: _stored(end, postgresql)}
        for version_id, start, end in _spans(found)
    ]
    if updates:
        connection.execute(
            versions.update()
            .where(versions.c.id == sa.bindparam("version"))
            .values({c: sa.bindparam(c) for c in COLUMNS}),
            updates,
        )


def _spans(rows: Sequence[Any]) -> Iterator[tuple[int, datetime, datetime]]:
    for version_id, text in rows:
        found = _block_instants(text)
        if found is not None:
            yield version_id, *found


def _block_instants(text: str) -> tuple[datetime, datetime] | None:
    """Local midnight of the block's first day and after its last, in UTC; None without a block."""
    try:
        data = yaml.safe_load(text)
        block, zone_name = data["block"], data["hospital"]["timezone"]
        start = block["start"] if isinstance(block["start"], date) else date.fromisoformat(block["start"])
        zone = ZoneInfo(zone_name)
        days = int(block["days"])
    except (yaml.YAMLError, KeyError, TypeError, ValueError, ZoneInfoNotFoundError):
        return None
    return _midnight(start, zone), _midnight(start + timedelta(days=days), zone)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=zone).astimezone(UTC)


def _stored(instant: datetime, postgresql: bool) -> datetime:
    # As the application's UtcDateTime stores it: timestamptz on PostgreSQL, naive UTC on SQLite.
    return instant if postgresql else instant.replace(tzinfo=None)
