"""What transports put on the wire: signatures, payloads without the patient, email headers."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import fields
from datetime import UTC, datetime

from callroom.domain.paging import Channel
from callroom.paging.engine import Outcome
from callroom.paging.transports.base import OutboundMessage
from callroom.paging.transports.email import email_for
from callroom.paging.transports.fake import FakeTransport
from callroom.paging.transports.inapp import InAppTransport, inbox_payload
from callroom.paging.transports.webhook import payload, signature, verify_signature

MESSAGE = OutboundMessage(
    message_id=7,
    idempotency_key="page-3/recipient-5/webhook",
    channel=Channel.WEBHOOK,
    address="+1-555-0103",
    attempt=1,
    page_id=3,
    priority="urgent",
    sender="nurse-4",
    body="Bed 12: chest pain, BP 80/50",
    callback="x4410",
    target="post:gs-night",
    sent_at=datetime(2027, 3, 9, 7, 10, tzinfo=UTC),
    person_id="cy",
    person_name="Cy Lee",
    reason="holds Night cover now",
    step=1,
    round=0,
)


def test_no_outbound_message_can_carry_the_patient_reference() -> None:
    assert not any("patient" in field.name for field in fields(OutboundMessage))


def test_the_webhook_payload_is_the_documented_one() -> None:
    assert payload(MESSAGE) == {
        "type": "page",
        "idempotency_key": "page-3/recipient-5/webhook",
        "attempt": 1,
        "page": {
            "id": 3,
            "priority": "urgent",
            "body": "Bed 12: chest pain, BP 80/50",
            "callback": "x4410",
            "sender": "nurse-4",
            "target": "post:gs-night",
            "sent_at": "2027-03-09T07:10:00+00:00",
            "notice": False,
        },
        "recipient": {
            "id": "cy",
            "name": "Cy Lee",
            "reason": "holds Night cover now",
            "phone": "+1-555-0103",
        },
        "escalation": {"step": 1, "round": 0},
    }


def test_a_signature_verifies_only_with_the_right_secret_body_and_a_fresh_timestamp() -> None:
    body = json.dumps(payload(MESSAGE)).encode()
    header = signature("s3cret", "1900000000", body)

    assert header.startswith("sha256=")
    assert verify_signature("s3cret", "1900000000", body, header, now=1900000100)
    assert not verify_signature("other", "1900000000", body, header, now=1900000100)
    assert not verify_signature("s3cret", "1900000000", body + b" ", header, now=1900000100)
    assert not verify_signature("s3cret", "1900000000", body, header, now=1900000000 + 301)
    assert not verify_signature("s3cret", "yesterday", body, header, now=1900000000)


def test_an_email_has_a_stable_message_id_and_the_callback() -> None:
    email = email_for(MESSAGE, "callroom@st-elsewhere.example")

    assert email["Message-ID"] == "<page-3/recipient-5/webhook@callroom>"
    assert email["Subject"] == "[URGENT] Page from nurse-4: Bed 12: chest pain, BP 80/50"
    assert "Call back: x4410" in email.get_content()


def test_a_notice_by_email_says_it_asks_no_answer() -> None:
    notice = dataclasses.replace(MESSAGE, notice=True, callback="", priority="routine")
    email = email_for(notice, "callroom@st-elsewhere.example")

    assert email["Subject"].startswith("[ROUTINE] Notice from nurse-4:")
    assert "no answer is needed" in email.get_content()
    assert "acknowledge" not in email.get_content() and "Call back" not in email.get_content()


def test_the_inbox_payload_carries_the_page_id_for_the_app_to_fetch() -> None:
    written: list[tuple[int, dict[str, object]]] = []

    def write(entries: object) -> set[int]:
        assert isinstance(entries, list)
        fresh = {m.message_id for m, _ in entries if m.message_id not in {w for w, _ in written}}
        written.extend((m.message_id, data) for m, data in entries)
        return fresh

    transport = InAppTransport(write)

    first, again = transport.send(MESSAGE), transport.send(MESSAGE)

    assert (first.outcome, first.detail) == (Outcome.SENT, "in the inbox")
    assert (again.outcome, again.detail) == (Outcome.SENT, "already in the inbox (a repeat, dropped)")
    assert written[0] == (7, inbox_payload(MESSAGE))
    assert inbox_payload(MESSAGE)["page"] == payload(MESSAGE)["page"]


def test_the_fake_transport_plays_its_script_then_sends() -> None:
    fake = FakeTransport([Outcome.RETRY, Outcome.UNKNOWN])

    outcomes = [fake.send(MESSAGE).outcome for _ in range(3)]

    assert outcomes == [Outcome.RETRY, Outcome.UNKNOWN, Outcome.SENT]
    assert fake.sent == [MESSAGE] * 3
