"""`/api/v1/hours` and `/api/v1/whatif` over real HTTP (uvicorn on a loopback port), on SQLite
and PostgreSQL. (Starlette's TestClient warns about its httpx dependency, and warnings are errors
here, so the tests call a real server as the other API tests do.)"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from callroom.accounts.roles import Role
from callroom.api.app import create_app
from callroom.api.route_table import route_rules
from callroom.config import ApiToken, Settings
from callroom.storage import Database
from tests.integration.api.role_world import serve
from tests.integration.hours.world import PROGRAM

TOKENS = {"ada": Role.RESIDENT, "ben": Role.RESIDENT, "pd": Role.PROGRAM_DIRECTOR, "chief": Role.CHIEF}
DAY_ONE = {"start": "2026-03-02T07:00:00-05:00", "end": "2026-03-02T19:30:00-05:00"}


def token(user: str) -> str:
    return f"{user}-hours-token-0123456789"


@pytest.fixture
def app(world: Database, database_url: str) -> Iterator[httpx.Client]:
    settings = Settings(
        database_url=database_url,
        paging_program=PROGRAM,
        stream_ping_s=0.2,
        api_tokens=[ApiToken(token=token(u), user=u, role=r) for u, r in TOKENS.items()],
    )
    with serve(settings) as base, httpx.Client(base_url=base, timeout=10) as client:
        yield client


def as_(user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(user)}"}


def test_a_resident_logs_a_period_and_reads_it_back(app: httpx.Client) -> None:
    made = app.post("/api/v1/hours/me/periods", json=DAY_ONE, headers=as_("ada"))
    assert made.status_code == 201, made.json()
    assert made.json()["current"]["start"].startswith("2026-03-02T12:00:00")
    [back] = app.get("/api/v1/hours/me/periods", headers=as_("ada")).json()
    assert back["id"] == made.json()["id"] and back["person"] == "ada"


def test_a_bad_period_is_422_naming_the_field_and_saves_nothing(app: httpx.Client) -> None:
    backwards = {"start": "2026-03-02T19:00:00-05:00", "end": "2026-03-02T07:00:00-05:00"}
    refused = app.post("/api/v1/hours/me/periods", json=backwards, headers=as_("ada"))
    assert refused.status_code == 422
    assert refused.json()["field"] == "end" and refused.json()["errors"][0]["field"] == "end"
    assert app.get("/api/v1/hours/me/periods", headers=as_("ada")).json() == []


def test_a_time_without_an_offset_is_422_on_that_field(app: httpx.Client) -> None:
    naive = {"start": "2026-03-02T07:00:00", "end": "2026-03-02T19:00:00-05:00"}
    refused = app.post("/api/v1/hours/me/periods", json=naive, headers=as_("ada"))
    assert refused.status_code == 422 and refused.json()["field"] == "start"


# Python's dates end at 9999-12-31: in UTC these instants, and a week after that day, do not exist.
EDGES = ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"]


@pytest.mark.parametrize("edge", EDGES)
@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/hours/me/periods", lambda edge: {"start": edge, "end": DAY_ONE["end"]}, "start"),
        ("/api/v1/hours/me/periods", lambda edge: {"start": DAY_ONE["start"], "end": edge}, "end"),
        ("/api/v1/hours/me/clock-in", lambda edge: {"at": edge}, "at"),
        ("/api/v1/hours/me/clock-out", lambda edge: {"at": edge}, "at"),
        ("/api/v1/hours/me/periods/1/corrections", lambda edge: {"start": edge}, "start"),
        ("/api/v1/hours/me/confirm", lambda edge: {"week_start": edge[:10]}, "week_start"),
        ("/api/v1/whatif", lambda edge: {"take": f"{edge[:10]}:day"}, "take"),
    ],
)
def test_an_instant_or_day_beyond_the_calendar_is_422_on_that_field(
    app: httpx.Client, path: str, body: Callable[[str], dict[str, str]], field: str, edge: str
) -> None:
    refused = app.post(path, json=body(edge), headers=as_("ada"))
    assert refused.status_code == 422, refused.text
    answer = refused.json()
    assert answer["field"] == field and "must lie in the years 1900 to 2199" in answer["error"]


def test_overlapping_periods_are_refused(app: httpx.Client) -> None:
    app.post("/api/v1/hours/me/periods", json=DAY_ONE, headers=as_("ada"))
    later = {"start": "2026-03-02T19:00:00-05:00", "end": "2026-03-02T23:00:00-05:00"}
    refused = app.post("/api/v1/hours/me/periods", json=later, headers=as_("ada"))
    assert refused.status_code == 422 and "overlaps" in refused.json()["error"]


def test_only_readers_of_everyones_hours_read_another_residents(app: httpx.Client) -> None:
    app.post("/api/v1/hours/me/periods", json=DAY_ONE, headers=as_("ben"))
    refused = app.get("/api/v1/hours/people/ben/periods", headers=as_("ada"))
    assert refused.status_code == 403 and refused.json()["field"] == "permission"
    assert len(app.get("/api/v1/hours/people/ben/periods", headers=as_("pd")).json()) == 1


def test_a_resident_cannot_read_anothers_history_through_their_own_routes(app: httpx.Client) -> None:
    made = app.post("/api/v1/hours/me/periods", json=DAY_ONE, headers=as_("ben")).json()
    refused = app.get(f"/api/v1/hours/me/periods/{made['id']}/history", headers=as_("ada"))
    assert refused.status_code == 403 and refused.json()["field"] == "period"
    refused = app.post(
        f"/api/v1/hours/me/periods/{made['id']}/corrections", json={"note": "x"}, headers=as_("ada")
    )
    assert refused.status_code == 403


def test_no_api_route_rewrites_or_deletes_history(app: httpx.Client) -> None:
    rules = route_rules(create_app(Settings()), ("/api/v1/hours", "/api/v1/whatif"))
    assert {r.method for r in rules} <= {"GET", "POST"}
    made = app.post("/api/v1/hours/me/periods", json=DAY_ONE, headers=as_("ada")).json()
    path = f"/api/v1/hours/me/periods/{made['id']}"
    for method in ("PUT", "PATCH", "DELETE"):
        assert app.request(method, path, headers=as_("ada")).status_code in (404, 405)
        assert app.request(method, f"{path}/history", headers=as_("ada")).status_code == 405
    fixed = app.post(
        f"{path}/corrections", json={"end": "2026-03-02T21:00:00-05:00", "note": "stayed"}, headers=as_("ada")
    )
    assert fixed.status_code == 201
    history = app.get(f"/api/v1/hours/periods/{made['id']}/history", headers=as_("pd")).json()
    assert [r["end"][:19] for r in history["revisions"]] == ["2026-03-03T00:30:00", "2026-03-03T02:00:00"]
    assert [r["changed_by"] for r in history["revisions"]] == ["ada", "ada"]


def test_a_justification_is_reviewed_by_the_program_director_only(app: httpx.Client) -> None:
    made = app.post("/api/v1/hours/me/periods", json=DAY_ONE, headers=as_("ada")).json()
    given = app.post(
        f"/api/v1/hours/me/periods/{made['id']}/justifications",
        json={"reason": "humanistic_attention", "note": "family meeting"},
        headers=as_("ada"),
    )
    assert given.status_code == 201 and given.json()["status"] == "pending"
    review = f"/api/v1/hours/justifications/{given.json()['id']}/reviews"
    assert app.post(review, json={"decision": "accepted"}, headers=as_("ada")).status_code == 403
    assert app.post(review, json={"decision": "accepted"}, headers=as_("chief")).status_code == 403
    done = app.post(review, json={"decision": "accepted", "note": "ok"}, headers=as_("pd"))
    assert done.status_code == 201 and done.json()["status"] == "accepted"
    assert done.json()["reviews"][0]["reviewer"] == "pd"


def test_the_report_comes_as_json_csv_and_a_printable_page(app: httpx.Client) -> None:
    app.post("/api/v1/hours/me/confirm", json={"week_start": "2026-03-02"}, headers=as_("ada"))
    long_call = {
        "start": "2026-03-14T07:00:00-04:00",
        "end": "2026-03-15T12:00:00-04:00",
        "shift": "call",
        "post": "ward",
    }
    assert app.post("/api/v1/hours/me/periods", json=long_call, headers=as_("ada")).status_code == 201
    report = app.get("/api/v1/hours/report", params={"block": 1}, headers=as_("pd")).json()
    assert [v["rule"] for v in report["blocks"][0]["violations"]] == ["acgme.continuous-hours"]
    assert "VI.F.3.a" in report["blocks"][0]["violations"][0]["cited"]
    csv = app.get("/api/v1/hours/report", params={"format": "csv"}, headers=as_("pd"))
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].startswith("row,block,block_start")
    lines = csv.text.splitlines()
    assert any(line.startswith("violation,1,") and "acgme.continuous-hours" in line for line in lines)
    page = app.get("/api/v1/hours/report", params={"format": "html"}, headers=as_("pd"))
    assert page.headers["content-type"].startswith("text/html") and "Ada Okafor" in page.text
    assert app.get("/api/v1/hours/report", headers=as_("ada")).status_code == 403
    mine = app.get("/api/v1/hours/me/report", headers=as_("ada")).json()
    assert {w["person"] for w in mine["weeks"]} == {"ada"}


def test_the_whatif_answers_with_the_rule_and_the_numbers(app: httpx.Client) -> None:
    for day in range(2, 8):  # Monday 2 to Saturday 7 March, 18-hour days
        stay = {"start": f"2026-03-{day:02d}T06:00:00-05:00", "end": f"2026-03-{day + 1:02d}T00:00:00-05:00"}
        assert app.post("/api/v1/hours/me/periods", json=stay, headers=as_("ada")).status_code == 201
    answer = app.post("/api/v1/whatif", json={"take": "2026-03-09:call"}, headers=as_("ada"))
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["logged_through"] == "2026-03-07" and body["post"] == "ward"
    assert body["acceptable"] is False
    assert any(
        f["violation"]["rule"] == "acgme.weekly-hours" and f["when"] == "over the block"
        for f in body["findings"]
    )


def test_a_whatif_with_a_bad_take_or_about_someone_else_is_refused(app: httpx.Client) -> None:
    bad = app.post("/api/v1/whatif", json={"take": "tomorrow:call"}, headers=as_("ada"))
    assert bad.status_code == 422 and bad.json()["field"] == "take"
    other = app.post("/api/v1/whatif", json={"person": "ben", "take": "2026-03-09:day"}, headers=as_("ada"))
    assert other.status_code == 403 and other.json()["field"] == "person"
    assert (
        app.post(
            "/api/v1/whatif", json={"person": "ben", "take": "2026-03-09:day:ward"}, headers=as_("pd")
        ).status_code
        == 200
    )


def test_clock_in_and_out_need_no_body(app: httpx.Client) -> None:
    opened = app.post("/api/v1/hours/me/clock-in", headers=as_("ada"))
    assert opened.status_code == 201 and opened.json()["current"]["end"] is None, opened.json()
    again = app.post("/api/v1/hours/me/clock-in", headers=as_("ada"))
    assert again.status_code == 409 and again.json()["field"] == "person"
    closed = app.post("/api/v1/hours/me/clock-out", headers=as_("ada"))
    assert closed.status_code == 200 and closed.json()["current"]["end"] is not None
    assert closed.json()["id"] == opened.json()["id"]
