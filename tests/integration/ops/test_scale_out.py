"""The production shape on the real PostgreSQL: two API processes (`callroom serve --no-worker`,
each on its own port) and two `callroom worker` processes, all logging JSON. A chief queues a
solve and 500 pages arrive at once, through both API processes; the worker holding the solve (as
its claim in the job's row says) is killed with SIGKILL mid-solve, and a new worker takes its
place, as a supervisor would start one.

Afterwards the solve is done exactly once (the second attempt, one draft roster version), every
page reached the SMS gateway (none lost; a repeat only where a worker died mid-send and the
message was resent with its key, which the gateway drops), and `/metrics` answers the same
figures from both API processes. The test waits for the end state (bounded, never timed) and
asserts only on it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from callroom.accounts.roles import Role
from callroom.demo import demo_program_path
from callroom.domain.paging import MessageState
from callroom.storage import Database, ProgramRepository, RosterRepository, open_database
from callroom.storage.job_repositories import JobRecord, JobRepository, JobState
from callroom.storage.outbox_repositories import OutboxRepository
from callroom.storage.paging_tables import MessageRow, PageRow
from tests.conftest import PostgresServer
from tests.integration.api.role_world import _free_port, seed_roles
from tests.paging_world import store_world, world_yaml
from tests.webhook_gateway import CALLROOM, SECRET, WORKER, Gateway

PAGES = 500
SENDERS = 16  # requests in flight at once, shared between the two API processes
WAIT_S = 240  # a bound on a hung run, not a performance claim
# Every page goes to cy: in the app (everyone's) and by the SMS gateway (cy's own rule).
PAGING = """\
paging:
  contacts:
    rules: [{{via: inapp}}]
    people:
      - {{person: cy, phone: "+1-555-0103", rules: [{{via: webhook}}]}}
