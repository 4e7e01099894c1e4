"""The outbox (outbound messages) and the in-app inbox, over one Session.

Claim protocol: `claim` moves due pending messages to `sending` in one conditional UPDATE whose
subquery locks them with FOR UPDATE SKIP LOCKED (PostgreSQL; SQLite's BEGIN IMMEDIATE already
serialises it), stamping a fresh claim token and a lease. The claimer commits, sends outside any
transaction, then records the result with `finish`, which only changes the row if it still
carries that claim token: a worker that overran its lease cannot overwrite the next one's work.
Messages whose lease ran out (`expired`) have an unknown outcome; `callroom.paging.engine` says
what becomes of them.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Executable, Integer, Row, String, bindparam, exists, func, or_, select, update
from sqlalchemy.orm import Session

from callroom.domain.paging import Channel, MessageState
from callroom.paging.engine import OPEN_STATES, message_from
from callroom.storage.bulk import insert_rows
from callroom.storage.paging_records import ClaimedMessage, InboxRecord, MessageRecord
from callroom.storage.paging_repositories import page_record, recipient_record, rows_changed
from callroom.storage.paging_tables import InboxRow, MessageRow, PageRow, RecipientRow
from callroom.storage.tables import core_table
from callroom.storage.wakeup import Wake, announce

_INBOX = core_table(InboxRow)
_MESSAGES = core_table(MessageRow)


def _due_work() -> Executable:
    # Built once: an idle worker runs it every poll, and building it cost more than running it.
    now, inapp = bindparam("now", type_=MessageRow.due_at.type), bindparam("inapp", type_=String())
    is_pending = MessageRow.state == MessageState.PENDING
    pending = (is_pending, MessageRow.due_at <= now)
    open_page = or_(*(PageRow.state == s for s in sorted(OPEN_STATES)))
    return select(
        exists().where(PageRow.deadline <= now, open_page),
        exists().where(*pending, MessageRow.channel == inapp),
        exists().where(*pending, MessageRow.channel != inapp),
        exists().where(MessageRow.state == MessageState.SENDING, MessageRow.lease_until <= now),
        # What comes due next, each the first in its index from `now` on.
        select(PageRow.deadline)
        .where(PageRow.deadline > now, open_page)
        .order_by(PageRow.deadline)
        .limit(1)
        .scalar_subquery(),
        select(MessageRow.due_at)
        .where(is_pending, MessageRow.due_at > now)
        .order_by(MessageRow.due_at)
        .limit(1)
        .scalar_subquery(),
    )


@dataclass(frozen=True)
class DueWork:
    """What kinds of work are due (escalations, in-app and external messages, expired leases),
    and when the next deadline or pending message comes due (None: none is waiting)."""

    pages: bool
    inapp: bool
    external: bool
    expired: bool
    next_at: datetime | None = None

    def __bool__(self) -> bool:
        return self.pages or self.inapp or self.external or self.expired


_DUE_WORK = _due_work()
# The worker's and the event streams' reads, built once and run on Core (see paging_repositories).
_PARTS = [core_table(row) for row in (MessageRow, PageRow, RecipientRow)]
_CLAIMED = (
    select(*_PARTS)
    .join_from(_PARTS[0], _PARTS[1], _PARTS[1].c.id == _PARTS[0].c.page_id)
    .join(_PARTS[2], _PARTS[2].c.id == _PARTS[0].c.recipient_id)
    .where(_PARTS[0].c.id.in_(bindparam("ids", expanding=True)))
    .order_by(_PARTS[0].c.id)
)
_INBOX_AFTER = (
    select(_INBOX)
    .where(_INBOX.c.id > bindparam("after"))
    .order_by(_INBOX.c.id)
    .limit(bindparam("limit", type_=Integer()))
)
_CLAIMABLE = message_from(MessageState.SENDING)
_DUE = (
    select(_MESSAGES.c.id)
    .where(
        _MESSAGES.c.state.in_(_CLAIMABLE),
        _MESSAGES.c.due_at <= bindparam("now"),
        _MESSAGES.c.channel.in_(bindparam("channels", expanding=True)),
    )
    .order_by(_MESSAGES.c.due_at)
    .limit(bindparam("limit", type_=Integer()))
    .with_for_update(skip_locked=True)
    # A CTE, run once: as a subquery PostgreSQL may scan it again for each row the UPDATE looks
    # at, each scan skipping the rows this statement already took and taking `limit` more
    # (2,000 claimed for a batch of 200, in time growing with their square).
    .cte("due")
)
_CLAIM = (
    update(_MESSAGES)
    .where(_MESSAGES.c.id.in_(select(_DUE.c.id)), _MESSAGES.c.state.in_(_CLAIMABLE))
    .values(
        state=MessageState.SENDING,
        due_at=None,
        lease_until=bindparam("lease"),
        claim=bindparam("token"),
        attempts=_MESSAGES.c.attempts + 1,
    )
    .returning(_MESSAGES.c.id)
)
_INBOX_IDS = select(_INBOX).where(_INBOX.c.id.in_(bindparam("ids", expanding=True))).order_by(_INBOX.c.id)


def _split(row: Row[Any]) -> list[SimpleNamespace]:
    """A row of `_CLAIMED` as its message, page and recipient, each with its columns by name."""
    parts, start = [], 0
    for table in _PARTS:
        width = len(table.c)
        parts.append(SimpleNamespace(**dict(zip(table.c.keys(), row[start : start + width], strict=True))))
        start += width
    return parts


class OutboxRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def claim(
        self, now: datetime, channels: Collection[str], limit: int, lease_until: datetime, claim: str
    ) -> list[ClaimedMessage]:
        """Take up to `limit` due pending messages on `channels` for this claim token."""
        given = {
            "now": now,
            "channels": list(channels),
            "limit": limit,
            "lease": lease_until,
            "token": claim,
        }
        ids = list(self._session.scalars(_CLAIM, given))
        return self._claimed(ids, claim)

    def expired(self, now: datetime, limit: int, claim: str) -> list[ClaimedMessage]:
        """Messages whose sender's lease ran out, taken over under a new claim token (and a
        lease of `now`, so they stay expired if this worker dies too)."""
        stale = (
            select(MessageRow.id)
            .where(MessageRow.state == MessageState.SENDING, MessageRow.lease_until <= now)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .cte("stale")  # run once, as in `claim`
        )
        taken = (
            update(MessageRow)
            .where(MessageRow.id.in_(select(stale.c.id)), MessageRow.state == MessageState.SENDING)
            .values(claim=claim, lease_until=now)
            .returning(MessageRow.id)
            .execution_options(synchronize_session=False)
        )
        return self._claimed(list(self._session.scalars(taken)), claim)

    def finish(self, message_id: int, claim: str, state: MessageState, **values: Any) -> bool:
        """Record a claimed message's result; False if the claim was lost to another worker."""
        stmt = (
            update(MessageRow)
            .where(
                MessageRow.id == message_id,
                MessageRow.claim == claim,
                MessageRow.state.in_(message_from(state)),
            )
            .values(lease_until=None, state=state, **values)
            .execution_options(synchronize_session=False)
        )
        return rows_changed(self._session, stmt) == 1

    def messages(self, page_id: int) -> list[MessageRecord]:
        stmt = select(MessageRow).where(MessageRow.page_id == page_id).order_by(MessageRow.id)
        stmt = stmt.execution_options(populate_existing=True)
        return [message_record(row) for row in self._session.scalars(stmt)]

    def due_work(self, now: datetime, inapp: str) -> DueWork:
        """What is due at `now`, in one read-only statement: an idle worker's whole poll, and
        a busy one's way to skip the transactions that would find nothing. Messages on any
        channel but `inapp` are external."""
        pages, inapp_due, external, expired, deadline, message = self._session.execute(
            _DUE_WORK, {"now": now, "inapp": inapp}
        ).one()
        upcoming = [at for at in (deadline, message) if at is not None]
        flags = (bool(pages), bool(inapp_due), bool(external), bool(expired))
        return DueWork(*flags, next_at=min(upcoming, default=None))

    def add_inbox(
        self, entries: Sequence[tuple[int, str, int, dict[str, Any]]], at: datetime, fresh: bool = False
    ) -> set[int]:
        """Put messages (message id, person, page, payload) in inboxes, in one statement; the
        ids of those newly stored (one already there is left alone). `fresh`: the messages were
        stored by this transaction, so none can be there yet. The event streams are woken when
        the transaction commits."""
        if not entries:
            return set()
        # SQLite refuses any insert of a stored message id (a trigger keeps the append-only inbox
        # from being replaced, and cannot tell DO NOTHING from REPLACE), so repeats are left out
        # here; DO NOTHING still covers a concurrent writer on PostgreSQL (SQLite's take turns).
        wanted = {m: (person, page, payload) for m, person, page, payload in entries}
        if not fresh:
            stored = select(InboxRow.message_id).where(InboxRow.message_id.in_(list(wanted)))
            for message_id in self._session.scalars(stored).all():
                del wanted[message_id]
        if not wanted:
            return set()
        rows = [
            {
                "message_id": m,
                "person_id": person,
                "page_id": page,
                "created_at": at,
                "payload": json.dumps(payload, sort_keys=True),
            }
            for m, (person, page, payload) in wanted.items()
        ]
        if fresh:  # no other transaction can see these messages yet, let alone store them
            insert_rows(self._session, _INBOX, rows)
            added = set(wanted)
        else:  # RETURNING, not rowcount: it says which rows went in, on both databases
            inserted = insert_rows(
                self._session, _INBOX, rows, returning=("message_id",), skip_existing="message_id"
            )
            added = {int(row["message_id"]) for row in inserted}
        if added:
            announce(self._session, Wake.INBOX)
        return added

    def finish_many(self, claim: str, results: Sequence[tuple[int, dict[str, Any]]]) -> None:
        """`finish` for messages this transaction claimed (so the claim cannot have been lost):
        (message id, its new values, the new `state` among them). Messages given the same values
        (a batch of in-app messages all sent at one instant) change in one UPDATE, not one each."""
        alike: dict[tuple[tuple[str, Any], ...], list[int]] = defaultdict(list)
        for message_id, values in results:
            alike[tuple(sorted(values.items()))].append(message_id)
        for shared, ids in alike.items():
            new = dict(shared)
            stmt = (
                update(MessageRow)
                .where(
                    MessageRow.id.in_(ids),
                    MessageRow.claim == claim,
                    MessageRow.state.in_(message_from(new["state"])),
                )
                .values(lease_until=None, due_at=None, **new)
                .execution_options(synchronize_session=False)
            )
            self._session.execute(stmt)

    def inbox_after(self, after_id: int, limit: int, person_id: str | None = None) -> list[InboxRecord]:
        """Inbox rows with ids above `after_id`, oldest first; one person's, or everyone's."""
        if person_id is None:
            rows = self._session.execute(_INBOX_AFTER, {"after": after_id, "limit": limit})
        else:
            stmt = _INBOX_AFTER.where(_INBOX.c.person_id == person_id)
            rows = self._session.execute(stmt, {"after": after_id, "limit": limit})
        return [inbox_record(row) for row in rows]

    def newest_inbox_id(self) -> int:
        return self._session.scalar(select(func.max(InboxRow.id))) or 0

    def inbox_ids(self, ids: Collection[int]) -> list[InboxRecord]:
        if not ids:
            return []
        return [inbox_record(row) for row in self._session.execute(_INBOX_IDS, {"ids": list(ids)})]

    def _claimed(self, ids: Sequence[int], claim: str) -> list[ClaimedMessage]:
        if not ids:
            return []
        found = []
        for row in self._session.execute(_CLAIMED, {"ids": list(ids)}):
            message, page, recipient = _split(row)
            found.append(
                ClaimedMessage(message_record(message), claim, page_record(page), recipient_record(recipient))
            )
        return found


def message_record(row: MessageRow | Row[Any] | SimpleNamespace) -> MessageRecord:
    return MessageRecord(
        id=row.id,
        page_id=row.page_id,
        recipient_id=row.recipient_id,
        channel=Channel(row.channel),
        address=row.address,
        idempotency_key=row.idempotency_key,
        after_s=row.after_s,
        state=MessageState(row.state),
        due_at=row.due_at,
        attempts=row.attempts,
        note=row.note,
        sent_at=row.sent_at,
    )


def inbox_record(row: InboxRow | Row[Any]) -> InboxRecord:
    return InboxRecord(
        id=row.id,
        person_id=row.person_id,
        page_id=row.page_id,
        message_id=row.message_id,
        created_at=row.created_at,
        payload=json.loads(row.payload),
    )
