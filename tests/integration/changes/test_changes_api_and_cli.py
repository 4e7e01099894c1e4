"""The roster-change API under /api/v1/changes and the `callroom repair` / `approve` commands,
over the stored demo roster on SQLite and PostgreSQL."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from typer.testing import CliRunner

from callroom.api.app import create_app
from callroom.cli.main import app as cli
from callroom.config import ApiToken, Settings
from callroom.domain.roster import Roster
from callroom.services import build_services
from callroom.storage import Database, RosterRepository
from tests.integration.changes.conftest import store_demo
from tests.repair_world import (
    absence_days,
    demo_roster,
    overlapping,
    residents_leaving_a_hole,
    shifts_they_could_cover,
)

CHIEF_TOKEN = "chief-token-for-tests-0123456789"
RESIDENT_TOKEN = "resident-token-for-tests-0123456789"


def absent_resident() -> str:
    program, roster = demo_roster()
    return residents_leaving_a_hole(program, roster)[0]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def client(database: Database, database_url: str) -> Iterator[httpx.Client]:
    """The app served by a real uvicorn on a loopback port, and an HTTP client for it."""
    store_demo(database)
    tokens = [
        ApiToken(token=CHIEF_TOKEN, user="chief-okafor", role="chief"),
        ApiToken(token=RESIDENT_TOKEN, user=absent_resident(), role="resident"),
    ]
    app = create_app(Settings(database_url=database_url, api_tokens=tokens))
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=_free_port(), log_level="warning", timeout_graceful_shutdown=1
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "the API server did not start"
        time.sleep(0.01)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{server.config.port}", timeout=120) as http:
            yield http
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def as_(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def repair_body(**extra: object) -> dict[str, object]:
    days = absence_days()
    return {
        "absent": absent_resident(),
        "from": days[0].isoformat(),
        "to": days[-1].isoformat(),
        "time_limit_s": 20,
        **extra,
    }


def run_jobs(database: Database, database_url: str) -> int:
    """Run the queued background jobs to their end, as a worker would; how many ran."""
    runner = build_services(Settings(database_url=database_url), database).runner("api-test")
    ran = 0
    while runner.run_once():
        ran += 1
    return ran


def test_a_chief_posts_a_repair_and_approves_it_into_a_new_version(
    client: httpx.Client, database: Database, database_url: str
) -> None:
    created = client.post("/api/v1/changes/repairs", json=repair_body(), headers=as_(CHIEF_TOKEN))
    assert created.status_code == 202, created.text
    job = created.json()
    assert job["kind"] == "repair" and job["state"] == "queued"
    again = client.post("/api/v1/changes/repairs", json=repair_body(), headers=as_(CHIEF_TOKEN))
    assert again.status_code == 200 and again.json()["id"] == job["id"]  # the same sick call
    assert run_jobs(database, database_url) == 1
    done = client.get(f"/api/v1/jobs/{job['id']}", headers=as_(CHIEF_TOKEN)).json()
    assert done["state"] == "done", done
    assert client.get(f"/api/v1/jobs/{job['id']}", headers=as_(RESIDENT_TOKEN)).status_code == 403
    detail = client.get(f"/api/v1/changes/{done['result']['proposal']}", headers=as_(CHIEF_TOKEN))
    proposal = detail.json()["proposal"]
    assert proposal["kind"] == "repair" and proposal["payload"]["minimum_proven"] is True
    assert proposal["payload"]["moves"] and all(m["reasons"] for m in proposal["payload"]["moves"])
    pending = client.get("/api/v1/changes/pending/chief", headers=as_(CHIEF_TOKEN)).json()
    assert [p["id"] for p in pending] == [proposal["id"]]
    refused = client.post(f"/api/v1/changes/{proposal['id']}/approve", json={}, headers=as_(RESIDENT_TOKEN))
    assert refused.status_code == 403 and refused.json()["error"]
    approved = client.post(
        f"/api/v1/changes/{proposal['id']}/approve", json={"reason": "sick call"}, headers=as_(CHIEF_TOKEN)
    )
    assert approved.status_code == 200, approved.text
    decision = approved.json()
    assert decision["roster_version_number"] == 2 and decision["proposal"]["state"] == "approved"
    moved = sorted({m["person_id"] for m in proposal["payload"]["moves"]})
    assert sorted(decision["notified"]) == moved
    again = client.post(f"/api/v1/changes/{proposal['id']}/approve", json={}, headers=as_(CHIEF_TOKEN))
    assert again.status_code == 409 and again.json()["field"] == "proposal"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"absent": "nobody-here"}, "absent"),
        ({"window_from": "2027-01-01", "window_to": "2027-03-12"}, "window_from"),
        ({"from": "soon"}, "from"),
        ({"time_limit_s": -1}, "time_limit_s"),
    ],
)
def test_bad_repair_input_is_a_422_naming_the_field(
    client: httpx.Client, extra: dict[str, object], field: str
) -> None:
    answer = client.post("/api/v1/changes/repairs", json=repair_body(**extra), headers=as_(CHIEF_TOKEN))
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["field"] == field and body["error"] and isinstance(body["errors"], list)
    assert client.get("/api/v1/jobs", headers=as_(CHIEF_TOKEN)).json() == []  # nothing queued
    assert client.get("/api/v1/changes/pending/chief", headers=as_(CHIEF_TOKEN)).json() == []


runner = CliRunner()


def test_the_repair_and_approve_commands(
    database: Database, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_demo(database)
    monkeypatch.setenv("CALLROOM_DATABASE_URL", database_url)
    monkeypatch.setenv("COLUMNS", "200")
    days = absence_days()
    args = ["repair", "--absent", absent_resident(), "--from", str(days[0]), "--to", str(days[-1])]
    proposed = runner.invoke(cli, [*args, "--time-limit", "20"])
    assert proposed.exit_code == 0, proposed.output
    assert "Proposal 1:" in proposed.output and "proven minimum" in proposed.output
    assert "cover.minimum" in proposed.output
    approved = runner.invoke(cli, ["approve", "1", "--reason", "sick call"])
    assert approved.exit_code == 0, approved.output
    assert "roster version 2" in approved.output
    with database.reading() as session:
        assert len(RosterRepository(session).list_versions("st-elsewhere")) == 2


def newest_roster(database: Database) -> Roster:
    with database.reading() as session:
        rosters = RosterRepository(session)
        version = rosters.latest("st-elsewhere")
        assert version is not None
        return rosters.load_roster(version.id)


def test_a_second_sick_call_through_the_commands_keeps_the_first_resident_off(
    database: Database, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_demo(database)
    monkeypatch.setenv("CALLROOM_DATABASE_URL", database_url)
    monkeypatch.setenv("COLUMNS", "200")
    program, days, first = demo_roster()[0], absence_days(), absent_resident()
    span = ["--from", str(days[0]), "--to", str(days[-1])]
    assert runner.invoke(cli, ["repair", "--absent", first, *span, "--time-limit", "10"]).exit_code == 0
    assert runner.invoke(cli, ["approve", "1", "--reason", "sick call"]).exit_code == 0
    shift = shifts_they_could_cover(program, newest_roster(database), first, days)[0]
    second = runner.invoke(
        cli,
        [
            "repair",
            "--absent",
            shift.person_id,
            "--from",
            str(shift.day),
            "--to",
            str(shift.day),
            "--only",
            first,
            "--time-limit",
            "10",
        ],
    )
    assert second.exit_code == 0, second.output
    name = program.person[first].name
    assert f"{name}: is off sick 10–12 Mar (approved with repair #1)" in second.output
    approved = runner.invoke(cli, ["approve", "2", "--reason", "second sick call"])
    assert approved.exit_code == 0, approved.output
    assert overlapping(program, newest_roster(database), first, str(days[0]), str(days[-1])) == []


def test_the_repair_command_exits_2_on_bad_input_and_stores_nothing(
    database: Database, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_demo(database)
    monkeypatch.setenv("CALLROOM_DATABASE_URL", database_url)
    result = runner.invoke(
        cli, ["repair", "--absent", "nobody-here", "--from", "2027-03-10", "--to", "2027-03-12"]
    )
    assert result.exit_code == 2 and "absent" in result.output
    listed = runner.invoke(cli, ["changes", "list"])
    assert listed.exit_code == 0 and "repair" not in listed.output