"""
T = TypeVar("T")
pytestmark = pytest.mark.postgres


def _until(what: Callable[[], T], done: Callable[[T], bool], why: str, logs: Path) -> T:
    deadline = time.monotonic() + WAIT_S
    while not done(found := what()):
        if time.monotonic() > deadline:
            tails = "\n".join(f"{p.name}: {p.read_text()[-1500:]}" for p in sorted(logs.glob("*.log")))
            pytest.fail(f"{why}: still {found!r}; logs:\n{tails}")
        time.sleep(0.1)
    return found


@dataclass
class Processes:
    """The API and worker processes of one test, each logging to its own file."""

    env: dict[str, str]
    logs: Path
    workers: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)
    apis: list[tuple[subprocess.Popen[bytes], str]] = field(default_factory=list)

    def start_worker(self) -> None:
        self.workers[len(self.workers)] = self._start(
            [sys.executable, "-c", WORKER], f"worker-{len(self.workers)}"
        )

    def start_api(self) -> str:
        port = _free_port()
        command = [sys.executable, "-c", CALLROOM, "serve", "--port", str(port), "--no-worker"]
        process = self._start(command, f"api-{len(self.apis)}")
        url = f"http://127.0.0.1:{port}"
        self.apis.append((process, url))
        return url

    def _start(self, command: list[str], name: str) -> subprocess.Popen[bytes]:
        with (self.logs / f"{name}.log").open("wb") as err, (self.logs / f"{name}.out").open("wb") as out:
            return subprocess.Popen(command, env=self.env, stdout=out, stderr=err)

    def ready(self, url: str) -> None:
        def status() -> int:
            try:
                return httpx.get(f"{url}/readyz", timeout=5).status_code
            except httpx.TransportError:
                return 0

        _until(status, lambda found: found == 200, f"{url} not ready", self.logs)

    def stop(self) -> None:
        everything = [*self.workers.values(), *(p for p, _ in self.apis)]
        for process in everything:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in everything:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def database_url(postgres_server: PostgresServer) -> Iterator[str]:
    name = postgres_server.create_database()
    try:
        yield postgres_server.url(name)
    finally:
        postgres_server.drop_database(name)


def _world(database: Database) -> dict[Role, str]:
    store_world(database, world_yaml(paging=PAGING))
    with database.session() as session:
        demo = demo_program_path()
        ProgramRepository(session).save_source("demo", demo.read_text(), str(demo))
    return seed_roles(database)


def _job(database: Database, job_id: int) -> JobRecord:
    with database.reading() as session:
        found = JobRepository(session).get(job_id)
    assert found is not None
    return found


def _unsettled(database: Database) -> int:
    """Messages still waiting to be sent, or being sent."""
    with database.reading() as session:
        found = session.scalar(
            select(func.count())
            .select_from(MessageRow)
            .where(MessageRow.state.in_((MessageState.PENDING, MessageState.SENDING)))
        )
    return int(found or 0)


def _send_pages(urls: list[str], token: str) -> list[int]:
    headers = {"Authorization": f"Bearer {token}"}
    with ExitStack() as stack:
        clients = [stack.enter_context(httpx.Client(base_url=u, headers=headers, timeout=60)) for u in urls]

        def send(index: int) -> int:
            body = {"target": "person:cy", "body": f"page {index}", "callback": "x4410"}
            answer = clients[index % len(clients)].post("/api/v1/pages", json=body)
            assert answer.status_code == 201, answer.text
            page_id: int = answer.json()["id"]
            return page_id

        with ThreadPoolExecutor(SENDERS) as pool:
            return list(pool.map(send, range(PAGES)))


def kill_the_solver(database: Database, job_id: int, processes: Processes) -> None:
    """SIGKILL the worker whose claim the job's row holds (`worker-<pid>:<token>`), once the
    solve has found a first roster (and so is surely under way)."""
    solving = _until(
        lambda: _job(database, job_id),
        lambda j: j.progress.get("solutions", 0) >= 1 or j.state.finished,
        "the solve found no roster",
        processes.logs,
    )
    assert solving.state is JobState.RUNNING and solving.claim is not None, (solving.state, solving.error)
    pid = int(solving.claim.split(":")[0].removeprefix("worker-"))
    holder = next(p for p in processes.workers.values() if p.pid == pid)
    holder.send_signal(signal.SIGKILL)
    holder.wait()


def _metrics(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = httpx.get(f"{url}/metrics", timeout=30).text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_two_apis_and_two_workers_finish_a_solve_once_and_deliver_every_page_once_when_a_worker_is_killed(
    database_url: str, gateway: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "CALLROOM_DATABASE_URL": database_url,
        "CALLROOM_WEBHOOK_URL": gateway,
        "CALLROOM_WEBHOOK_SECRET": SECRET,
        # Roomy for a busy machine: a gateway slower than this counts as a failed send.
        "CALLROOM_WEBHOOK_TIMEOUT_S": "5",
        "CALLROOM_SEND_LEASE_S": "6",
        "CALLROOM_JOB_LEASE_S": "2",
        "CALLROOM_JOB_HEARTBEAT_S": "0.2",
        "CALLROOM_RETRY_BASE_S": "0.2",
        "CALLROOM_WORKER_POLL_INTERVAL_S": "0.05",
        "CALLROOM_LOG_FORMAT": "json",
    }
    processes = Processes(env, tmp_path)
    with open_database(database_url) as database:
        tokens = _world(database)
        try:
            urls = [processes.start_api(), processes.start_api()]
            processes.start_worker()
            processes.start_worker()
            for url in urls:
                processes.ready(url)
            chief = {"Authorization": f"Bearer {tokens[Role.CHIEF]}"}
            solve = {"program": "demo", "time_limit_s": 15, "draft": True}
            queued = httpx.post(f"{urls[0]}/api/v1/jobs/solves", json=solve, headers=chief, timeout=30)
            assert queued.status_code == 202, queued.text
            job_id = int(queued.json()["id"])

            with ThreadPoolExecutor(1) as storm:
                sending = storm.submit(_send_pages, urls, tokens[Role.OPERATOR])
                kill_the_solver(database, job_id, processes)
                page_ids = sending.result()
            processes.start_worker()  # in the killed one's place, as a supervisor would

            ended = _until(lambda: _job(database, job_id), lambda j: j.state.finished, "the solve", tmp_path)
            _until(lambda: _unsettled(database), lambda n: n == 0, "messages unsettled", tmp_path)
            scraped = [_metrics(url) for url in urls]
        finally:
            processes.stop()

        check_the_solve(database, ended)
        check_the_pages(database, page_ids)
    check_the_metrics(scraped)
    check_the_logs(tmp_path, job_id)


def check_the_solve(database: Database, ended: JobRecord) -> None:
    assert ended.state is JobState.DONE, ended.error
    assert ended.attempts == 2, "the killed worker's attempt, then another's"
    with database.reading() as session:
        versions = RosterRepository(session).list_versions("demo")
    assert len(versions) == 1 and not versions[0].published, versions
    assert ended.result is not None and ended.result["version"] == versions[0].number


def check_the_pages(database: Database, page_ids: list[int]) -> None:
    with database.reading() as session:
        assert session.scalar(select(func.count()).select_from(PageRow)) == PAGES
        every = [m for page in page_ids for m in OutboxRepository(session).messages(page)]
    assert Counter(m.state for m in every) == {MessageState.SENT: 2 * PAGES}, [
        (m.id, m.state, m.note) for m in every if m.state != MessageState.SENT
    ][:5]
    assert Counter(m.channel for m in every) == {"inapp": PAGES, "webhook": PAGES}
    messages = [m for m in every if m.channel == "webhook"]
    received = Counter(key for key, _ in Gateway.received)
    assert all(ok for _, ok in Gateway.received), "every webhook is signed"
    assert set(received) == {m.idempotency_key for m in messages}, "no page lost"
    resent = {m.idempotency_key for m in messages if m.attempts > 1}
    doubled = {key for key, n in received.items() if n > 1}
    assert doubled <= resent, "a page reaches the gateway twice only when resent with its key"


def check_the_metrics(scraped: list[dict[tuple[str, tuple[tuple[str, str], ...]], float]]) -> None:
    first, second = scraped
    assert first == second, "both API processes report the same figures"
    assert first[("callroom_pages_sent_total", ())] == PAGES
    assert first[("callroom_messages_delivered_total", (("channel", "webhook"),))] == PAGES
    assert first[("callroom_messages_delivered_total", (("channel", "inapp"),))] == PAGES
    assert first[("callroom_page_delivery_latency_seconds_gcount", ())] == 2 * PAGES
    assert first[("callroom_jobs", (("kind", "solve"), ("state", "done")))] == 1
    assert first[("callroom_job_duration_seconds_gcount", (("kind", "solve"),))] == 1


def check_the_logs(logs: Path, job_id: int) -> None:
    lines = [
        json.loads(line)
        for path in sorted(logs.glob("worker-*.log"))
        for line in path.read_text().splitlines()
        if line.strip()
    ]
    claimed = [e for e in lines if e.get("job_id") == job_id and "claimed" in e["message"]]
    assert len(claimed) == 2 and {e["attempt"] for e in claimed} == {1, 2}, claimed
    sent = [e for e in lines if e.get("state") == "sent" and e.get("channel") == "webhook"]
    assert {e["level"] for e in sent} == {"INFO"} and len({e["message_id"] for e in sent}) == PAGES
