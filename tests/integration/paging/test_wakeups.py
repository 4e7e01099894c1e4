"""Wake-ups: a worker whose poll is minutes away still delivers a page at once, because the
sender's commit wakes it (NOTIFY on PostgreSQL; on SQLite, directly in the same process and by a
datagram from another), and its delivery in turn wakes what waits for the inbox. It escalates at
the deadline it read, not at its next poll. A transaction that rolls back wakes no one."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from callroom.domain.clock import utc_now
from callroom.paging.service import PageRequest, PagingService
from callroom.paging.worker import Worker, WorkerOptions
from callroom.rosters.live import LiveSchedules
from callroom.storage import Database
from callroom.storage.outbox_repositories import OutboxRepository
from callroom.storage.wakeup import Neighbours, Wake, announce
from tests.paging_world import store_world, world_yaml

POLL_S = 600.0  # far longer than the test: only a wake-up gets the worker going again
PATIENCE_S = 60.0  # how long the test waits before it calls the wake-up lost
PAUSE_S = 0.3  # how long a waiter says it will not look for work


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


def test_a_sleeping_worker_escalates_at_the_deadline_it_read_not_at_its_next_poll(database: Database) -> None:
    store_world(database, world_yaml(wait="1s"))
    sent = PagingService(database, LiveSchedules()).send(
        PageRequest("nurse-4", "post:ward", "Bed 12: new chest pain", "x4410")
    )
    listening(database)
    inbox = database.wakeups.mark(Wake.INBOX)
    with sleepy_worker(database):  # its first pass finds nothing due, and the deadline a second away
        assert database.wakeups.wait(Wake.INBOX, inbox, PATIENCE_S)

    assert inbox_of(database, "cy") == [sent.id]  # the senior backup, the policy's next step


def test_a_sleeping_worker_escalates_each_later_step_at_the_deadline_its_escalation_read(
    database: Database,
) -> None:
    store_world(database, world_yaml(wait="1s"))
    sent = PagingService(database, LiveSchedules()).send(
        PageRequest("nurse-4", "post:ward", "Bed 12: new chest pain", "x4410")
    )
    with sleepy_worker(database):  # the senior backup at 1 s, then the attending at 2 s
        deadline = time.monotonic() + PATIENCE_S
        while inbox_of(database, "dora") != [sent.id]:
            assert time.monotonic() < deadline, "the second step waited for the worker's poll"
            time.sleep(0.05)

    assert inbox_of(database, "cy") == [sent.id]


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


def test_a_page_sent_by_another_process_wakes_this_one(world: Database) -> None:
    listening(world)
    inbox = world.wakeups.mark(Wake.INBOX)
    url = world.engine.url.render_as_string(hide_password=False)
    command = [str(Path(sys.executable).parent / "callroom"), "page", "post:ward", "Bed 4: pain score 8"]
    sent = subprocess.run(
        command, env={**os.environ, "CALLROOM_DATABASE_URL": url}, capture_output=True, text=True, check=False
    )

    assert sent.returncode == 0, sent.stderr
    assert world.wakeups.wait(Wake.INBOX, inbox, PATIENCE_S)
    assert len(inbox_of(world, "ada")) == 1


def test_a_neighbour_hears_only_the_channels_it_listens_to(tmp_path: Path) -> None:
    heard: list[str] = []
    woken = threading.Event()

    def hear(channel: str) -> float:
        heard.append(channel)
        woken.set()
        return 0.0  # no pause

    listener = Neighbours(tmp_path / "wake", hear)
    writer = Neighbours(tmp_path / "wake", lambda channel: 0.0)
    listener.listen(Wake.INBOX)
    try:
        writer.tell({Wake.OUTBOX})
        writer.tell({Wake.INBOX})

        assert woken.wait(PATIENCE_S)
        assert heard == [Wake.INBOX]
    finally:
        listener.close()
        writer.close()
    assert not (tmp_path / "wake").exists()  # the last one out removes the folder


def test_what_a_neighbour_is_told_while_its_waiter_will_not_look_wakes_it_once_when_it_will(
    tmp_path: Path,
) -> None:
    heard: list[float] = []
    woken = threading.Semaphore(0)

    def hear(channel: str) -> float:
        heard.append(time.monotonic())
        woken.release()
        return heard[-1] + PAUSE_S  # the waiter will not look sooner

    listener = Neighbours(tmp_path / "wake", hear)
    writer = Neighbours(tmp_path / "wake", lambda channel: 0.0)
    listener.listen(Wake.INBOX)
    try:
        writer.tell({Wake.INBOX})
        assert woken.acquire(timeout=PATIENCE_S)
        writer.tell({Wake.INBOX})
        writer.tell({Wake.INBOX})

        assert woken.acquire(timeout=PATIENCE_S)
        assert heard[1] >= heard[0] + PAUSE_S
        assert not woken.acquire(timeout=PAUSE_S)  # the two datagrams were heard together
    finally:
        listener.close()
        writer.close()


def test_a_socket_left_by_a_process_that_died_is_removed_by_the_next_writer(tmp_path: Path) -> None:
    folder = tmp_path / "wake"
    folder.mkdir()
    left = _socket_file(folder / f"{Wake.INBOX}.4242-dead")
    writer = Neighbours(folder, lambda channel: 0.0)
    try:
        writer.tell({Wake.INBOX})
    finally:
        writer.close()

    assert not left.exists()


def test_a_process_that_begins_to_listen_clears_other_files_folders_of_what_dead_processes_left(
    short_tmp: Path,
) -> None:
    abandoned, shared = short_tmp / f"callroom-{'a' * 16}", short_tmp / f"callroom-{'b' * 16}"
    abandoned.mkdir(mode=0o700)
    shared.mkdir(mode=0o700)
    left = _socket_file(abandoned / f"{Wake.INBOX}.4242-gone")
    also_left = _socket_file(shared / f"{Wake.OUTBOX}.4242-gone")
    alive = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    alive.bind(str(shared / f"{Wake.INBOX}.{os.getpid()}-here"))
    not_ours = shared / f"{Wake.INBOX}.4242-a-file"
    not_ours.write_text("a file, not a socket")

    listener = Neighbours(short_tmp / f"callroom-{'c' * 16}", lambda channel: 0.0)
    try:
        listener.listen(Wake.INBOX)
    finally:
        listener.close()
        alive.close()

    assert not left.exists() and not abandoned.exists()
    assert not also_left.exists()
    assert sorted(p.name for p in shared.iterdir()) == sorted(
        [f"{Wake.INBOX}.{os.getpid()}-here", not_ours.name]
    )


@pytest.fixture
def short_tmp() -> Iterator[Path]:
    """A folder with a path short enough for sockets in folders in it (a socket's path is at most
    about 100 bytes; pytest's `tmp_path` is named for the test)."""
    folder = Path(tempfile.mkdtemp(prefix="wake-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _socket_file(path: Path) -> Path:
    """A socket file as a killed process leaves it: bound, then closed without removing it."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as dead:
        dead.bind(str(path))
    return path


def test_a_folder_that_is_not_a_directory_of_this_users_own_is_not_listened_in(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "wake").symlink_to(elsewhere)  # as another user could plant it in /tmp
    listener = Neighbours(tmp_path / "wake", lambda channel: 0.0)
    with caplog.at_level(logging.INFO, logger="callroom.storage.wakeup"):
        listener.listen(Wake.INBOX)
    listener.close()

    assert list(elsewhere.iterdir()) == []
    assert "wake-ups from other processes unavailable" in caplog.text
