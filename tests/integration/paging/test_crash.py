"""The crash test: 1,000 pages with escalations, several real worker processes, killed with
SIGKILL at random moments and restarted. Afterwards every page is where its policy says, no
escalation is lost or doubled, and no recipient is shown the same message twice.

A third of the pages are acknowledged, a third declined (which escalates at once) and a third
left alone, while the workers run and die. Policies here wait 1 s per step, and leases last 2 s,
so the whole run takes well under a minute of work; the test waits for the end state (bounded,
never timed) and asserts only on it.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from callroom.domain.paging import EventKind, MessageState
from callroom.paging.engine import OPEN_STATES
from callroom.paging.service import PageDetail, PageRequest, PagingService
from callroom.rosters.live import LiveSchedules
from callroom.storage import Database
from callroom.storage.outbox_repositories import OutboxRepository
from callroom.storage.paging_tables import InboxRow, MessageRow, PageRow
from tests.paging_world import store_world, world_yaml
from tests.principals import OPERATOR, person
from tests.webhook_gateway import SECRET, WORKER, Gateway

PAGES = 1000
WORKERS = 3
# A worker is also killed every KILL_EVERY pages sent, so a fast machine, which finishes before
# the timed chaos has done much, still sees PAGES // KILL_EVERY kills in the middle of the work.
KILL_EVERY = 200
SEED = 20270309
END_STATE_WAIT_S = 240  # a bound on a hung run, not a performance claim
PAGING = """\
paging:
  policies:
    - for: ward
      wait: 1s
      steps:
        - {{target: post:backup/senior, wait: 1s}}
        - {{target: post:attending, wait: 1s}}
      fallback: [operators]
  contacts:
    rules: [{{via: inapp}}]
    people:
      - {{person: cy, phone: "+1-555-0103", rules: [{{via: inapp}}, {{via: webhook}}]}}
