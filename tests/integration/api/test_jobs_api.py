"""Background solves over HTTP, against a real server on SQLite and PostgreSQL: the chief queues
one (a second press answers the same job), watches its progress stream to the end, and finds the
stored version; everyone else is refused, and bad input is named."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from callroom.accounts.roles import Role
from callroom.config import Settings
from callroom.services import open_services
from callroom.storage import ProgramRepository, open_database
from tests.factories import future_program_file
from tests.integration.api.role_world import client, seed_roles, serve
from tests.integration.api.sse import WAIT_S, SseClient


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[tuple[str, dict[Role, str], str]]:
    small = future_program_file(tmp_path)  # a block to come: its draft may be published
    with open_database(database_url) as database:
        with database.session() as session:
            ProgramRepository(session).save_source("small", small.read_text(), str(small))
        tokens = seed_roles(database)
    with serve(Settings(database_url=database_url)) as url:
        yield url, tokens, database_url


def _events(url: str, token: str, job_id: int) -> SseClient:
    return SseClient(f"{url}/api/v1/jobs/{job_id}/events", {"Authorization": f"Bearer {token}"}).start()


def _until_end(events: SseClient) -> list[dict[str, Any]]:
    seen = []
    while True:
        event = events.events.get(timeout=WAIT_S)
        seen.append({"event": event["event"], **json.loads(event["data"])})
        if event["event"] != "progress":
            return seen


def test_the_chief_queues_a_solve_watches_it_and_finds_the_stored_version(
    world: tuple[str, dict[Role, str], str],
) -> None:
    url, tokens, database_url = world
    with client(url, tokens[Role.CHIEF]) as chief, client(url, tokens[Role.RESIDENT]) as resident:
        _solve_and_watch(url, tokens[Role.CHIEF], database_url, chief, resident)


def _solve_and_watch(
    url: str, token: str, database_url: str, chief: httpx.Client, resident: httpx.Client
) -> None:
    queued = chief.post("/api/v1/jobs/solves", json={"program": "small", "time_limit_s": 3})
    assert queued.status_code == 202, queued.text
    job = queued.json()
    again = chief.post("/api/v1/jobs/solves", json={"program": "small", "time_limit_s": 3})
    assert again.status_code == 200 and again.json()["id"] == job["id"]
    events = _events(url, token, job["id"])
    stop = threading.Event()
    with open_services(Settings(database_url=database_url, job_heartbeat_s=0.1)) as services:
        runner = threading.Thread(target=services.runner("api-test").run, args=(stop,), daemon=True)
        runner.start()
        try:
            seen = _until_end(events)
        finally:
            stop.set()
            runner.join()
            events.close()
    assert seen[0]["event"] == "progress" and seen[0]["state"] == "queued"  # before any worker
    assert seen[-1]["event"] == "done" and seen[-1]["result"]["version"] == 1
    assert seen[-1]["progress"]["solutions"] >= 1
    assert chief.get(f"/api/v1/jobs/{job['id']}").json()["state"] == "done"
    listed = resident.get("/api/v1/jobs", params={"program": "small"})
    assert [j["id"] for j in listed.json()] == [job["id"]]
    _compare_and_publish(chief, resident)


def _compare_and_publish(chief: httpx.Client, resident: httpx.Client) -> None:
    """The draft (version 1, nothing published before it) against nothing, then made live."""
    assert resident.get("/api/v1/rosters/1/compare", params={"program": "small"}).status_code == 403
    compared = chief.get("/api/v1/rosters/1/compare", params={"program": "small"})
    assert compared.status_code == 200, compared.text
    found = compared.json()
    assert found["base"] is None and found["added"] and not found["removed"]
    assert isinstance(found["gaps_after"], list) and set(found["spread"]) <= {
        "PGY-1",
        "PGY-2",
        "PGY-3",
        "PGY-4",
        "PGY-5",
    }
    assert (
        resident.post("/api/v1/rosters/1/publish", json={"program": "small", "reason": "x"}).status_code
        == 403
    )
    published = chief.post("/api/v1/rosters/1/publish", json={"program": "small", "reason": "first"})
    assert published.status_code == 200 and published.json()["version"] == 2
    again = chief.post("/api/v1/rosters/1/publish", json={"program": "small", "reason": "again"})
    assert again.status_code == 422 and "published already" in again.json()["error"]


def test_only_the_chief_may_queue_or_cancel_and_bad_input_is_named(
    world: tuple[str, dict[Role, str], str],
) -> None:
    url, tokens, _ = world
    with client(url, tokens[Role.CHIEF]) as chief, client(url, tokens[Role.RESIDENT]) as resident:
        _refusals(chief, resident)


def _refusals(chief: httpx.Client, resident: httpx.Client) -> None:
    refused = resident.post("/api/v1/jobs/solves", json={"program": "small"})
    assert refused.status_code == 403 and refused.json()["error"]
    bad = chief.post("/api/v1/jobs/solves", json={"program": "small", "time_limit_s": -1})
    assert bad.status_code == 422 and "time_limit_s" in bad.text
    missing = chief.post("/api/v1/jobs/solves", json={"program": "nowhere"})
    assert missing.status_code == 404 and "no program 'nowhere' is stored" in missing.text
    assert chief.get("/api/v1/jobs/999999").status_code == 404
    job = chief.post("/api/v1/jobs/solves", json={"program": "small", "time_limit_s": 3}).json()
    assert resident.post(f"/api/v1/jobs/{job['id']}/cancel").status_code == 403
    cancelled = chief.post(f"/api/v1/jobs/{job['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
