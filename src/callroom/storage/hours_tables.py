"""Duty-hours tables: logged work periods, their revisions, justifications and reviews.
Migration 0004 creates them.

Nothing here is ever updated or deleted; the migration adds triggers that refuse UPDATE, DELETE
(and TRUNCATE on PostgreSQL) on all four tables, and 0007 refuses on SQLite an insert that
reuses a stored key (INSERT OR REPLACE would delete the stored row unseen). A period is an
identity (whose, which program, who first logged it); what it says lives in its revisions,
numbered 1..n, and its current value is its newest revision. A correction adds a revision, a
withdrawal is a revision marked withdrawn, and a clock-in is a revision with no end yet, which
the clock-out completes in the next revision. So every earlier value stays readable with who
changed it and when.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callroom.storage.tables import Base, UtcDateTime

WORK_KINDS = ("in_house", "from_home", "moonlighting_internal", "moonlighting_external", "education")
SOURCES = ("log", "confirm", "clock_in", "clock_out", "correction", "withdrawal")
REASONS = ("severely_ill_patient", "humanistic_attention", "educational_event")
DECISIONS = ("accepted", "rejected")
APPEND_ONLY_TABLES = ("work_periods", "work_period_revisions", "hours_justifications", "hours_reviews")


class WorkPeriodRow(Base):
    """A logged period's identity: the resident, the program, who first logged it and when."""

    __tablename__ = "work_periods"
    __table_args__ = (Index("ix_work_periods_program_person", "program_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    person_id: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(200))


class WorkRevisionRow(Base):
    """One value of a period. `ends_at` is NULL while the resident is clocked in."""

    __tablename__ = "work_period_revisions"
    __table_args__ = (
        UniqueConstraint("period_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint(f"kind IN {WORK_KINDS!r}", name="kind_known"),
        CheckConstraint(f"source IN {SOURCES!r}", name="source_known"),
        CheckConstraint("ends_at IS NULL OR ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("work_periods.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    kind: Mapped[str] = mapped_column(String(32))
    shift_id: Mapped[str | None] = mapped_column(String(100))
    post_id: Mapped[str | None] = mapped_column(String(100))
    withdrawn: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text)
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class JustificationRow(Base):
    """A reason the resident gives for staying (ACGME VI.F.4.a); a newer one supersedes it."""

    __tablename__ = "hours_justifications"
    __table_args__ = (CheckConstraint(f"reason IN {REASONS!r}", name="reason_known"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("work_periods.id"), index=True)
    reason: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ReviewRow(Base):
    """The program director's decision on a justification; every decision is kept."""

    __tablename__ = "hours_reviews"
    __table_args__ = (CheckConstraint(f"decision IN {DECISIONS!r}", name="decision_known"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    justification_id: Mapped[int] = mapped_column(ForeignKey("hours_justifications.id"), index=True)
    decision: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(200))
    reviewed_at: Mapped[datetime] = mapped_column(UtcDateTime())
