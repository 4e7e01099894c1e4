"""Pages, recipients and audit events over one Session, as frozen records.

Writes are inserts and *conditional* updates: each update names the state (or version) it
expects, and reports whether a row changed, so two writers racing for the same page cannot both
win. A state change names only the state reached: the states it may come from are the engine's
(`callroom.paging.engine.page_from`, `recipient_from`), so storage cannot make a move the engine
does not allow. Claiming due pages takes row locks with SKIP LOCKED on PostgreSQL (SQLite's BEGIN IMMEDIATE
already serialises writers), inside the caller's transaction: if the worker dies, the
transaction rolls back and the page is due again for the next worker.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import (
    CursorResult,
    Executable,
    Integer,
    Row,
    Update,
    bindparam,
    exists,
    func,
    select,
    update,
)
from sqlalchemy.orm import Session

from callroom.domain.paging import Channel, EventKind, MessageState, PageState, Priority, RecipientState
from callroom.paging.engine import OPEN_STATES, page_from, recipient_from
from callroom.storage.bulk import insert_rows
from callroom.storage.paging_records import (
    EventRecord,
    NewEvent,
    NewMessage,
    NewPage,
    NewRecipient,
    PageRecord,
    RecipientRecord,
    StoredMessage,
    StoredRecipient,
)
from callroom.storage.paging_tables import EventRow, MessageRow, PageRow, RecipientRow
from callroom.storage.tables import core_table
from callroom.storage.wakeup import Wake, announce

# Core inserts on the tables, not ORM ones: sending a page is the hot path, and the ORM's bulk
# machinery costs several times the database's own work here.
_TABLES = {row.__tablename__: core_table(row) for row in (PageRow, RecipientRow, MessageRow, EventRow)}
_PAGES, _RECIPIENT_ROWS = _TABLES["pages"], _TABLES["page_recipients"]

# Reads the escalations and the actions make of one page, built once (building a statement
# costs more than SQLite takes to run it) and run on Core: the rows become records at once, so
# the ORM's identity map would only be overhead.
_PAGE = select(_PAGES).where(_PAGES.c.id == bindparam("id"))
_LOCK_PAGE = _PAGE.with_for_update()
_RECIPIENTS = (
    select(_RECIPIENT_ROWS)
    .where(_RECIPIENT_ROWS.c.page_id == bindparam("page_id"))
    .order_by(_RECIPIENT_ROWS.c.id)
)
_ADVANCE_PAGES = (
    update(_PAGES)
    .where(
        _PAGES.c.id.in_(bindparam("ids", expanding=True)),
        _PAGES.c.state.in_(bindparam("sources", expanding=True)),
    )
    .values(state=bindparam("reached"), version=_PAGES.c.version + 1)
)


@cache
def _update_page(columns: tuple[str, ...], with_state: bool) -> Update:
    """`PageRepository.update_page`'s statement, built once per shape: every escalation runs it.
    Parameters: page_id, expected (its version), new_<column> for each column, and with the
    state: sources (the states it may move from) and new_state."""
    stmt = (
        update(_PAGES)
        .where(_PAGES.c.id == bindparam("page_id"), _PAGES.c.version == bindparam("expected"))
        .values(
            version=_PAGES.c.version + 1,
            **{c: bindparam(f"new_{c}", type_=_PAGES.c[c].type) for c in columns},
        )
    )
    if not with_state:
        return stmt
    sources = bindparam("sources", expanding=True, type_=_PAGES.c.state.type)
    return stmt.where(_PAGES.c.state.in_(sources)).values(
        state=bindparam("new_state", type_=_PAGES.c.state.type)
    )


_DUE_PAGES = (
    select(_PAGES.c.id)
    .where(_PAGES.c.deadline <= bindparam("now"), _PAGES.c.state.in_(OPEN_STATES))
    .order_by(_PAGES.c.deadline)
    .limit(bindparam("limit", type_=Integer()))
    .with_for_update(skip_locked=True)
)


class PageRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add_pages(self, pages: Sequence[NewPage]) -> list[int]:
        """Insert pages together; their ids, in the order given (ids rise in that order)."""
        stored = insert_rows(self._session, _PAGES, [_page_values(new) for new in pages], returning=("id",))
        return sorted(int(row["id"]) for row in stored)

    def add_steps(self, steps: Sequence[StepRecipients], at: datetime) -> list[StoredRecipient]:
        """Insert the recipients of steps (of one page or several) and their outbound messages,
        one statement for each; the recipients as stored, in order. A message given as already
        sent (`NewMessage.sent`) is stored sent, and its recipient delivered; the workers are
        woken when the transaction commits if any message is left pending.

        Each message's idempotency key names its recipient row and channel, so it is the same on
        every attempt and unique across the database.
        """
        found = [(s.page_id, r, s) for s in steps for r in s.recipients]
        if not found:
            return []
        rows = [
            {
                "page_id": page_id,
                "person_id": r.person_id,
                "name": r.name,
                "step": s.step,
                "round_no": s.round,
                "post_id": r.post_id,
                "reason": r.reason,
                "state": RecipientState.DELIVERED if r.reached_at_once else RecipientState.NOTIFIED,
                "decline_reason": None,
                "notified_at": at,
            }
            for page_id, r, s in found
        ]
        # A step names each person once, so its page, step, round and person pair each returned
        # id with its row (the bulk insert returns rows in no particular order).
        key = ("page_id", "step", "round_no", "person_id")
        stored = insert_rows(self._session, _RECIPIENT_ROWS, rows, returning=("id", *key))
        by_key = {
            (int(row["page_id"]), int(row["step"]), int(row["round_no"]), str(row["person_id"])): int(
                row["id"]
            )
            for row in stored
        }
        ids = [by_key[(page_id, s.step, s.round, r.person_id)] for page_id, r, s in found]
        messages = [
            _message_values(page_id, rid, m, at)
            for rid, (page_id, r, _) in zip(ids, found, strict=True)
            for m in r.messages
        ]
        sent = self._insert_messages(messages)
        return [
            StoredRecipient(rid, tuple(sent[(rid, m.channel)] for m in r.messages if m.sent is not None))
            for rid, (_, r, _) in zip(ids, found, strict=True)
        ]

    def _insert_messages(self, rows: list[dict[str, Any]]) -> dict[tuple[int, str], StoredMessage]:
        """Insert outbound messages in one statement; those stored sent, by recipient and channel.
        The workers are woken when the transaction commits if any is left pending."""
        if not rows:
            return {}
        sent = [row for row in rows if row["state"] is MessageState.SENT]
        if len(sent) < len(rows):
            announce(self._session, Wake.OUTBOX)
        if not sent:
            insert_rows(self._session, _TABLES["outbound_messages"], rows)
            return {}
        returned = ("id", "recipient_id", "channel", "idempotency_key", "state")
        stored = insert_rows(self._session, _TABLES["outbound_messages"], rows, returning=returned)
        return {
            (int(row["recipient_id"]), str(row["channel"])): StoredMessage(
                int(row["id"]), Channel(row["channel"]), str(row["idempotency_key"])
            )
            for row in stored
            if row["state"] == MessageState.SENT
        }

    def add_events(self, page_id: int, at: datetime, events: Sequence[NewEvent]) -> None:
        self.add_events_to([(page_id, event) for event in events], at)

    def add_events_to(self, events: Sequence[tuple[int, NewEvent]], at: datetime) -> None:
        """Events for several pages, in one statement."""
        rows = [
            {
                "page_id": page_id,
                "at": at,
                "actor": e.actor,
                "kind": e.kind,
                "person_id": e.person_id,
                "detail": json.dumps(e.detail or {}, sort_keys=True),
            }
            for page_id, e in events
        ]
        insert_rows(self._session, _TABLES["page_events"], rows)

    def page(self, page_id: int, *, lock: bool = False) -> PageRecord | None:
        """The page; with `lock`, its row stays locked until the transaction ends."""
        row = self._session.execute(_LOCK_PAGE if lock else _PAGE, {"id": page_id}).first()
        return None if row is None else page_record(row)

    def recipients(self, page_id: int) -> list[RecipientRecord]:
        return [recipient_record(row) for row in self._session.execute(_RECIPIENTS, {"page_id": page_id})]

    def recipient_counts(self, page_id: int) -> dict[RecipientState, int]:
        """How many of the page's recipients are in each state (those in none are left out):
        a count, so following a page to thousands reads no rows."""
        stmt = (
            select(RecipientRow.state, func.count())
            .where(RecipientRow.page_id == page_id)
            .group_by(RecipientRow.state)
        )
        return {RecipientState(state): int(n) for state, n in self._session.execute(stmt)}

    def has_recipient(self, page_id: int, person_id: str) -> bool:
        stmt = select(exists().where(RecipientRow.page_id == page_id, RecipientRow.person_id == person_id))
        return bool(self._session.scalar(stmt))

    def events(self, page_id: int) -> list[EventRecord]:
        stmt = select(EventRow).where(EventRow.page_id == page_id).order_by(EventRow.id)
        return [event_record(row) for row in self._session.scalars(stmt)]

    def due_pages(self, now: datetime, limit: int) -> list[int]:
        """Open pages whose deadline has passed, locked for this transaction; pages another
        worker holds are skipped, not waited for."""
        return list(self._session.scalars(_DUE_PAGES, {"now": now, "limit": limit}))

    def update_page(
        self, page_id: int, version: int, *, state: PageState | None = None, **values: Any
    ) -> bool:
        """Change the page if it is still at `version` (and bump it), and if `state` is given,
        only if the page may move there from where it is; True if it changed."""
        given = {"page_id": page_id, "expected": version, **{f"new_{c}": v for c, v in values.items()}}
        if state is not None:
            given |= {"sources": sorted(page_from(state)), "new_state": state}
        return rows_changed(self._session, _update_page(tuple(values), state is not None), given) == 1

    def advance_page(self, page_id: int, state: PageState) -> bool:
        """Move the page to `state` if it may move there from where it is."""
        return self.advance_pages([page_id], state) == 1

    def advance_pages(self, page_ids: Collection[int], state: PageState) -> int:
        """Move to `state` those of the pages that may move there from where they are; how
        many moved."""
        if not page_ids:
            return 0
        given = {"ids": list(page_ids), "sources": sorted(page_from(state)), "reached": state}
        return rows_changed(self._session, _ADVANCE_PAGES, given)

    def move_recipients(self, ids: Collection[int], state: RecipientState, **values: Any) -> int:
        """Move to `state` (and set `values` on) those of the recipients that may move there
        from where they are; how many moved."""
        if not ids:
            return 0
        stmt = (
            update(_RECIPIENT_ROWS)
            .where(_RECIPIENT_ROWS.c.id.in_(ids), _RECIPIENT_ROWS.c.state.in_(recipient_from(state)))
            .values(state=state, **values)
        )
        return rows_changed(self._session, stmt)


@dataclass(frozen=True)
class StepRecipients:
    """The recipients one step of one page reaches (see `PageRepository.add_steps`)."""

    page_id: int
    step: int
    round: int
    recipients: tuple[NewRecipient, ...]


def _idempotency_key(page_id: int, recipient_id: int, channel: str) -> str:
    return f"page-{page_id}/recipient-{recipient_id}/{channel}"


def _message_values(page_id: int, recipient_id: int, message: NewMessage, at: datetime) -> dict[str, Any]:
    sent = message.sent is not None
    return {
        "page_id": page_id,
        "recipient_id": recipient_id,
        "channel": message.channel,
        "address": message.address,
        "idempotency_key": _idempotency_key(page_id, recipient_id, message.channel),
        "after_s": message.after_s,
        "state": MessageState.SENT if sent else MessageState.PENDING,
        "due_at": None if sent else message.due_at,
        "lease_until": None,
        "claim": None,
        "attempts": 1 if sent else 0,
        "note": message.sent,
        "sent_at": at if sent else None,
    }


def _page_values(new: NewPage) -> dict[str, Any]:
    return {
        "created_at": new.created_at,
        "sender": new.sender,
        "priority": new.priority,
        "target": new.target,
        "body": new.body,
        "callback": new.callback,
        "patient_ref": new.patient_ref,
        "new_patient": new.new_patient,
        "roster_version_id": new.roster_version_id,
        "policy": json.dumps(new.policy),
        "notes": json.dumps(list(new.notes)),
        "state": new.state,
        "step": 0,
        "round_no": 0,
        "deadline": new.deadline,
        "exhausted": False,
        "version": 1,
        "notice": new.notice,
    }


def rows_changed(session: Session, stmt: Executable, params: dict[str, Any] | None = None) -> int:
    """How many rows an UPDATE or INSERT changed (what makes an update "conditional")."""
    return cast(CursorResult[Any], session.execute(stmt, params)).rowcount


def page_record(row: PageRow | Row[Any] | SimpleNamespace) -> PageRecord:
    return PageRecord(
        id=row.id,
        created_at=row.created_at,
        sender=row.sender,
        priority=Priority(row.priority),
        target=row.target,
        body=row.body,
        callback=row.callback,
        patient_ref=row.patient_ref,
        new_patient=row.new_patient,
        roster_version_id=row.roster_version_id,
        policy=json.loads(row.policy),
        notes=tuple(json.loads(row.notes)),
        state=PageState(row.state),
        step=row.step,
        round=row.round_no,
        deadline=row.deadline,
        exhausted=row.exhausted,
        version=row.version,
        notice=row.notice,
    )


def recipient_record(row: RecipientRow | Row[Any] | SimpleNamespace) -> RecipientRecord:
    return RecipientRecord(
        id=row.id,
        page_id=row.page_id,
        person_id=row.person_id,
        name=row.name,
        step=row.step,
        round=row.round_no,
        post_id=row.post_id,
        reason=row.reason,
        state=RecipientState(row.state),
        decline_reason=row.decline_reason,
        notified_at=row.notified_at,
    )


def event_record(row: EventRow) -> EventRecord:
    return EventRecord(
        id=row.id,
        page_id=row.page_id,
        at=row.at,
        actor=row.actor,
        kind=EventKind(row.kind),
        person_id=row.person_id,
        detail=json.loads(row.detail),
    )
