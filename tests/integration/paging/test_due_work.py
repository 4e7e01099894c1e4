"""The worker's poll: one read-only statement says which kinds of work are due, so an idle
worker costs one query and a busy one skips the transactions that would find nothing, and when
work next comes due, so an idle worker sleeps until then rather than a whole poll."""

from __future__ import annotations

from datetime import datetime, timedelta

from callroom.domain.paging import Channel
from callroom.paging.service import PageRequest, PagingService
from callroom.paging.worker import EXTERNAL
from callroom.rosters.live import LiveSchedules
from callroom.storage import Database
from callroom.storage.outbox_repositories import DueWork, OutboxRepository
from tests.integration.paging.conftest import ManualClock, drain, make_worker
from tests.paging_world import LATE_INAPP, store_world, world_yaml
from tests.principals import person


def due(database: Database, now: datetime) -> DueWork:
    with database.reading() as session:
        return OutboxRepository(session).due_work(now, Channel.INAPP.value)


def page(paging: PagingService, target: str) -> None:
    paging.send(PageRequest("nurse-4", target, "Bed 12: new chest pain", "x4410"))


def test_nothing_is_due_in_a_quiet_database(world: Database, clock: ManualClock) -> None:
    assert due(world, clock.now) == DueWork(pages=False, inapp=False, external=False, expired=False)
    assert not due(world, clock.now)


def test_an_in_app_only_page_leaves_nothing_due_but_its_deadline_its_message_went_into_the_inbox_with_it(
    paging: PagingService, world: Database, clock: ManualClock
) -> None:
    page(paging, "post:ward")  # ada: in-app only; the world's waits are 5 minutes

    assert due(world, clock.now) == DueWork(
        pages=False, inapp=False, external=False, expired=False, next_at=clock.now + timedelta(minutes=5)
    )


def test_what_comes_due_next_is_the_earliest_open_deadline_or_pending_message(
    paging: PagingService, world: Database, clock: ManualClock
) -> None:
    page(paging, "post:ward")
    clock.advance(120)
    page(paging, "post:ward")

    assert due(world, clock.now).next_at == clock.now + timedelta(minutes=3)
    # Past the first deadline it is due, and the second one comes next.
    assert due(world, clock.now + timedelta(minutes=4)).next_at == clock.now + timedelta(minutes=5)


def test_a_message_put_off_by_its_contact_rule_comes_due_next_before_the_pages_deadline(
    database: Database, clock: ManualClock
) -> None:
    store_world(database, world_yaml(paging=LATE_INAPP))  # in the app a minute on; waits of 5 minutes
    page(PagingService(database, LiveSchedules(), clock), "post:ward")

    assert due(database, clock.now).next_at == clock.now + timedelta(minutes=1)


def test_an_acknowledged_page_has_no_deadline_to_come_due(
    paging: PagingService, world: Database, clock: ManualClock
) -> None:
    sent = paging.send(PageRequest("nurse-4", "post:ward", "Bed 12: new chest pain", "x4410"))
    paging.acknowledge(person("ada"), sent.id)

    assert due(world, clock.now).next_at is None


def test_a_recipient_with_a_phone_makes_external_work_due(
    paging: PagingService, world: Database, clock: ManualClock
) -> None:
    page(paging, "post:backup")  # cy: in-app (delivered with the page) and webhook now, email after a minute

    now = due(world, clock.now)
    assert (now.pages, now.inapp, now.external, now.expired) == (False, False, True, False)


def test_an_in_app_message_put_off_by_its_contact_rule_is_due_when_its_time_comes(
    database: Database, clock: ManualClock
) -> None:
    store_world(database, world_yaml(paging=LATE_INAPP))
    page(PagingService(database, LiveSchedules(), clock), "post:ward")

    assert not due(database, clock.now).inapp
    assert due(database, clock.now + timedelta(minutes=1)).inapp


def test_a_message_that_waits_for_the_page_to_stay_unseen_is_not_due_before_its_time(
    paging: PagingService, world: Database, clock: ManualClock
) -> None:
    page(paging, "post:backup")
    drain(make_worker(world, clock))  # in-app delivered; the webhook fails (no transport)

    assert not due(world, clock.now).external
    assert due(world, clock.now + timedelta(minutes=1)).external  # the email


def test_a_passed_deadline_and_an_expired_lease_are_due(
    paging: PagingService, world: Database, clock: ManualClock
) -> None:
    page(paging, "post:backup")
    with world.session() as session:
        OutboxRepository(session).claim(clock.now, EXTERNAL, 10, clock.now + timedelta(seconds=30), "gone")

    assert not due(world, clock.now).expired
    later = due(world, clock.now + timedelta(minutes=5))
    assert later.pages and later.expired