"""


class Workers:
    """Real `callroom worker` processes, killed and restarted on a seeded schedule."""

    def __init__(self, database_url: str, gateway: str, logs: Path) -> None:
        self.env = {
            **os.environ,
            "CALLROOM_DATABASE_URL": database_url,
            "CALLROOM_WEBHOOK_URL": gateway,
            "CALLROOM_WEBHOOK_SECRET": SECRET,
            "CALLROOM_WEBHOOK_TIMEOUT_S": "1",
            "CALLROOM_SEND_LEASE_S": "2",
            "CALLROOM_RETRY_BASE_S": "0.2",
            "CALLROOM_WORKER_POLL_INTERVAL_S": "0.05",
            "CALLROOM_WORKER_BATCH": "100",
        }
        self.logs = logs
        self.processes: list[tuple[subprocess.Popen[bytes], Path]] = []
        self.kills = 0
        self.lock = threading.Lock()  # the chaos thread and the sender both kill

    def start(self, slot: int | None = None) -> None:
        path = self.logs / f"worker-{self.kills}-{len(self.processes)}-{slot}.log"
        with path.open("wb") as log:
            process = subprocess.Popen(
                # Paging only: these workers are killed for their pages, not for background jobs.
                [sys.executable, "-c", WORKER, "--no-jobs"],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        if slot is None:
            self.processes.append((process, path))
        else:
            self.processes[slot] = (process, path)

    def chaos(self, stop: threading.Event) -> None:
        """SIGKILL a random worker every 1 to 4.5 s, and start a new one in its place. (Much
        faster and, on two busy cores, most would die while still starting up.)"""
        rng = random.Random(SEED)
        while not stop.wait(rng.uniform(1.0, 4.5)):
            self.kill(rng)

    def kill(self, rng: random.Random) -> None:
        """SIGKILL one worker at random and start a new one in its place."""
        with self.lock:
            slot = rng.randrange(len(self.processes))
            self.processes[slot][0].kill()
            self.processes[slot][0].wait()
            self.kills += 1
            self.start(slot)

    def drain(self) -> list[int | None]:
        """SIGTERM each worker once it is up (its handler is installed), and collect exit codes."""
        for process, log in self.processes:
            deadline = time.monotonic() + 60
            while "polling" not in log.read_text() and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            process.send_signal(signal.SIGTERM)
        return [process.wait(timeout=60) for process, _ in self.processes]


def page_fate(index: int) -> str:
    return ("acknowledged", "declined", "ignored")[index % 3]


def send_and_act(paging: PagingService, workers: Workers) -> dict[int, str]:
    """Send the pages, acknowledging or declining two thirds of them as they go, and kill a
    worker every KILL_EVERY pages."""
    fates, rng = {}, random.Random(SEED + 1)
    for index in range(PAGES):
        if index and index % KILL_EVERY == 0:
            workers.kill(rng)
        page_id = paging.send(PageRequest("nurse-4", "post:ward", f"page {index}", "x4410")).id
        fates[page_id] = page_fate(index)
        if fates[page_id] == "acknowledged":
            paging.acknowledge(person("ada"), page_id)
        elif fates[page_id] == "declined":
            paging.decline(person("ada"), page_id, "scrubbed in")
    return fates


def unfinished(database: Database) -> tuple[int, int]:
    """Open pages still escalating, and messages not yet settled."""
    with database.reading() as session:
        pages = session.scalar(
            select(func.count())
            .select_from(PageRow)
            .where(PageRow.state.in_(OPEN_STATES), PageRow.exhausted.is_(False))
        )
        messages = session.scalar(
            select(func.count())
            .select_from(MessageRow)
            .where(MessageRow.state.in_((MessageState.PENDING, MessageState.SENDING)))
        )
    return int(pages or 0), int(messages or 0)


def wait_for_the_end(database: Database, workers: Workers) -> None:
    deadline = time.monotonic() + END_STATE_WAIT_S
    while (left := unfinished(database)) != (0, 0):
        if time.monotonic() > deadline:
            logs = "\n".join(log.read_text()[-1500:] for _, log in workers.processes)
            pytest.fail(f"not finished: {left} (open pages, unsettled messages); last logs:\n{logs}")
        time.sleep(0.5)


def test_killed_workers_lose_no_page_escalation_or_message(
    database: Database, database_url: str, gateway: str, tmp_path: Path
) -> None:
    store_world(database, world_yaml(paging=PAGING))
    paging = PagingService(database, LiveSchedules())
    workers = Workers(database_url, gateway, tmp_path)
    for _ in range(WORKERS):
        workers.start()
    stop = threading.Event()
    chaos = threading.Thread(target=workers.chaos, args=(stop,))
    chaos.start()
    try:
        fates = send_and_act(paging, workers)
        wait_for_the_end(database, workers)
    finally:
        stop.set()
        chaos.join()
        exits = workers.drain()

    assert exits == [0] * WORKERS, "SIGTERM drains and exits cleanly"
    for page_id, fate in fates.items():
        check_page(paging.detail(OPERATOR, page_id), fate)
    check_inbox(database)
    check_webhooks(database)


def check_page(detail: PageDetail, fate: str) -> None:
    kinds = [event.kind for event in detail.events]
    if fate == "acknowledged":
        assert detail.page.state == "acknowledged", detail.page
        after_ack = kinds[kinds.index(EventKind.ACKNOWLEDGED) :]
        assert EventKind.ESCALATED not in after_ack and EventKind.FALLBACK not in after_ack
        return
    expected = [(0, 0, "ada"), (1, 0, "cy"), (2, 0, "dora"), (3, 0, "operators")]
    assert [(r.step, r.round, r.person_id) for r in detail.recipients] == expected, detail.page.id
    assert detail.page.exhausted and detail.page.deadline is None
    assert kinds.count(EventKind.ESCALATED) == 2 and kinds.count(EventKind.FALLBACK) == 1
    unsent = [m for m in detail.messages if m.state != "sent"]
    # A declined page's first message may be cancelled: it was declined before it went out.
    assert all(m.state == "cancelled" and m.recipient_id == detail.recipients[0].id for m in unsent), (
        unsent,
        [(e.kind, e.actor, e.person_id, e.detail) for e in detail.events],
    )


def check_inbox(database: Database) -> None:
    with database.reading() as session:
        shown = session.execute(select(InboxRow.page_id, InboxRow.person_id, InboxRow.message_id)).all()
        inapp_sent = session.scalar(
            select(func.count())
            .select_from(MessageRow)
            .where(MessageRow.channel == "inapp", MessageRow.state == "sent")
        )
    repeats = [key for key, n in Counter((p, who) for p, who, _ in shown).items() if n > 1]
    assert repeats == [], "nobody is shown the same page twice in the app"
    assert len(shown) == inapp_sent


def check_webhooks(database: Database) -> None:
    with database.reading() as session:
        messages = [
            m
            for page in session.scalars(select(PageRow.id))
            for m in OutboxRepository(session).messages(page)
            if m.channel == "webhook"
        ]
    received = Counter(key for key, _ in Gateway.received)
    assert all(ok for _, ok in Gateway.received), "every webhook is signed"
    assert {m.idempotency_key for m in messages if m.state == "sent"} == set(received), "none lost"
    resent = {m.idempotency_key for m in messages if m.attempts > 1}
    doubled = {key for key, n in received.items() if n > 1}
    # Repeats reach the gateway only as the unknown-outcome policy allows: a message resent
    # after a worker died mid-send, with the same key, which the gateway drops.
    assert doubled <= resent, json.dumps(sorted(doubled - resent))
