"""A STAT page to a group that names a crowd (a few hundred here; the benchmark pages 2,000):
every one of its people resolved and recorded, the page in every inbox with its own commit, and
its progress counted as they answer (and, for in-app messages a contact rule puts off, as the
worker delivers them), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from callroom.domain.paging import EventKind, Priority, RecipientState
from callroom.errors import NotAllowed
from callroom.paging.service import PageRequest, PagingService
from callroom.paging.worker import Worker, WorkerOptions
from callroom.rosters.live import LiveSchedules
from callroom.storage import Database
from callroom.storage.outbox_repositories import OutboxRepository
from tests.integration.paging.conftest import OPERATOR, ManualClock
from tests.paging_world import LATE_INAPP, crowd_paging, crowd_people, store_world, world_yaml
from tests.principals import person

CROWD = 300
BATCH = 120


@pytest.fixture
def crowd(database: Database) -> Database:
    store_world(database, world_yaml(paging=crowd_paging(CROWD), crowd=CROWD))
    return database


def stat_to_everyone(paging: PagingService) -> int:
    request = PageRequest(
        "ada", "group:everyone", "Mass casualty: all staff to the ED", "x4410", Priority.STAT
    )
    return paging.send(request).id


def test_a_group_naming_the_whole_crowd_resolves_to_every_one_of_its_people(
    crowd: Database, clock: ManualClock
) -> None:
    paging = PagingService(crowd, LiveSchedules(), clock)

    page_id = stat_to_everyone(paging)

    detail = paging.detail(OPERATOR, page_id)
    everyone = [pid for pid, _ in crowd_people(CROWD)]
    assert [r.person_id for r in detail.recipients] == everyone
    assert {r.reason for r in detail.recipients} == {"paged by name"}
    assert [m.recipient_id for m in detail.messages] == [r.id for r in detail.recipients]
    notified = [e.person_id for e in detail.events if e.kind is EventKind.NOTIFIED]
    assert notified == everyone


def test_a_stat_page_reaches_the_whole_crowd_with_its_send_and_its_progress_follows_their_answers(
    crowd: Database, clock: ManualClock
) -> None:
    paging = PagingService(crowd, LiveSchedules(), clock)
    page_id = stat_to_everyone(paging)
    sender = person("ada")

    sent = paging.progress(sender, page_id)
    for pid in ("staff-0001", "staff-0002", "staff-0003"):
        paging.seen(person(pid), page_id)
    seen = paging.progress(sender, page_id)
    paging.acknowledge(person("staff-0002"), page_id)
    taken = paging.progress(sender, page_id)

    assert (sent.delivered, sent.recipients, sent.delivering, sent.done) == (CROWD, CROWD, False, False)
    assert (seen.states[RecipientState.SEEN], seen.done) == (3, False)
    assert (taken.states[RecipientState.SEEN], taken.states[RecipientState.ACKNOWLEDGED]) == (2, 1)
    assert taken.done and taken.page.state == "acknowledged"
    with crowd.reading() as session:
        inbox = OutboxRepository(session).inbox_after(0, CROWD + 1)
    assert sorted(row.person_id for row in inbox) == [pid for pid, _ in crowd_people(CROWD)]
    detail = paging.detail(OPERATOR, page_id)
    assert {m.state for m in detail.messages} == {"sent"}
    assert sum(e.kind is EventKind.DELIVERY for e in detail.events) == CROWD


def test_a_page_whose_in_app_messages_a_contact_rule_puts_off_shows_them_delivered_by_the_worker(
    database: Database, clock: ManualClock
) -> None:
    store_world(database, world_yaml(paging=LATE_INAPP))
    paging = PagingService(database, LiveSchedules(), clock)
    worker = Worker(database, LiveSchedules(), {}, WorkerOptions(batch=BATCH), clock)
    page_id = paging.send(PageRequest("nurse-4", "team:ward", "Ward round moved to 9", "x4410")).id
    sender = person("nurse-4")

    before = paging.progress(sender, page_id)
    clock.advance(60)
    while worker.run_once():
        pass
    after = paging.progress(sender, page_id)

    assert before.recipients > 1
    assert (before.delivered, before.delivering) == (0, True)
    assert (after.delivered, after.delivering, after.page.state) == (before.recipients, False, "delivered")


def test_only_the_sender_recipients_and_the_switchboard_may_follow_its_progress(
    crowd: Database, clock: ManualClock
) -> None:
    paging = PagingService(crowd, LiveSchedules(), clock)
    page_id = stat_to_everyone(paging)

    allowed = (person("ada"), person("staff-0007"), OPERATOR)

    followers = [paging.progress(who, page_id).recipients for who in allowed]

    assert followers == [CROWD] * 3
    with pytest.raises(NotAllowed, match="neither sent nor received"):
        paging.progress(person("ben"), page_id)
