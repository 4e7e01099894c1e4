"""A STAT page to a group that names a crowd (a few hundred here; the benchmark pages 2,000):
every one of its people resolved and recorded, and its progress counted as the worker delivers
it batch by batch, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from callroom.domain.paging import EventKind, Priority
from callroom.errors import NotAllowed
from callroom.paging.service import PageRequest, PagingService
from callroom.paging.worker import Worker, WorkerOptions
from callroom.rosters.live import LiveSchedules
from callroom.storage import Database
from callroom.storage.outbox_repositories import OutboxRepository
from tests.integration.paging.conftest import OPERATOR, ManualClock
from tests.paging_world import crowd_paging, crowd_people, store_world, world_yaml
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


def test_the_progress_of_a_page_to_the_crowd_moves_on_as_each_batch_is_delivered(
    crowd: Database, clock: ManualClock
) -> None:
    paging = PagingService(crowd, LiveSchedules(), clock)
    worker = Worker(crowd, LiveSchedules(), {}, WorkerOptions(batch=BATCH), clock)
    page_id = stat_to_everyone(paging)
    sender = person("ada")

    before = paging.progress(sender, page_id)
    worker.run_once()
    partway = paging.progress(sender, page_id)
    while worker.run_once():
        pass
    done = paging.progress(sender, page_id)

    assert (before.delivered, before.recipients, before.done) == (0, CROWD, False)
    assert (partway.delivered, partway.done) == (BATCH, False)
    assert (done.delivered, done.done) == (CROWD, True)
    with crowd.reading() as session:
        inbox = OutboxRepository(session).inbox_after(0, CROWD + 1)
    assert sorted(row.person_id for row in inbox) == [pid for pid, _ in crowd_people(CROWD)]
    detail = paging.detail(OPERATOR, page_id)
    assert {m.state for m in detail.messages} == {"sent"}
    assert sum(e.kind is EventKind.DELIVERY for e in detail.events) == CROWD


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
