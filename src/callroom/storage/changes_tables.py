"""Roster change tables: proposals (repairs, swaps, offered shifts, day-off requests, open
shifts), their append-only audit events, and who was offered each open shift (migration 0005);
the absences the chief approved with them (migration 0009).

A proposal's state changes only by conditional update (`WHERE id = ? AND state = ? AND
version = ?`), so two people accepting one open shift, or a chief approving while the resident
withdraws, cannot both win. `change_events` refuses UPDATE and DELETE (database triggers), and on
SQLite an insert reusing a stored key.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callroom.storage.tables import Base, UtcDateTime

CHANGE_KINDS = ("repair", "swap", "give_away", "day_off", "open_shift")
CHANGE_STATES = (
    "proposed",
    "accepted",
    "approved",
    "declined",
    "refused",
    "withdrawn",
    "open",
    "filled",
    "cancelled",
)
OFFER_STATES = ("offered", "taken", "gone")
ABSENCE_KINDS = ("sick", "day_off")


class ChangeProposalRow(Base):
    """One proposed change to a program's roster, from proposal to decision."""

    __tablename__ = "change_proposals"
    __table_args__ = (
        CheckConstraint(f"kind IN {CHANGE_KINDS!r}", name="kind_kind"),
        CheckConstraint(f"state IN {CHANGE_STATES!r}", name="state_kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), index=True)
    base_version_id: Mapped[int] = mapped_column(ForeignKey("roster_versions.id"))
    requester: Mapped[str] = mapped_column(String(100), index=True)
    colleague: Mapped[str | None] = mapped_column(String(100), index=True)
    # JSON: the assignments removed and added, and what each kind needs (absence, diff, slot).
    payload: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    result_version_id: Mapped[int | None] = mapped_column(ForeignKey("roster_versions.id"))
    version: Mapped[int] = mapped_column(Integer)


class ChangeEventRow(Base):
    """What happened to a proposal, who did it and when: written once, never changed."""

    __tablename__ = "change_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("change_proposals.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text)


class OpenShiftOfferRow(Base):
    """One person offered one open shift, because the rules let them take it."""

    __tablename__ = "open_shift_offers"
    __table_args__ = (
        UniqueConstraint("proposal_id", "person_id"),
        CheckConstraint(f"state IN {OFFER_STATES!r}", name="state_kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("change_proposals.id"), index=True)
    person_id: Mapped[str] = mapped_column(String(100), index=True)
    state: Mapped[str] = mapped_column(String(16))
    offered_at: Mapped[datetime] = mapped_column(UtcDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ApprovedAbsenceRow(Base):
    """An absence the chief approved (a sick call repaired, a day off granted): from then on no
    roster of the program may give the person a shift that overlaps it. Written once, in the
    approval's transaction, never changed (database triggers refuse UPDATE and DELETE)."""

    __tablename__ = "approved_absences"
    __table_args__ = (
        CheckConstraint(f"kind IN {ABSENCE_KINDS!r}", name="kind_kind"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_name: Mapped[str] = mapped_column(String(200), index=True)
    person_id: Mapped[str] = mapped_column(String(100))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    kind: Mapped[str] = mapped_column(String(16))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("change_proposals.id"), index=True)
    approved_by: Mapped[str] = mapped_column(String(100))
    approved_at: Mapped[datetime] = mapped_column(UtcDateTime())
