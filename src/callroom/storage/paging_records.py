"""What the paging repositories take and hand out: frozen records, never ORM objects.

States are the plain strings stored in the database; `callroom.paging.engine` gives them
meaning (storage sits below paging and does not import it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class NewPage:
    created_at: datetime
    sender: str
    priority: str
    target: str
    body: str
    callback: str
    patient_ref: str | None
    new_patient: bool
    roster_version_id: int | None
    policy: dict[str, Any]
    notes: tuple[str, ...]
    deadline: datetime | None


@dataclass(frozen=True)
class NewMessage:
    channel: str
    address: str
    after_s: int
    due_at: datetime


@dataclass(frozen=True)
class NewRecipient:
    person_id: str
    name: str
    post_id: str | None
    reason: str
    messages: tuple[NewMessage, ...]


@dataclass(frozen=True)
class NewEvent:
    kind: str
    actor: str
    person_id: str | None = None
    detail: dict[str, Any] | None = None


@dataclass(frozen=True)
class PageRecord:
    id: int
    created_at: datetime
    sender: str
    priority: str
    target: str
    body: str
    callback: str
    patient_ref: str | None
    new_patient: bool
    roster_version_id: int | None
    policy: dict[str, Any]
    notes: tuple[str, ...]
    state: str
    step: int
    round: int
    deadline: datetime | None
    exhausted: bool
    version: int


@dataclass(frozen=True)
class RecipientRecord:
    id: int
    page_id: int
    person_id: str
    name: str
    step: int
    round: int
    post_id: str | None
    reason: str
    state: str
    decline_reason: str | None
    notified_at: datetime


@dataclass(frozen=True)
class MessageRecord:
    id: int
    page_id: int
    recipient_id: int
    channel: str
    address: str
    idempotency_key: str
    after_s: int
    state: str
    due_at: datetime | None
    attempts: int
    note: str | None
    sent_at: datetime | None


@dataclass(frozen=True)
class ClaimedMessage:
    """A message a worker holds under `claim`, with what sending and deciding need."""

    message: MessageRecord
    claim: str
    page: PageRecord
    recipient: RecipientRecord


@dataclass(frozen=True)
class EventRecord:
    id: int
    page_id: int
    at: datetime
    actor: str
    kind: str
    person_id: str | None
    detail: dict[str, Any]


@dataclass(frozen=True)
class InboxRecord:
    id: int
    person_id: str
    page_id: int
    message_id: int
    created_at: datetime
    payload: dict[str, Any]
