"""Wake-ups: a worker whose poll is a minute away still delivers a page at once, because the
sender's commit wakes it (NOTIFY on PostgreSQL; on SQLite, a commit in the same process), and
its delivery in turn wakes what waits for the inbox. A transaction that rolls back wakes no one."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from callroom.domain.clock import utc_now
from callroom.paging.service import PageRequest, PagingService
from callroom.paging.worker import Worker, WorkerOptions
from callroom.rosters.live import LiveSchedules
from callroom.storage import Database
from callroom.storage.outbox_repositories import OutboxRepository
from callroom.storage.wakeup import Wake, announce

POLL_S = 600.0  # far longer than the test: only a wake-up gets the worker going again
PATIENCE_S = 60.0  # how long the test waits before it calls the wake-up lost


@contextmanager
def sleepy_worker(database: Database) -> Iterator[None]:
    worker = Worker(database, LiveSchedules(), {}, WorkerOptions(poll_interval_s=POLL_S), utc_now)
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        database.wakeups.wake(Wake.OUTBOX)  # its sleep is the poll: wake it to see the stop
        thread.join(timeout=PATIENCE_S)


def listening(database: Database) -> None:
    """Make sure the LISTEN connection is up on both channels (PostgreSQL) before anything is
    sent: a wake-up sent before then is the safety poll's (there is none worth the name here)."""
    for channel in Wake:
        database.wakeups.mark(channel)
    if database.engine.dialect.name == "postgresql":
        deadline = time.monotonic() + PATIENCE_S
        while database.wakeups.listening_to != frozenset(Wake):
            assert time.monotonic() < deadline, "the LISTEN connection did not come up"
            time.sleep(0.01)


def inbox_of(database: Database, person: str) -> list[int]:
    with database.reading() as session:
        return [row.page_id for row in OutboxRepository(session).inbox_after(0, 100, person)]


@pytest.fixture
def paging(world: Database) -> PagingService:
    return PagingService(world, LiveSchedules())


def test_a_sleeping_worker_is_woken_by_the_page_and_its_delivery_wakes_the_inbox(
    world: Database, paging: PagingService
) -> None:
    listening(world)
    with sleepy_worker(world):
        inbox = world.wakeups.mark(Wake.INBOX)
        sent = paging.send(PageRequest("nurse-4", "post:ward", "Bed 12: new chest pain", "x4410"))

        assert world.wakeups.wait(Wake.INBOX, inbox, PATIENCE_S)
        assert inbox_of(world, "ada") == [sent.id]

        # Asleep again; the next page wakes it again.
        inbox = world.wakeups.mark(Wake.INBOX)
        again = paging.send(PageRequest("nurse-4", "post:ward", "Bed 14: falls risk", "x4410"))

        assert world.wakeups.wait(Wake.INBOX, inbox, PATIENCE_S)
        assert inbox_of(world, "ada") == [sent.id, again.id]


def test_an_announcement_in_a_transaction_that_rolls_back_wakes_no_one(world: Database) -> None:
    listening(world)
    refused = world.wakeups.mark(Wake.INBOX)
    with pytest.raises(RuntimeError), world.session() as session:
        announce(session, Wake.INBOX)
        raise RuntimeError("the writer fails before it commits")
    with world.session() as session:
        announce(session, Wake.OUTBOX)
    outbox = world.wakeups.mark(Wake.OUTBOX)
    # A later commit on the other channel is seen first; the rolled-back one never comes.
    with world.session() as session:
        announce(session, Wake.OUTBOX)

    assert world.wakeups.wait(Wake.OUTBOX, outbox, PATIENCE_S)
    assert not world.wakeups.wait(Wake.INBOX, refused, 0.5)
