"""Sending, delivering, escalating and acting on pages against a real database (SQLite and
PostgreSQL), with the clock moved by hand so every escalation happens exactly when told."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from callroom.domain.paging import Channel, EventKind, Priority
from callroom.errors import CallroomError
from callroom.paging.service import PageNotFound, PageRequest, PagingService, WrongState
from callroom.rosters.live import LiveSchedules
from callroom.storage import Database
from callroom.storage.outbox_repositories import OutboxRepository
from callroom.storage.paging_records import InboxRecord
from callroom.storage.paging_tables import PageRow, RecipientRow
from tests.integration.paging.conftest import OPERATOR, ManualClock, drain, kinds, make_worker, steps
from tests.paging_world import LATE_INAPP, store_world, world_yaml
from tests.principals import person


def request(target: str = "post:ward", **changes: object) -> PageRequest:
    values: dict[str, object] = {
        "sender": "nurse-4",
        "target": target,
        "body": "Bed 12: new chest pain",
        "callback": "x4410",
        **changes,
    }
    return PageRequest(**values)  # type: ignore[arg-type]


def inbox(database: Database) -> list[InboxRecord]:
    with database.reading() as session:
        return OutboxRepository(session).inbox_after(0, 10)


def count(database: Database, table: type[PageRow] | type[RecipientRow]) -> int:
    with database.reading() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_a_page_is_written_with_its_resolution_messages_deadline_and_events(
    paging: PagingService, clock: ManualClock
) -> None:
    sent = paging.send(request(patient_ref="MRN-0042"))

    detail = paging.detail(OPERATOR, sent.id)
    assert sent.recipients == ("ada",)
    assert detail.page.roster_version_id == sent.roster_version_id is not None
    assert detail.page.deadline == clock.now + timedelta(minutes=5)
    assert detail.page.policy["steps"][0] == {"target": "post:backup/senior", "wait_s": 300}
    [ada] = detail.recipients
    assert (ada.post_id, ada.reason) == ("ward", "holds ward now (allday, PGY-1); the most junior of 2")
    assert [(m.channel, m.state, m.address) for m in detail.messages] == [("inapp", "sent", "ada")]
    assert kinds(detail) == [EventKind.SENT, EventKind.NOTIFIED, EventKind.DELIVERY]


def test_pages_sent_together_are_each_stored_or_refused_on_their_own(
    paging: PagingService, world: Database
) -> None:
    sent = paging.send_each([request(), request("post:wrad"), request(body="Bed 3: fever")])

    first, refused, third = sent
    assert isinstance(refused, CallroomError) and refused.field == "target"
    assert not isinstance(first, CallroomError) and not isinstance(third, CallroomError)
    assert first.recipients == third.recipients == ("ada",) and first.id != third.id
    assert count(world, PageRow) == 2
    assert paging.detail(OPERATOR, third.id).page.body == "Bed 3: fever"


def test_an_unknown_target_is_refused_and_nothing_is_written(paging: PagingService, world: Database) -> None:
    with pytest.raises(CallroomError) as caught:
        paging.send(request("post:wrad"))

    assert caught.value.field == "target"
    assert caught.value.message == "unknown post 'wrad' in target 'post:wrad': did you mean post:ward?"
    assert count(world, PageRow) == 0


def test_a_role_nobody_holds_goes_to_the_fallback_and_the_sender_is_told(paging: PagingService) -> None:
    sent = paging.send(request("post:vacant"))

    assert sent.recipients == ("operators",)
    assert sent.notes == ("nobody holds vacant now: sent to the fallback (Operators' queue)",)
    assert paging.detail(OPERATOR, sent.id).page.notes == sent.notes


def test_a_routine_page_to_someone_off_duty_goes_to_their_cover(paging: PagingService) -> None:
    sent = paging.send(request("person:eve"))

    assert sent.recipients == ("cy",)
    assert sent.notes == ("eve is off duty: sent to cy",)


def test_an_in_app_page_is_in_the_inbox_once_sent_with_no_worker_and_a_worker_adds_nothing(
    paging: PagingService, world: Database, clock: ManualClock
) -> None:
    sent = paging.send(request())
    first = inbox(world)
    done = drain(make_worker(world, clock))

    assert [(row.person_id, row.page_id) for row in first] == [("ada", sent.id)]
    assert "patient" not in str(first[0].payload)
    assert done == 0 and inbox(world) == first
    detail = paging.detail(OPERATOR, sent.id)
    assert (detail.page.state, detail.recipients[0].state) == ("delivered", "delivered")
    assert kinds(detail)[-1] == EventKind.DELIVERY
    assert (detail.events[-1].actor, detail.events[-1].detail["note"]) == ("callroom", "in the inbox")


def test_an_in_app_message_due_later_is_delivered_by_the_worker_once_due_and_only_once(
    database: Database, clock: ManualClock
) -> None:
    store_world(database, world_yaml(paging=LATE_INAPP))
    paging = PagingService(database, LiveSchedules(), clock)
    sent = paging.send(request())
    worker = make_worker(database, clock)

    early = drain(worker)
    clock.advance(60)
    due = drain(worker)
    again = drain(worker)

    assert (early, due, again) == (0, 1, 0)
    assert [(row.person_id, row.page_id) for row in inbox(database)] == [("ada", sent.id)]
    detail = paging.detail(OPERATOR, sent.id)
    assert [(m.state, m.attempts) for m in detail.messages] == [("sent", 1)]
    assert (detail.page.state, detail.recipients[0].state) == ("delivered", "delivered")
    assert (detail.events[-1].kind, detail.events[-1].actor) == (EventKind.DELIVERY, "worker")


def test_an_unacknowledged_page_climbs_its_policy_then_reaches_the_operators(
    paging: PagingService, world: Database, clock: ManualClock
) -> None:
    sent = paging.send(request())
    worker = make_worker(world, clock)
    drain(worker)

    for _ in range(3):
        clock.advance(299)
        drain(worker)
        clock.advance(1)
        drain(worker)

    detail = paging.detail(OPERATOR, sent.id)
    assert steps(detail) == [(0, 0, "ada"), (1, 0, "cy"), (2, 0, "dora"), (3, 0, "operators")]
    assert detail.page.exhausted and detail.page.deadline is None
    assert [e.detail["late_ms"] for e in detail.events if e.kind in ("escalated", "fallback")] == [0, 0, 0]
    clock.advance(3600)
    assert drain(worker) == 0


def test_a_notice_of_a_roster_change_reaches_its_person_and_never_escalates(
    paging: PagingService, world: Database, clock: ManualClock
) -> None:
    notice = PageRequest("callroom:changes", "person:ada", "Your shifts changed", "0", notice=True)
    sent = paging.send(notice)
    worker = make_worker(world, clock)
    drain(worker)
    clock.advance(3600)
    drain(worker)
    detail = paging.detail(OPERATOR, sent.id)
    assert steps(detail) == [(0, 0, "ada")]
    assert detail.page.deadline is None
    assert not [e for e in detail.events if e.kind in ("escalated", "fallback")]


def test_an_acknowledged_page_stops_escalating_and_its_pending_messages_are_cancelled(
    paging: PagingService, world: Database, clock: ManualClock
) -> None:
    sent = paging.send(request("person:cy"))  # cy: in-app and webhook now, email after a minute
    worker = make_worker(world, clock)
    drain(worker)

    paging.acknowledge(person("cy"), sent.id)
    clock.advance(3600)
    drain(worker)

    detail = paging.detail(OPERATOR, sent.id)
    assert steps(detail) == [(0, 0, "cy")]
    assert detail.page.state == "acknowledged"
    assert {m.channel: m.state for m in detail.messages}[Channel.EMAIL] == "cancelled"
    assert kinds(detail)[-1] == EventKind.CANCELLED
    with pytest.raises(WrongState, match="already acknowledged"):
        paging.acknowledge(person("cy"), sent.id)


def test_seen_stops_the_conditional_email_but_not_the_escalation(
    paging: PagingService, world: Database, clock: ManualClock
) -> None:
    sent = paging.send(request("person:cy"))
    worker = make_worker(world, clock)
    drain(worker)

    paging.seen(person("cy"), sent.id)
    clock.advance(60)
    drain(worker)

    detail = paging.detail(OPERATOR, sent.id)
    assert {m.channel: m.state for m in detail.messages}[Channel.EMAIL] == "cancelled"
    assert detail.page.state == "seen"
    clock.advance(240)
    drain(worker)
    assert paging.detail(OPERATOR, sent.id).page.step == 1


def test_a_decline_with_a_reason_escalates_at_once(paging: PagingService) -> None:
    sent = paging.send(request())

    paging.decline(person("ada"), sent.id, "scrubbed in a laparotomy")

    detail = paging.detail(OPERATOR, sent.id)
    assert steps(detail) == [(0, 0, "ada"), (1, 0, "cy")]
    assert detail.recipients[0].decline_reason == "scrubbed in a laparotomy"
    [escalated] = [e for e in detail.events if e.kind == EventKind.ESCALATED]
    assert escalated.detail["reason"] == "declined by every recipient"


def test_only_recipients_act_and_only_on_open_pages(paging: PagingService) -> None:
    sent = paging.send(request())

    with pytest.raises(CallroomError, match="ben is not a recipient"):
        paging.acknowledge(person("ben"), sent.id)
    with pytest.raises(CallroomError, match="a decline needs a reason"):
        paging.decline(person("ada"), sent.id, "  ")
    with pytest.raises(PageNotFound):
        paging.detail(OPERATOR, sent.id + 99)
    paging.resolve(person("nurse-4"), sent.id)  # the sender may close it
    with pytest.raises(WrongState):
        paging.decline(person("ada"), sent.id, "too late")


def test_a_stat_page_reaches_the_whole_code_team_on_every_channel_at_once(paging: PagingService) -> None:
    sent = paging.send(request("group:code-team", priority=Priority.STAT))

    detail = paging.detail(OPERATOR, sent.id)
    assert sent.recipients == ("ada", "ben", "cy", "dora")
    assert all(m.after_s == 0 for m in detail.messages)
    assert {m.channel for m in detail.messages} == {"inapp", "email", "webhook"}


def test_the_policy_is_copied_onto_the_page_when_it_is_sent(
    paging: PagingService, world: Database, clock: ManualClock
) -> None:
    before = paging.send(request())
    store_world(world, world_yaml(wait="1m").replace("post:backup/senior", "post:attending"))
    after = paging.send(request())
    worker = make_worker(world, clock)

    clock.advance(300)
    drain(worker)

    assert steps(paging.detail(OPERATOR, before.id))[-1] == (1, 0, "cy")
    assert steps(paging.detail(OPERATOR, after.id))[1] == (1, 0, "dora")


def test_concurrent_workers_escalate_each_page_exactly_once(
    paging: PagingService, world: Database, clock: ManualClock
) -> None:
    ids = [paging.send(request()).id for _ in range(40)]
    clock.advance(300)
    workers = [make_worker(world, clock, name=f"w{i}") for i in range(3)]
    failures: list[BaseException] = []

    def work(worker_index: int) -> None:
        try:
            drain(workers[worker_index])
        except BaseException as error:  # reported below: a thread's exception would be lost
            failures.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    for page_id in ids:
        detail = paging.detail(OPERATOR, page_id)
        assert steps(detail) == [(0, 0, "ada"), (1, 0, "cy")]
        assert kinds(detail).count(EventKind.ESCALATED) == 1
    assert count(world, RecipientRow) == 80


def test_without_a_stored_roster_every_page_reaches_the_operators(database: Database) -> None:
    paging = PagingService(database, LiveSchedules())

    sent = paging.send(request("post:anything"))

    assert sent.recipients == ("operators",)
    assert sent.notes == ("no roster is stored yet: sent to the operators",)
