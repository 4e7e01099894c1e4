"""The schedule API over real HTTP on SQLite and PostgreSQL: the directory, roster versions and
diffs, the chief's cell edit with its rule check, who is on call, and the iCal feed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from icalendar import Calendar

from callroom.accounts.roles import Role
from tests.integration.api.accounts_fixtures import RoleApi
from tests.integration.api.accounts_fixtures import role_api as role_api
from tests.paging_world import today

CHIEF, RESIDENT = Role.CHIEF, Role.RESIDENT
EDITS = "/api/v1/rosters/current/edits"


def tomorrow() -> date:
    return today() + timedelta(days=1)


def edit(api: RoleApi, role: Role = CHIEF, **fields: Any) -> tuple[int, dict[str, Any]]:
    body = {"base_version": 1, "person_id": "ada", "day": tomorrow().isoformat(), **fields}
    with api.as_role(role) as http:
        response = http.post(EDITS, json=body)
    return response.status_code, response.json()


def versions(api: RoleApi) -> list[dict[str, Any]]:
    with api.as_role(CHIEF) as http:
        found: list[dict[str, Any]] = http.get("/api/v1/rosters").json()
    return found


def test_the_directory_lists_people_services_and_posts(role_api: RoleApi) -> None:
    with role_api.as_role(Role.OPERATOR) as http:
        people = http.get("/api/v1/people").json()
        seniors = http.get("/api/v1/people", params={"grade": "PGY-3"}).json()
        services = http.get("/api/v1/services").json()
        posts = http.get("/api/v1/posts").json()

    assert [p["id"] for p in people] == ["ada", "ben", "cy", "dora", "eve", "fay"]
    assert [p["id"] for p in seniors] == ["cy"]
    assert services == [{"id": "gs", "name": "gs", "posts": ["ward", "backup", "attending", "vacant"]}]
    assert [(p["id"], p["grades"]) for p in posts][:2] == [("ward", "any grade"), ("backup", "PGY-3+")]


def test_the_current_roster_is_the_newest_version_and_filters_by_person(role_api: RoleApi) -> None:
    with role_api.as_role(RESIDENT) as http:
        roster = http.get("/api/v1/rosters/current", params={"person": "ada"}).json()

    assert roster["number"] == 1
    assert {(a["day"], a["post_id"]) for a in roster["assignments"]} == {
        ((today() + timedelta(days=i)).isoformat(), "ward") for i in range(-1, 3)
    }


def test_a_dry_run_shows_the_hard_rules_an_edit_would_break_and_saves_nothing(role_api: RoleApi) -> None:
    status, answer = edit(role_api, shift_id="allday", post_id="backup", dry_run=True)

    assert status == 200
    assert answer["acceptable"] is False
    assert {v["rule"] for v in answer["hard"]} >= {"general.eligibility"}
    assert answer["saved"] is None
    assert [a["post_id"] for a in answer["removed"]] == ["ward"]
    assert len(versions(role_api)) == 1


def test_saving_an_edit_that_breaks_a_hard_rule_is_refused_naming_the_rule(role_api: RoleApi) -> None:
    status, answer = edit(role_api, shift_id="allday", post_id="backup")

    assert status == 409
    assert answer["field"] == "force"
    assert "general.eligibility" in answer["error"]
    assert any(e["field"] == "general.eligibility" and e["person_id"] == "ada" for e in answer["errors"])
    assert len(versions(role_api)) == 1


def test_the_chief_may_force_an_edit_with_a_reason_and_it_is_audited(role_api: RoleApi) -> None:
    status, answer = edit(
        role_api,
        shift_id="allday",
        post_id="backup",
        force=True,
        reason="cy is off sick; ada covers with dora on the phone",
    )

    assert status == 201
    saved = answer["saved"]
    assert (saved["number"], saved["source"], saved["parent_id"]) == (2, "edit", versions(role_api)[0]["id"])
    audit = saved["audit"]
    assert (audit["by"], audit["role"], audit["forced"]) == ("chief", "chief", True)
    assert audit["reason"] == "cy is off sick; ada covers with dora on the phone"
    assert audit["added"] == [
        {"person_id": "ada", "day": tomorrow().isoformat(), "shift_id": "allday", "post_id": "backup"}
    ]


def test_a_forced_edit_needs_a_reason(role_api: RoleApi) -> None:
    status, answer = edit(role_api, shift_id="allday", post_id="backup", force=True)

    assert (status, answer["field"]) == (422, "reason")


def test_an_edit_that_breaks_no_hard_rule_saves_and_the_diff_shows_it(role_api: RoleApi) -> None:
    status, answer = edit(role_api, person_id="eve", shift_id="allday", post_id="ward", reason="extra hands")

    assert status == 201, answer
    assert answer["hard"] == []
    with role_api.as_role(Role.PROGRAM_DIRECTOR) as http:
        diff = http.get("/api/v1/rosters/1/diff/2").json()
        second = http.get("/api/v1/rosters/2", params={"person": "eve"}).json()
    assert diff["removed"] == []
    assert diff["added"] == [
        {"person_id": "eve", "day": tomorrow().isoformat(), "shift_id": "allday", "post_id": "ward"}
    ]
    assert len(second["assignments"]) == 1


def test_an_edit_made_against_an_older_version_is_refused(role_api: RoleApi) -> None:
    assert edit(role_api, person_id="eve", shift_id="allday", post_id="ward")[0] == 201

    status, answer = edit(
        role_api, person_id="eve", day=today().isoformat(), shift_id="allday", post_id="ward"
    )

    assert (status, answer["field"]) == (409, "base_version")


@pytest.mark.parametrize(
    ("fields", "status", "field"),
    [
        ({"person_id": "zed"}, 404, "person_id"),
        ({"day": "1999-01-01"}, 422, "day"),
        ({"shift_id": "allday"}, 422, "post_id"),
        ({"shift_id": "night", "post_id": "ward"}, 422, "shift_id"),
        ({"shift_id": "allday", "post_id": "ward"}, 422, "shift_id"),  # ada already works it
        ({"day": "not a date"}, 422, "day"),
        ({"base_version": 0}, 422, "base_version"),
        ({"surprise": 1}, 422, "surprise"),
    ],
)
def test_a_bad_edit_is_refused_naming_the_field(
    role_api: RoleApi, fields: dict[str, Any], status: int, field: str
) -> None:
    found, answer = edit(role_api, **fields)

    assert (found, answer["field"]) == (status, field), answer
    assert answer["error"]
    assert len(versions(role_api)) == 1


def test_who_is_on_call_is_the_most_junior_holder_first_with_who_comes_next(role_api: RoleApi) -> None:
    at = datetime.combine(today(), datetime.min.time(), UTC) + timedelta(hours=10)
    with role_api.as_role(Role.OPERATOR) as http:
        answer = http.get("/api/v1/oncall", params={"post": "ward", "at": at.isoformat()}).json()

    assert [h["person_id"] for h in answer["holders"]] == ["ada", "ben"]
    assert answer["holders"][0]["ends"] == (at + timedelta(hours=14)).isoformat().replace("+00:00", "Z")
    assert [h["person_id"] for h in answer["next"]] == ["ada", "ben"]
    assert answer["next"][0]["starts"] == answer["holders"][0]["ends"]


def test_nobody_holds_a_vacant_post(role_api: RoleApi) -> None:
    with role_api.as_role(Role.OPERATOR) as http:
        answer = http.get("/api/v1/oncall", params={"post": "vacant"}).json()

    assert (answer["holders"], answer["next"]) == ([], [])


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"post": "wrd"}, 404, "post"),
        ({}, 422, "query.post"),
        ({"post": "ward", "at": "2027-03-01T08:00"}, 422, "at"),
        ({"post": "ward", "at": "tomorrow"}, 422, "query.at"),
        ({"post": "ward", "at": "9999-12-31T23:59:59-12:00"}, 422, "at"),  # past 9999-12-31 in UTC
        ({"post": "ward", "at": "0001-01-01T00:00:00+14:00"}, 422, "at"),  # before 0001-01-01 in UTC
    ],
)
def test_bad_on_call_questions_are_refused_naming_the_field(
    role_api: RoleApi, params: dict[str, str], status: int, field: str
) -> None:
    with role_api.as_role(Role.OPERATOR) as http:
        response = http.get("/api/v1/oncall", params=params)

    assert (response.status_code, response.json()["field"]) == (status, field)


def test_a_calendar_link_serves_the_persons_schedule_until_revoked(role_api: RoleApi) -> None:
    with role_api.as_role(RESIDENT) as http:
        url = http.post("/api/v1/me/calendar").json()["url"]
        feed = http.get(url)
        http.delete("/api/v1/me/calendar")
        revoked = http.get(url)

    assert feed.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert len(events) == 4
    assert sorted(e.decoded("DTSTART").date() for e in events) == [
        today() + timedelta(days=i) for i in range(-1, 3)
    ]
    assert (revoked.status_code, revoked.json()["field"]) == (404, "token")


def test_someone_not_on_the_schedule_has_no_calendar(role_api: RoleApi) -> None:
    with role_api.as_role(Role.ADMIN) as http:
        response = http.post("/api/v1/me/calendar")

    assert response.status_code == 403  # admin lacks calendar:own
    with role_api.as_role(Role.PROGRAM_DIRECTOR) as http:  # has it, but is nobody on the schedule
        response = http.post("/api/v1/me/calendar")
    assert (response.status_code, response.json()["field"]) == (409, "person")


def test_who_is_on_call_follows_a_saved_edit_at_once(role_api: RoleApi) -> None:
    at = datetime.combine(tomorrow(), datetime.min.time(), UTC) + timedelta(hours=10)
    with role_api.as_role(Role.OPERATOR) as http:
        before = http.get("/api/v1/oncall", params={"post": "ward", "at": at.isoformat()}).json()
        assert edit(role_api, person_id="eve", shift_id="allday", post_id="ward")[0] == 201
        after = http.get("/api/v1/oncall", params={"post": "ward", "at": at.isoformat()}).json()

    assert [h["person_id"] for h in before["holders"]] == ["ada", "ben"]
    assert [h["person_id"] for h in after["holders"]] == ["ada", "ben", "eve"]
    assert after["roster_version_id"] != before["roster_version_id"]


def test_who_is_on_call_follows_a_roll_back_at_once_and_again_after_a_later_edit(role_api: RoleApi) -> None:
    at = datetime.combine(tomorrow(), datetime.min.time(), UTC) + timedelta(hours=10)
    ask = {"post": "ward", "at": at.isoformat()}
    with role_api.as_role(Role.OPERATOR) as http, role_api.as_role(CHIEF) as chief:
        assert edit(role_api, person_id="eve", shift_id="allday", post_id="ward")[0] == 201
        edited = http.get("/api/v1/oncall", params=ask).json()
        back = chief.post("/api/v1/rosters/1/rollback", json={"program": "paging-general", "reason": "away"})
        rolled_back = http.get("/api/v1/oncall", params=ask).json()
        base = back.json()["version"]
        assert edit(role_api, base_version=base, person_id="eve", shift_id="allday", post_id="ward")[0] == 201
        edited_again = http.get("/api/v1/oncall", params=ask).json()

    assert back.status_code == 200, back.text
    assert [h["person_id"] for h in edited["holders"]] == ["ada", "ben", "eve"]
    assert [h["person_id"] for h in rolled_back["holders"]] == ["ada", "ben"]
    assert [h["person_id"] for h in edited_again["holders"]] == ["ada", "ben", "eve"]
    answers = (edited, rolled_back, edited_again)
    assert len({a["roster_version_id"] for a in answers}) == 3
