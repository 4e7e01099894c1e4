"""A PostgreSQL crash and restart under load: pages keep being sent through the API while the
server is killed and started again. While it is down the API answers 503 with Retry-After and the
JSON error body; the event stream, the worker thread of `callroom serve` and `callroom worker`
processes (one of them started during the outage) ride it out, and every page the API accepted
reaches the recipient's open stream, and a stream opened after the restart, exactly once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from callroom.cli.web import paging_worker
from callroom.storage import Database, open_database
from tests.conftest import PostgresServer
from tests.integration.api.conftest import Api, serving, settings_for
from tests.integration.api.sse import SseClient, stream
from tests.paging_world import store_world, world_yaml

PAGE = {"target": "post:ward", "body": "Bed 12: new chest pain", "callback": "x4410"}
SEND_EVERY_S = 0.05
PAGES_AFTER_RESTART = 20
OUTAGE = "database unavailable"  # the one line each loop logs when it meets an outage
WAIT_S = 60  # a bound so a hung run fails instead of hanging; never a timing claim
# `callroom worker` itself, alone (see test_crash).
WORKER = "import typer; from callroom.cli.paging import worker; typer.run(worker)"


@dataclass
class Load:
    """Sends a page to the ward (ada) every SEND_EVERY_S through the API, from a thread."""

    api: Api
    accepted: list[int] = field(default_factory=list)
    refused: list[httpx.Response] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        with self.api.client("nurse") as client:
            while not self.stop.wait(SEND_EVERY_S):
                response = client.post("/api/v1/pages", json=PAGE)
                if response.status_code == 201:
                    self.accepted.append(response.json()["id"])
                else:
                    self.refused.append(response)


@contextmanager
def sending(api: Api) -> Iterator[Load]:
    load = Load(api)
    thread = threading.Thread(target=load.run)
    thread.start()
    try:
        yield load
    finally:
        load.stop.set()
        thread.join(timeout=WAIT_S)


@contextmanager
def worker_process(database_url: str, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = {**os.environ, "CALLROOM_DATABASE_URL": database_url, "CALLROOM_WORKER_POLL_INTERVAL_S": "0.02"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", WORKER], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def wait_until(done: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not done():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


def pages_on(client: SseClient, wanted: set[int]) -> list[int]:
    """Read the stream until every page in `wanted` has arrived; every page id read, in order."""
    read: list[int] = []
    deadline = time.monotonic() + WAIT_S
    while not wanted <= set(read):
        if time.monotonic() > deadline:
            pytest.fail(f"pages never reached the stream: {sorted(wanted - set(read))}")
        read.append(client.next_page()["page"]["id"])
    return read


def drain(process: subprocess.Popen[bytes], log: Path) -> int:
    """SIGTERM once the worker is polling; its exit code."""
    wait_until(lambda: "polling" in log.read_text(), f"{log.name} to start polling")
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=WAIT_S)


@pytest.fixture
def world(crashable_postgres: PostgresServer) -> Iterator[tuple[Database, str]]:
    url = crashable_postgres.url(crashable_postgres.create_database())
    with open_database(url) as database:
        store_world(database, world_yaml(wait="5m"))
        yield database, url


@pytest.mark.postgres
def test_every_page_accepted_around_a_postgresql_restart_reaches_the_open_streams(
    crashable_postgres: PostgresServer,
    world: tuple[Database, str],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    database, url = world
    settings = settings_for(url)
    first_log, late_log = tmp_path / "worker.log", tmp_path / "late-worker.log"
    with (
        serving(database, settings) as api,
        paging_worker(settings, enabled=True),
        worker_process(url, first_log) as first,
        stream(api, "ada") as before,
        sending(api) as load,
    ):
        wait_until(lambda: len(load.accepted) >= 5, "pages to flow")

        crashable_postgres.crash()
        with api.client("ada") as client:
            during = client.get(f"/api/v1/pages/{load.accepted[0]}")
        with worker_process(url, late_log) as late:
            wait_until(
                lambda: all(OUTAGE in log.read_text() for log in (first_log, late_log)),
                "both workers to meet the outage",
            )
            wait_until(lambda: any(OUTAGE in r.getMessage() for r in caplog.records), "the streams' feeder")
            crashable_postgres.restart()

            with stream(api, "ada") as after:
                sent_before = len(load.accepted)
                wait_until(
                    lambda: len(load.accepted) >= sent_before + PAGES_AFTER_RESTART,
                    "pages to be accepted after the restart",
                )
                load.stop.set()
                seen_after = pages_on(after, set(load.accepted[sent_before:]))
            seen_before = pages_on(before, set(load.accepted))

            assert first.poll() is None and late.poll() is None, "both workers rode out the outage"
            assert "paging-worker" in {thread.name for thread in threading.enumerate()}
            assert (drain(first, first_log), drain(late, late_log)) == (0, 0)

    assert during.status_code == 503
    assert int(during.headers["Retry-After"]) > 0
    assert set(during.json()) == {"error", "field", "errors"} and during.json()["field"] == "database"
    assert {r.status_code for r in load.refused} <= {503}, [r.text for r in load.refused]
    assert all(r.headers["content-type"] == "application/json" for r in load.refused)
    assert len(seen_before) == len(set(seen_before)), "each page once"
    assert len(seen_after) == len(set(seen_after))
    for log in (first_log, late_log):
        text = log.read_text()
        assert "Traceback" not in text and text.count(OUTAGE) == 1, text
