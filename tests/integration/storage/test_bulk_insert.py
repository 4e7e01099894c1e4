"""Many rows in one insert (`callroom.storage.bulk.insert_rows`) store what the ORM would: each
column type's conversions applied on the way in, the rows stored in the order given, the returned
columns as mappings, and a row whose unique value is already stored left out, on SQLite and on
PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from callroom.domain.paging import Channel, MessageState, PageState, Priority, RecipientState
from callroom.storage import Database
from callroom.storage.bulk import insert_rows
from callroom.storage.paging_tables import MessageRow, PageRow, RecipientRow
from callroom.storage.tables import core_table

# An instant given with an offset that is not UTC: stored, it must read back as the same instant.
NOON_IN_PARIS = datetime(2026, 3, 7, 12, 0, tzinfo=timezone(timedelta(hours=1)))


def _page(k: int) -> dict[str, Any]:
    return {
        "created_at": NOON_IN_PARIS,
        "sender": f"sender {k}",
        "priority": Priority.STAT,
        "target": "post:ward",
        "body": f"page {k}",
        "callback": "x4410",
        "patient_ref": None,
        "new_patient": k % 2 == 0,
        "roster_version_id": None,
        "policy": "{}",
        "notes": "[]",
        "state": PageState.SENT,
        "step": 0,
        "round_no": 0,
        "deadline": NOON_IN_PARIS + timedelta(minutes=k),
        "exhausted": False,
        "version": 1,
    }


def test_rows_inserted_together_read_back_as_given_with_ids_rising_in_their_order(database: Database) -> None:
    with database.session() as session:
        returned = insert_rows(
            session, core_table(PageRow), [_page(k) for k in range(3)], returning=("id", "body")
        )
    in_id_order = sorted(returned, key=lambda r: int(r["id"]))
    assert [r["body"] for r in in_id_order] == ["page 0", "page 1", "page 2"]  # ids rise in the order given
    with database.reading() as session:
        for r in returned:
            row = session.get(PageRow, r["id"])
            assert row is not None and row.body == r["body"]
            k = int(row.body.split()[1])
            assert (row.created_at, row.deadline) == (NOON_IN_PARIS, NOON_IN_PARIS + timedelta(minutes=k))
            assert row.created_at.tzinfo is not None
            assert (row.priority, row.state) == ("stat", "sent")
            assert (row.new_patient, row.exhausted, row.patient_ref) == (k % 2 == 0, False, None)


def test_a_row_whose_unique_value_is_stored_is_left_out_and_not_returned(database: Database) -> None:
    with database.session() as session:
        (page,) = insert_rows(session, core_table(PageRow), [_page(0)], returning=("id",))
        (recipient,) = insert_rows(
            session, core_table(RecipientRow), [_recipient(page["id"])], returning=("id",)
        )
        insert_rows(session, core_table(MessageRow), [_message(page["id"], recipient["id"], Channel.INAPP)])
    with database.session() as session:
        added = insert_rows(
            session,
            core_table(MessageRow),
            [_message(page["id"], recipient["id"], channel) for channel in (Channel.INAPP, Channel.EMAIL)],
            returning=("channel", "state", "due_at"),
            skip_existing="idempotency_key",
        )
    assert added == [{"channel": "email", "state": "pending", "due_at": NOON_IN_PARIS}]
    with database.reading() as session:
        assert sorted(m.channel for m in session.query(MessageRow)) == ["email", "inapp"]


def _recipient(page_id: int) -> dict[str, Any]:
    return {
        "page_id": page_id,
        "person_id": "ada",
        "name": "Ada",
        "step": 0,
        "round_no": 0,
        "post_id": None,
        "reason": "on call",
        "state": RecipientState.NOTIFIED,
        "decline_reason": None,
        "notified_at": NOON_IN_PARIS,
    }


def _message(page_id: int, recipient_id: int, channel: Channel) -> dict[str, Any]:
    return {
        "page_id": page_id,
        "recipient_id": recipient_id,
        "channel": channel,
        "address": "ada",
        "idempotency_key": f"{recipient_id}:{channel}",
        "after_s": 0,
        "state": MessageState.PENDING,
        "due_at": NOON_IN_PARIS,
        "lease_until": None,
        "claim": None,
        "attempts": 0,
        "note": None,
        "sent_at": None,
    }
