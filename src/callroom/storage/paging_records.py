"""What the paging repositories take and hand out: frozen records, never ORM objects.

States, channels, priorities and event kinds are the enums of `callroom.domain.paging` (stored
as their values, which the database's CHECK constraints hold to the enums); which state may
follow which is `callroom.paging.engine`'s to say.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from callroom.domain.paging import Channel, EventKind, MessageState, PageState, Priority, RecipientState


@dataclass(frozen=True)
class NewPage:
    created_at: datetime
    sender: str
    priority: Priority
    target: str
    body: str
    callback: str
    patient_ref: str | None
    new_patient: bool
    roster_version_id: int | None
    policy: dict[str, Any]
    notes: tuple[str, ...]
    deadline: datetime | None
    notice: bool = False  # tells and asks no answer (see paging.service.PageRequest)
    state: PageState = PageState.SENT  # delivered when stored with a message already in an inbox


@dataclass(frozen=True)
class NewMessage:
    channel: Channel
    address: str
    after_s: int
    due_at: datetime
    # Stored as already sent, with this note: an in-app message due at once, which the
    # transaction storing it delivers (see callroom.paging.delivery). None: stored pending.
    sent: str | None = None


@dataclass(frozen=True)
class NewRecipient:
    person_id: str
    name: str
    post_id: str | None
    reason: str
    messages: tuple[NewMessage, ...]

    @property
    def reached_at_once(self) -> bool:
        """Whether a message of theirs is stored already sent (in their inbox as it is stored)."""
        return any(m.sent is not None for m in self.messages)


@dataclass(frozen=True)
class StoredMessage:
    id: int
    channel: Channel
    idempotency_key: str


@dataclass(frozen=True)
class StoredRecipient:
    """A recipient as `PageRepository.add_steps` stored it: its id, and its messages stored as
    already sent (`NewMessage.sent`), in the order they were given."""

    id: int
    sent: tuple[StoredMessage, ...]


@dataclass(frozen=True)
class NewEvent:
    kind: EventKind
    actor: str
    person_id: str | None = None
    detail: dict[str, Any] | None = None


@dataclass(frozen=True)
class PageRecord:
    id: int
    created_at: datetime
    sender: str
    priority: Priority
    target: str
    body: str
    callback: str
    patient_ref: str | None
    new_patient: bool
    roster_version_id: int | None
    policy: dict[str, Any]
    notes: tuple[str, ...]
    state: PageState
    step: int
    round: int
    deadline: datetime | None
    exhausted: bool
    version: int
    notice: bool


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
    state: RecipientState
    decline_reason: str | None
    notified_at: datetime


@dataclass(frozen=True)
class MessageRecord:
    id: int
    page_id: int
    recipient_id: int
    channel: Channel
    address: str
    idempotency_key: str
    after_s: int
    state: MessageState
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
    kind: EventKind
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
