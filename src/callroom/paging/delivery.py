"""In-app delivery: the message goes into its recipient's inbox, recorded as sent, with its audit
event, all in the caller's transaction.

The inbox is a table of the same database, so in-app delivery needs no network and no transaction
of its own. An in-app message due at once is therefore delivered as it is stored: the transaction
that sends a page (or escalates it) stores the message sent, its recipient delivered and its inbox
row (`deliver_stored`), so the page reaches the event streams with that one commit, whether or not
a worker is running, and is never stored undelivered. A worker delivers those due later (a contact
rule's delayed in-app message) by claiming them (`deliver_inapp`). Either way, the inbox's unique
message id makes a repeat a no-op: in-app delivery is exactly once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from callroom.domain.paging import Channel, EventKind, MessageState, PageState, RecipientState
from callroom.paging.engine import cancel_reason
from callroom.paging.transports.base import OutboundMessage
from callroom.paging.transports.inapp import INBOX_NOTE, InAppTransport
from callroom.storage.outbox_repositories import OutboxRepository
from callroom.storage.paging_records import ClaimedMessage, NewEvent, StoredMessage, StoredRecipient
from callroom.storage.paging_repositories import PageRepository, StepRecipients

INAPP = (Channel.INAPP.value,)
DELIVERER = "callroom"
"""Who the audit trail says delivered an in-app message stored sent: the transaction that stored
it, whoever's it was (a sender's, a decline's, a worker's escalation)."""


class PageFields(Protocol):
    """What an inbox entry tells of its page: a page being stored or one read back."""

    @property
    def created_at(self) -> datetime: ...
    @property
    def sender(self) -> str: ...
    @property
    def priority(self) -> str: ...
    @property
    def target(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def callback(self) -> str: ...
    @property
    def notice(self) -> bool: ...


class Deliveries:
    """What a transaction's steps leave to write at its end: the in-app messages they stored sent
    and their audit events, gathered so that one write puts all the messages in their inboxes
    and one stores all the events (a worker's pass escalates many pages in one transaction)."""

    def __init__(self) -> None:
        self._pages: dict[int, PageFields] = {}
        self._steps: list[StepRecipients] = []
        self._stored: list[StoredRecipient] = []
        self._events: list[tuple[int, NewEvent]] = []

    def note(self, page_id: int, events: Iterable[NewEvent]) -> None:
        """Audit events of the page, stored (in this order) with the deliveries'."""
        self._events += [(page_id, event) for event in events]

    def add(
        self,
        pages: Mapping[int, PageFields],
        steps: Sequence[StepRecipients],
        stored: Sequence[StoredRecipient],
    ) -> None:
        """Steps and their recipients as `PageRepository.add_steps` stored them."""
        self._pages.update(pages)
        self._steps += steps
        self._stored += stored

    def deliver(self, session: Session, now: datetime) -> None:
        """Deliver everything gathered (see `deliver_stored`), store the events noted and the
        deliveries', move the pages reached to delivered, and start again empty."""
        delivered = deliver_stored(session, self._pages, self._steps, self._stored, now)
        repository = PageRepository(session)
        repository.add_events_to(self._events + delivered, now)
        repository.advance_pages({page_id for page_id, _ in delivered}, PageState.DELIVERED)
        self._pages.clear()
        self._steps.clear()
        self._stored.clear()
        self._events.clear()


def deliver_stored(
    session: Session,
    pages: Mapping[int, PageFields],
    steps: Sequence[StepRecipients],
    stored: Sequence[StoredRecipient],
    now: datetime,
) -> list[tuple[int, NewEvent]]:
    """Put in their inboxes the messages `PageRepository.add_steps` just stored as sent (`stored`,
    in the order of the steps' recipients); their audit events (page id, event), for the caller
    to store with its own, in one statement."""
    found = [(s, r) for s in steps for r in s.recipients]
    messages = [
        _outbound(message, 1, pages[s.page_id], s.page_id, (r.person_id, r.name, r.reason, s.step, s.round))
        for (s, r), kept in zip(found, stored, strict=True)
        for message in kept.sent
    ]
    if messages:
        _inbox(OutboxRepository(session), now, fresh=True).send_many(messages)
    return [(m.page_id, delivery_event(DELIVERER, m, MessageState.SENT, INBOX_NOTE)) for m in messages]


def deliver_inapp(session: Session, now: datetime, actor: str, limit: int) -> int:
    """Claim and deliver up to `limit` pending in-app messages due at `now`: each is put in its
    inbox, or cancelled if its page or recipient has moved on; every one gets an audit event by
    `actor`. How many were claimed."""
    outbox = OutboxRepository(session)
    claim = claim_token()
    claimed = outbox.claim(now, INAPP, limit, now, claim)
    cancelled = {item.message.id: why for item in claimed if (why := cancelled_why(item)) is not None}
    going = [item for item in claimed if item.message.id not in cancelled]
    messages = {item.message.id: outbound(item) for item in claimed}
    results = _inbox(outbox, now).send_many([messages[item.message.id] for item in going])
    notes = {**{i.message.id: r.detail for i, r in zip(going, results, strict=True)}, **cancelled}
    finished, events = [], []
    for item in claimed:
        state = MessageState.CANCELLED if item.message.id in cancelled else MessageState.SENT
        note = notes[item.message.id]
        sent_at = now if state is MessageState.SENT else None
        finished.append((item.message.id, {"state": state, "note": note, "sent_at": sent_at}))
        events.append((item.page.id, delivery_event(actor, messages[item.message.id], state, note)))
    outbox.finish_many(claim, finished)
    PageRepository(session).add_events_to(events, now)
    mark_delivered(session, going)
    return len(claimed)


def mark_delivered(session: Session, sent: Sequence[ClaimedMessage]) -> None:
    """The recipients of claimed messages just sent are delivered, and so are their pages."""
    repository = PageRepository(session)
    repository.move_recipients([item.recipient.id for item in sent], RecipientState.DELIVERED)
    repository.advance_pages({item.page.id for item in sent}, PageState.DELIVERED)


def claim_token() -> str:
    return uuid.uuid4().hex


def delivery_event(actor: str, message: OutboundMessage, state: MessageState, note: str) -> NewEvent:
    """The audit event of a message's delivery (or of its cancellation)."""
    kind = EventKind.CANCELLED if state is MessageState.CANCELLED else EventKind.DELIVERY
    detail = {
        "channel": message.channel,
        "attempt": message.attempt,
        "state": state.value,
        "note": note,
        "key": message.idempotency_key,
    }
    return NewEvent(kind, actor, message.person_id, detail)


def cancelled_why(item: ClaimedMessage) -> str | None:
    """Why a claimed message must not be sent (its page or recipient has moved on), or None."""
    return cancel_reason(item.page.state, item.recipient.state, item.message.after_s > 0)


def outbound(item: ClaimedMessage) -> OutboundMessage:
    """The claimed message as its transport takes it."""
    message, recipient = item.message, item.recipient
    stored = StoredMessage(message.id, Channel(message.channel), message.idempotency_key)
    who = (recipient.person_id, recipient.name, recipient.reason, recipient.step, recipient.round)
    return _outbound(stored, message.attempts, item.page, item.page.id, who, message.address)


def _outbound(
    message: StoredMessage,
    attempt: int,
    page: PageFields,
    page_id: int,
    who: tuple[str, str, str, int, int],
    address: str | None = None,
) -> OutboundMessage:
    """A message to one recipient (`who`: person, name, reason, step, round) of a page; an
    in-app message's address is its recipient's inbox."""
    person_id, name, reason, step, round_no = who
    return OutboundMessage(
        message_id=message.id,
        idempotency_key=message.idempotency_key,
        channel=message.channel,
        address=address if address is not None else person_id,
        attempt=attempt,
        page_id=page_id,
        priority=page.priority,
        sender=page.sender,
        body=page.body,
        callback=page.callback,
        target=page.target,
        sent_at=page.created_at,
        person_id=person_id,
        person_name=name,
        reason=reason,
        step=step,
        round=round_no,
        notice=page.notice,
    )


def _inbox(outbox: OutboxRepository, now: datetime, fresh: bool = False) -> InAppTransport:
    """The in-app transport writing to this transaction's inboxes (`fresh`: messages this
    transaction stored, so none is in an inbox yet)."""
    return InAppTransport(
        lambda entries: outbox.add_inbox(
            [(m.message_id, m.person_id, m.page_id, payload) for m, payload in entries], now, fresh
        )
    )
