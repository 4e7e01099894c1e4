"""Paging tables: pages, their recipients, outbound messages (the outbox), the audit events and
the in-app inbox. Migration 0002 creates them.

`pages`, `page_recipients` and `outbound_messages` hold current state, changed only by
conditional updates (`WHERE id = ? AND state = ?` or a claim token), so concurrent workers and
API calls cannot both win. `page_events` and `inbox` are append-only: the migration adds
triggers that refuse UPDATE and DELETE (and 0007, on SQLite, an insert reusing a stored key).
Deadlines, due times and leases are the timers: a worker that dies leaves them in the database
for the next one.

Every state, channel, priority and event kind column has a CHECK that it holds a member of its
enum in `callroom.domain.paging`, built from the enum (migrations 0002 and 0008 write them out;
a test holds the migrated schema to the enums).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from callroom.domain.paging import Channel, EventKind, MessageState, PageState, Priority, RecipientState
from callroom.storage.tables import Base, UtcDateTime


def one_of(column: str, vocabulary: type[StrEnum], name: str) -> CheckConstraint:
    """CHECK (column IN (every value of the enum)), named `name`."""
    values = ", ".join(f"'{member.value}'" for member in vocabulary)
    return CheckConstraint(f"{column} IN ({values})", name=name)


# Each vocabulary column's CHECK: (table, column) -> (the enum, the constraint's name).
VOCABULARIES: dict[tuple[str, str], tuple[type[StrEnum], str]] = {
    ("pages", "priority"): (Priority, "priority_kind"),
    ("pages", "state"): (PageState, "state_kind"),
    ("page_recipients", "state"): (RecipientState, "state_kind"),
    ("outbound_messages", "state"): (MessageState, "state_kind"),
    ("outbound_messages", "channel"): (Channel, "channel_kind"),
    ("page_events", "kind"): (EventKind, "kind_kind"),
}


def checks(table: str) -> tuple[CheckConstraint, ...]:
    """The vocabulary CHECKs of one table."""
    return tuple(
        one_of(column, enum, name) for (owner, column), (enum, name) in VOCABULARIES.items() if owner == table
    )


class PageRow(Base):
    """A page and where its escalation stands; `policy` is the policy copied at send time."""

    __tablename__ = "pages"
    __table_args__ = checks("pages")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sender: Mapped[str] = mapped_column(String(200))
    priority: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(String(500))
    callback: Mapped[str] = mapped_column(String(40))
    # Shown only inside the app: never copied into an email, a webhook or an inbox payload.
    patient_ref: Mapped[str | None] = mapped_column(String(100))
    new_patient: Mapped[bool] = mapped_column(Boolean)
    roster_version_id: Mapped[int | None] = mapped_column(ForeignKey("roster_versions.id"))
    policy: Mapped[str] = mapped_column(Text)
    notes: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))
    step: Mapped[int] = mapped_column(Integer)
    round_no: Mapped[int] = mapped_column(Integer)
    # NULL once nothing more is due (acknowledged, resolved, or the fallback paged).
    deadline: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    exhausted: Mapped[bool] = mapped_column(Boolean)
    version: Mapped[int] = mapped_column(Integer)
    # A notice tells (a roster changed) and asks nothing: it is marked seen, never acknowledged.
    notice: Mapped[bool] = mapped_column(Boolean, server_default=false())


class RecipientRow(Base):
    """One person (or the operators' queue) paged at one step of one round, and why."""

    __tablename__ = "page_recipients"
    __table_args__ = (
        UniqueConstraint("page_id", "step", "round_no", "person_id"),
        *checks("page_recipients"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"))
    person_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    step: Mapped[int] = mapped_column(Integer)
    round_no: Mapped[int] = mapped_column(Integer)
    post_id: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))
    decline_reason: Mapped[str | None] = mapped_column(Text)
    notified_at: Mapped[datetime] = mapped_column(UtcDateTime())


class MessageRow(Base):
    """The outbox: one message to one recipient on one channel. `due_at` is set while pending,
    `lease_until` and `claim` while a worker is sending it."""

    __tablename__ = "outbound_messages"
    # The metrics scrape counts messages by state and channel, and reads the recently sent ones.
    __table_args__ = (
        Index("ix_outbound_messages_state_channel", "state", "channel"),
        *checks("outbound_messages"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"), index=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("page_recipients.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(320))
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    after_s: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    claim: Mapped[str | None] = mapped_column(String(40))
    attempts: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)


class EventRow(Base):
    """The audit trail: who did what to a page, when. Written once, never changed."""

    __tablename__ = "page_events"
    __table_args__ = checks("page_events")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), index=True)  # counted by the metrics scrape
    person_id: Mapped[str | None] = mapped_column(String(100))
    detail: Mapped[str] = mapped_column(Text)


class InboxRow(Base):
    """In-app delivery: what a person's event stream shows, one row per in-app message.

    The unique message id makes delivery idempotent: resending after an unknown outcome finds
    the row already there and adds nothing.
    """

    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_person_id_id", "person_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[str] = mapped_column(String(100))
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"))
    message_id: Mapped[int] = mapped_column(ForeignKey("outbound_messages.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    payload: Mapped[str] = mapped_column(Text)
