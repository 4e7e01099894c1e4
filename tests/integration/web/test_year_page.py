"""The year page: the published year plan as residents × weeks, for everyone who reads the
schedule, and its downloads (a real served app and database)."""

from __future__ import annotations

import csv
import io
import re

from icalendar import Calendar

from tests.integration.web.conftest import Web, store_small_year


def test_before_any_plan_the_page_says_how_to_make_one(sqlite_web: Web) -> None:
    client, _ = sqlite_web.signed_in("chief")
    page = client.get("/year")
    assert page.status_code == 200 and "No year plan is stored yet" in page.text


def test_the_plan_shows_every_resident_every_week_with_vacation_marked(sqlite_web: Web) -> None:
    store_small_year(sqlite_web)
    client, _ = sqlite_web.signed_in("resident")
    page = client.get("/year")
    assert page.status_code == 200
    assert "small, 01 Jul 2027 to 29 Jun 2028, plan 1" in page.text
    grid = re.search(r'<table class="grid year" id="year-grid">.*?</table>', page.text, re.S)
    assert grid is not None
    rows = re.findall(r"<tr(?: class=\"mine\")?><th scope=\"row\".*?</tr>", grid.group(0), re.S)
    assert len(rows) == 6
    assert all(len(re.findall(r"<td ", row)) == 52 for row in rows)
    assert len(re.findall(r'<td class="[^"]*\bvac\b', grid.group(0))) == 12  # two weeks each
    assert 'title="week of 2027-07-01: Orientation"' in grid.group(0)  # interns start there
    assert 'href="/year/plan.csv"' in page.text and 'href="/year/calendar.ics?person=ann"' in grid.group(0)


def test_the_plan_downloads_as_csv_one_row_per_resident_week(sqlite_web: Web) -> None:
    store_small_year(sqlite_web)
    client, _ = sqlite_web.signed_in("resident")

    answer = client.get("/year/plan.csv")

    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"] == 'attachment; filename="small-year.csv"'
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert len(rows) == 6 * 52
    assert list(rows[0]) == ["person", "grade", "week_start", "rotation", "vacation"]
    assert rows[0]["week_start"] == "2027-07-01"


def test_a_residents_year_downloads_as_a_calendar(sqlite_web: Web) -> None:
    store_small_year(sqlite_web)
    client, _ = sqlite_web.signed_in("resident")

    answer = client.get("/year/calendar.ics", params={"person": "eve"})

    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(answer.content).walk("VEVENT")
    assert str(events[0]["SUMMARY"]) == "Research"  # eve's fixed first four weeks
    assert events[0].decoded("DTSTART").isoformat() == "2027-07-01"


def test_a_calendar_of_someone_not_in_the_plan_or_without_a_plan_is_refused_saying_why(
    sqlite_web: Web,
) -> None:
    client, _ = sqlite_web.signed_in("resident")
    before = client.get("/year/plan.csv")
    assert before.status_code == 404 and "no year plan is stored yet" in before.text
    store_small_year(sqlite_web)
    nobody = client.get("/year/calendar.ics", params={"person": "zed"})
    assert nobody.status_code == 404 and "&#39;zed&#39; has no weeks in the year plan of small" in nobody.text
