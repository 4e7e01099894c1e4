"""The ORM tables: the only place SQLAlchemy mappings live. Alembic owns the real schema.

Every change here needs a migration in `migrations/versions/`; a test compares the migrated
database with this metadata on SQLite and PostgreSQL. Version rows are written once and never
changed (the migration adds triggers that reject UPDATE and DELETE on them; 0007 rejects an insert
reusing a stored key on SQLite, where INSERT OR REPLACE would otherwise delete the stored row).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import cast

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Deterministic constraint names, so migrations can refer to them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROSTER_SOURCES = ("solve", "edit", "import")


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in, timezone-aware UTC out, on every database.

    SQLite has no time zones (it would silently drop the offset), so values are converted to UTC
    and stored naive there; PostgreSQL stores timestamptz. Naive datetimes are refused: their
    meaning depends on the machine that made them.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()}: store timezone-aware UTC")
        utc = value.astimezone(UTC)
        return utc if dialect.name == "postgresql" else utc.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def core_table(row: type[Base]) -> Table:
    """A mapped class's Core table: hot-path statements built on it skip the ORM's execution
    machinery, which costs about twice the CPU of the same read or write on Core."""
    return cast(Table, row.__table__)


class ProgramRow(Base):
    """A program by name; its content lives in program_versions."""

    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class ProgramVersionRow(Base):
    """The text of one program file as it was saved; number counts 1..n per program."""

    __tablename__ = "program_versions"
    __table_args__ = (
        UniqueConstraint("program_id", "number"),
        # Lets roster_versions prove, by foreign key, that its program_id is this row's.
        UniqueConstraint("id", "program_id"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    number: Mapped[int] = mapped_column(Integer)
    source_text: Mapped[str] = mapped_column(Text)
    source_path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # When the block holds the present: local midnight of its first day and after its last, in
    # UTC (so "which block holds now" needs no time zone). NULL for a year file, whose rosters
    # are its blocks', and for a text that is no program file.
    block_starts_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    block_ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class RosterVersionRow(Base):
    """One saved roster. program_id is denormalised so (program_id, number) can be unique:
    that constraint is what stops two concurrent writers from taking the same number."""

    __tablename__ = "roster_versions"
    __table_args__ = (
        UniqueConstraint("program_id", "number"),
        UniqueConstraint("id", "program_id"),
        ForeignKeyConstraint(
            ["program_version_id", "program_id"],
            ["program_versions.id", "program_versions.program_id"],
            name="fk_roster_versions_program_version",  # the conventional name is too long
        ),
        # A parent must be a roster of the same program (NULL parents are not checked).
        ForeignKeyConstraint(
            ["parent_version_id", "program_id"],
            ["roster_versions.id", "roster_versions.program_id"],
            name="fk_roster_versions_parent",
        ),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint(f"source IN {ROSTER_SOURCES!r}", name="source_kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    program_version_id: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    parent_version_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    source: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(64))
    # Penalty totals can outgrow 32 bits on big programs with heavy weights.
    objective: Mapped[int | None] = mapped_column(BigInteger)
    bound: Mapped[int | None] = mapped_column(BigInteger)
    report: Mapped[str] = mapped_column(Text)
    published: Mapped[bool] = mapped_column(Boolean, server_default=true())


class AssignmentRow(Base):
    """One person's shift on one day in one roster version: at most one per person per day."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("roster_version_id", "person_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    roster_version_id: Mapped[int] = mapped_column(ForeignKey("roster_versions.id"))
    person_id: Mapped[str] = mapped_column(String(100))
    day: Mapped[date] = mapped_column(Date)
    shift_id: Mapped[str] = mapped_column(String(100))
    post_id: Mapped[str] = mapped_column(String(100))
