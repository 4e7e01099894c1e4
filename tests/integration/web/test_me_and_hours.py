"""My schedule with its private calendar link, and the duty-hours page."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from icalendar import Calendar

from callroom.hours.service import HoursService
from callroom.rosters.live import LiveSchedules
from callroom.rules.summary import summarise
from tests.integration.web.conftest import Web
from tests.principals import person as as_person
from tests.web_demo import MARKUP_NAME, demo_program, demo_source_with_markup_name, sign_in_of, solved_demo

LINK = re.compile(r'<code class="secret" id="calendar-link">([^<]+)</code>')


def _data(html: str, element: str) -> dict[str, Any]:
    found = re.search(rf'id="{element}">(.*?)</script>', html, re.S)
    assert found is not None, f"no #{element} in the page"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def test_my_schedule_lists_my_shifts(sqlite_web: Web) -> None:
    client, _ = sqlite_web.signed_in("resident")
    resident = sign_in_of(sqlite_web.sign_ins, "resident")
    page = client.get("/me")
    assert page.status_code == 200
    rows = re.search(r'<table class="list" id="my-shifts">.*?</table>', page.text, re.S)
    assert rows is not None
    assert rows.group(0).count("<tr>") - 1 == len(solved_demo().for_person(resident.person_id or ""))


def test_a_calendar_link_is_shown_once_fetches_my_shifts_and_stops_when_revoked(sqlite_web: Web) -> None:
    client, csrf = sqlite_web.signed_in("resident")
    made = client.post("/me/calendar", data={"csrf_token": csrf})
    assert made.status_code == 200
    link = LINK.search(made.text)
    assert link is not None and "/api/v1/ical/" in link.group(1)
    assert LINK.search(client.get("/me").text) is None  # only its digest is kept
    feed = httpx.get(link.group(1))
    assert feed.status_code == 200
    events = [e for e in Calendar.from_ical(feed.content).walk("VEVENT")]
    resident = sign_in_of(sqlite_web.sign_ins, "resident")
    assert len(events) == len(solved_demo().for_person(resident.person_id or ""))
    revoked = client.post("/me/calendar/revoke", data={"csrf_token": csrf})
    assert "Revoked 1 calendar link(s)." in revoked.text
    assert httpx.get(link.group(1)).status_code == 404


def test_an_admin_has_no_schedule_page_and_a_forged_form_makes_no_link(sqlite_web: Web) -> None:
    admin, _ = sqlite_web.signed_in("admin")
    assert admin.get("/me").status_code == 403  # admins are not on the schedule
    chief, _ = sqlite_web.signed_in("chief")
    refused = chief.post("/me/calendar", data={"csrf_token": "forged"})
    assert refused.status_code == 403 and LINK.search(refused.text) is None


def test_a_resident_sees_their_own_weekly_hours_against_the_limit(sqlite_web: Web) -> None:
    client, _ = sqlite_web.signed_in("resident")
    resident = sign_in_of(sqlite_web.sign_ins, "resident")
    page = client.get("/hours")
    assert page.status_code == 200
    data = _data(page.text, "weekly-data")
    mine = next(s for s in summarise(demo_program(), solved_demo()) if s.person.id == resident.person_id)
    assert data["hours"] == [round(h, 1) for h in mine.weekly_hours]
    assert data["limit"] == 80
    assert 'id="overview-chart"' not in page.text
    assert client.get("/hours", params={"person": "someone-else"}).status_code == 403


def test_the_chief_sees_every_resident_and_an_unknown_one_is_named(sqlite_web: Web) -> None:
    client, _ = sqlite_web.signed_in("chief")
    page = client.get("/hours")
    data = _data(page.text, "overview-data")
    residents = [p.id for p in demo_program().people if p.grade.is_resident]
    assert sorted(data["ids"]) == sorted(residents)
    assert data["hours"] == sorted(data["hours"], reverse=True)
    missing = client.get("/hours", params={"person": "nobody"})
    assert missing.status_code == 404 and 'id="person-error">no resident' in missing.text


def test_a_name_with_markup_cannot_end_the_chart_data_or_hide_the_table(sqlite_web: Web) -> None:
    admin, csrf = sqlite_web.signed_in("admin")
    renamed = admin.post(
        "/admin/program",
        data={"csrf_token": csrf, "source": demo_source_with_markup_name(), "reason": "a name with markup"},
    )
    assert renamed.status_code == 303, renamed.text
    chief, _ = sqlite_web.signed_in("chief")
    page = chief.get("/hours").text
    element = re.search(r'<script type="application/json" id="overview-data">(.*?)</script>', page, re.S)
    assert element is not None
    assert "<" not in element.group(1)  # nothing in it that the HTML parser reads as markup
    assert MARKUP_NAME in json.loads(element.group(1))["labels"]
    assert page.index('id="hours-table"') > element.end()
    assert html.escape(MARKUP_NAME, quote=False) in page


def test_an_operator_may_not_read_duty_hours(sqlite_web: Web) -> None:
    client, _ = sqlite_web.signed_in("operator")
    assert client.get("/hours").status_code == 403


def test_worked_hours_appear_beside_scheduled_once_logged(sqlite_web: Web) -> None:
    client, _ = sqlite_web.signed_in("resident")
    assert _data(client.get("/hours").text, "weekly-data")["worked"] is None
    person = sign_in_of(sqlite_web.sign_ins, "resident").person_id or ""
    program = demo_program()
    after_the_block = datetime(2027, 4, 1, tzinfo=UTC)  # only shifts that have ended can be confirmed
    hours = HoursService(sqlite_web.database, LiveSchedules(), clock=lambda: after_the_block)
    hours.confirm(as_person(person), person, program.block.start)
    data = _data(client.get("/hours").text, "weekly-data")
    assert data["worked"] is not None
    assert data["worked"][0] == data["hours"][0] and data["worked"][1:] == [0.0] * (len(data["hours"]) - 1)


@pytest.mark.parametrize(("who", "linked"), [("resident", True), ("attending", False), ("director", False)])
def test_my_schedule_links_to_duty_hours_only_where_they_are_the_viewers(
    sqlite_web: Web, who: str, linked: bool
) -> None:
    client, _ = sqlite_web.signed_in(who)
    page = client.get("/me").text
    assert ('href="/hours?person=' in page) is linked
