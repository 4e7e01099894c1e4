"""The operating room's tables: a day's cases, the guarded patient identifiers, the day's plans,
the case log, the CPT table's versions and the log of every read of a patient's identifiers.
Migration 0016 creates them.

Cases, plans and case-log lines name no patient: a case carries the opaque `patient_key` of its
row in `or_patients`, the only table holding identifiers, which the retention purge empties
(the row stays, so the cases and case logs keep their counts). Everything belongs to a program
family (`program_name`: a program, or a year with its blocks, by the year's name), so a case
imported under one block is still found when the next block is live.

`phi_access_log` is append-only: the migration adds triggers that refuse UPDATE and DELETE
(and TRUNCATE on PostgreSQL, and on SQLite an insert that reuses a stored id), as for the other
audit tables.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from callroom.storage.tables import Base, UtcDateTime

CREDIT_ROLES = ("SC", "SJ", "TA", "FA")
LOG_SOURCES = ("app", "import")
ACCESS_ACTIONS = ("read", "break-glass")
ACCESS_OUTCOMES = ("allowed", "refused")
APPEND_ONLY_TABLES = ("phi_access_log",)


class OrPatientRow(Base):
    """A patient's identifiers; NULL once the retention purge ran. `key` is a random token, the
    only thing cases and the access log hold; `source_key` is the importer's key ("mrn:" + MRN,
    so importing a file again finds the same patient), an identifier itself, purged with them."""

    __tablename__ = "or_patients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    source_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    mrn: Mapped[str | None] = mapped_column(String(100))
    name: Mapped[str | None] = mapped_column(String(200))
    birth_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    purged_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class OrCaseRow(Base):
    """A case on a day's OR schedule (no identifiers). `case_id` is the importer's id, stable
    across imports of the same file, so importing it again updates the case in place."""

    __tablename__ = "or_cases"
    __table_args__ = (
        UniqueConstraint("program_name", "case_id"),
        Index("ix_or_cases_program_name_day", "program_name", "day"),
        CheckConstraint("minutes > 0", name="minutes_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_name: Mapped[str] = mapped_column(String(200))
    case_id: Mapped[str] = mapped_column(String(100))
    day: Mapped[date] = mapped_column(Date)
    room: Mapped[str] = mapped_column(String(100))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    minutes: Mapped[int] = mapped_column(Integer)
    procedure: Mapped[str] = mapped_column(String(300))
    cpt_codes: Mapped[str] = mapped_column(Text)  # ";"-joined
    service_id: Mapped[str] = mapped_column(String(100))
    attending_id: Mapped[str | None] = mapped_column(String(100))
    flags: Mapped[str] = mapped_column(Text)  # ";"-joined
    continuity: Mapped[str] = mapped_column(Text)  # ";"-joined person ids
    patient_key: Mapped[str | None] = mapped_column(ForeignKey("or_patients.key"), index=True)
    # "imported" or "hand": a new import of the day replaces only the cases imports brought
    source: Mapped[str] = mapped_column(String(20), server_default="imported")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_by: Mapped[str] = mapped_column(String(200))


class OrPlanRow(Base):
    """One version of a day's plan, numbered 1..n per day: a draft, or published."""

    __tablename__ = "or_plans"
    __table_args__ = (
        UniqueConstraint("program_name", "day", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_name: Mapped[str] = mapped_column(String(200))
    day: Mapped[date] = mapped_column(Date)
    number: Mapped[int] = mapped_column(Integer)
    published: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text)
    # published versions: the cases as told (JSON, see `PublishedCase`); None on drafts
    cases: Mapped[str | None] = mapped_column(Text)


class OrPlanRoleRow(Base):
    """One resident's credit role on one case in a plan."""

    __tablename__ = "or_plan_roles"
    __table_args__ = (
        UniqueConstraint("plan_id", "case_id", "person_id"),
        CheckConstraint(f"role IN {CREDIT_ROLES!r}", name="role_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("or_plans.id"), index=True)
    case_id: Mapped[str] = mapped_column(String(100))
    person_id: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(2))


class CaseLogRow(Base):
    """One line of a resident's case log (de-identified: CPT codes, role, attending, the board's
    case id when logged from one)."""

    __tablename__ = "case_logs"
    __table_args__ = (
        Index("ix_case_logs_program_name_person_id", "program_name", "person_id"),
        CheckConstraint(f"role IN {CREDIT_ROLES!r}", name="role_known"),
        CheckConstraint(f"source IN {LOG_SOURCES!r}", name="source_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_name: Mapped[str] = mapped_column(String(200))
    person_id: Mapped[str] = mapped_column(String(100))
    day: Mapped[date] = mapped_column(Date)
    cpt_codes: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(2))
    attending_id: Mapped[str | None] = mapped_column(String(100))
    case_id: Mapped[str | None] = mapped_column(String(100))
    categories: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(200))


class CptTableRow(Base):
    """One version of a program's CPT table, as its CSV text; the newest is in use."""

    __tablename__ = "cpt_tables"
    __table_args__ = (
        UniqueConstraint("program_name", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_name: Mapped[str] = mapped_column(String(200))
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(200))


class PhiAccessRow(Base):
    """One attempt to read a patient's identifiers: who (account, username, role), which patient
    and case, through which route, a plain read or a break-glass read with its typed reason, and
    whether it was allowed. Never updated or deleted."""

    __tablename__ = "phi_access_log"
    __table_args__ = (
        Index("ix_phi_access_log_at", "at"),
        Index("ix_phi_access_log_username_case_id", "username", "case_id"),
        CheckConstraint(f"action IN {ACCESS_ACTIONS!r}", name="action_known"),
        CheckConstraint(f"outcome IN {ACCESS_OUTCOMES!r}", name="outcome_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    account_id: Mapped[int | None] = mapped_column(Integer)
    username: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    patient_key: Mapped[str | None] = mapped_column(String(120))
    case_id: Mapped[str] = mapped_column(String(100))
    route: Mapped[str] = mapped_column(String(300))
    action: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(16))
