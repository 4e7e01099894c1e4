"""The academic year's stored plans: one row per solved plan, one per resident-week.

Like roster versions, plans are written once and never changed (migration 0010's triggers
refuse UPDATE and DELETE); the newest plan of a program is the published one.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from callroom.storage.tables import Base, UtcDateTime


class YearPlanRow(Base):
    """One solved year plan of a program; `number` counts 1..n per program."""

    __tablename__ = "year_plans"
    __table_args__ = (
        UniqueConstraint("program_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    program_version_id: Mapped[int] = mapped_column(ForeignKey("program_versions.id"))
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(64))
    objective: Mapped[int | None] = mapped_column(BigInteger)
    bound: Mapped[int | None] = mapped_column(BigInteger)
    report: Mapped[str] = mapped_column(Text)


class YearPlacementRow(Base):
    """One resident's week in a plan: the rotation, and whether it is vacation."""

    __tablename__ = "year_placements"
    __table_args__ = (UniqueConstraint("plan_id", "person_id", "week"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("year_plans.id"))
    person_id: Mapped[str] = mapped_column(String(100))
    week: Mapped[int] = mapped_column(Integer)
    week_start: Mapped[date] = mapped_column(Date)
    rotation_id: Mapped[str] = mapped_column(String(100))
    vacation: Mapped[bool] = mapped_column(Boolean)
