"""The schedule grid and the chief's cell edit, checked against the rules before saving."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from icalendar import Calendar

from callroom.accounts.demo import DemoAccount
from callroom.accounts.roles import Role
from callroom.accounts.service import AccountService, AccountSpec
from callroom.formats.ical import event_uid
from callroom.formats.roster_csv import roster_csv_rows
from callroom.storage import RosterRepository
from tests.grid_expectations import block_totals, hard_cover_breaks, under_target
from tests.integration.web.conftest import Web
from tests.principals import admin
from tests.web_demo import DEMO_NAME, demo_program, find_edit, sign_in_of, solved_demo

ROW = re.compile(r'<tr data-person="([^"]+)"')
DAY = re.compile(r'<th scope="col" data-day="([^"]+)"')


def _form(edit_choice: str, person: str, day: str, version: int, csrf: str) -> dict[str, str]:
    return {"person": person, "day": day, "choice": edit_choice, "version": str(version), "csrf_token": csrf}


def _versions(web: Web) -> list[int]:
    with web.database.reading() as session:
        return [v.number for v in RosterRepository(session).list_versions(DEMO_NAME)]


def test_the_grid_links_a_stylesheet_with_a_colour_for_every_post_it_uses(sqlite_web: Web) -> None:
    client, _ = sqlite_web.signed_in("resident")
    page = client.get("/schedule").text
    link = re.search(r'<link rel="stylesheet" href="(/schedule/posts\.css[^"]*)">', page)
    assert link is not None
    sheet = client.get(link.group(1))
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/css")
    coloured = set(re.findall(r"td\.(p\d+),", sheet.text))
    used = set(re.findall(r'<td class="(p\d+) ', page))
    assert len(coloured) == len(demo_program().posts) and used and used <= coloured


def test_the_grid_shows_every_person_by_every_day_of_the_block(sqlite_web: Web) -> None:
    client, _ = sqlite_web.signed_in("resident")
    page = client.get("/schedule")
    assert page.status_code == 200
    program = demo_program()
    assert sorted(ROW.findall(page.text)) == sorted(p.id for p in program.people)
    assert DAY.findall(page.text) == [d.isoformat() for d in program.block.dates()]
    some = solved_demo().assignments[0]
    assert program.post[some.post_id].name in page.text
    assert "data-editable" not in page.text  # a resident reads, the chief edits


def test_the_grid_filters_by_service_grade_and_week(sqlite_web: Web) -> None:
    client, _ = sqlite_web.signed_in("chief")
    program = demo_program()
    page = client.get("/schedule", params={"service": "neurosurgery", "grade": "PGY-2", "week": "2"})
    assert page.status_code == 200
    neuro = {p.id for p in program.posts if p.service_id == "neurosurgery"}
    expected = {p.id for p in program.people if p.grade.label == "PGY-2" and neuro & set(p.post_ids)}
    assert expected and set(ROW.findall(page.text)) == expected
    assert DAY.findall(page.text) == [d.isoformat() for d in program.block.dates()[7:14]]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("service", "cardiology", "no service &#39;cardiology&#39;"),
        ("grade", "PGY-9", "no grade &#39;PGY-9&#39;"),
        ("week", "5", "the week must be 1 to 4"),
    ],
)
def test_a_bad_filter_is_named_next_to_its_field(
    sqlite_web: Web, field: str, value: str, message: str
) -> None:
    client, _ = sqlite_web.signed_in("chief")
    page = client.get("/schedule", params={field: value})
    assert page.status_code == 422
    assert f'id="{field}-error">{message}' in page.text


def test_a_resident_may_not_open_the_cell_editor(sqlite_web: Web) -> None:
    client, _ = sqlite_web.signed_in("resident")
    answer = client.get("/schedule/cell", params={"person": "x", "day": "2027-03-02"})
    assert answer.status_code == 403
    assert "You may not edit the schedule." in answer.text


def test_the_cell_editor_offers_off_and_what_the_person_may_work(sqlite_web: Web) -> None:
    client, _ = sqlite_web.signed_in("chief")
    program = demo_program()
    person = next(p for p in program.people if p.grade.is_resident)
    page = client.get("/schedule/cell", params={"person": person.id, "day": "2027-03-05"})
    assert page.status_code == 200
    offered = re.findall(r'<option value="([^"]+)"', page.text)
    assert offered == ["off"] + [f"{post}|{shift}" for post, shift in program.options(person)]


def test_checking_an_edit_that_breaks_a_hard_rule_warns_and_offers_no_save(sqlite_web: Web) -> None:
    client, csrf = sqlite_web.signed_in("chief")
    edit = find_edit(demo_program(), solved_demo(), hard=True)
    answer = client.post(
        "/schedule/cell/check",
        data=_form(edit.choice, edit.person_id, edit.day.isoformat(), sqlite_web.version_id, csrf),
    )
    assert answer.status_code == 200
    assert 'id="hard-warning"' in answer.text and "It cannot be saved." in answer.text
    assert 'id="save-button"' not in answer.text


def test_checking_an_acceptable_edit_offers_save(sqlite_web: Web) -> None:
    client, csrf = sqlite_web.signed_in("chief")
    edit = find_edit(demo_program(), solved_demo(), hard=False)
    answer = client.post(
        "/schedule/cell/check",
        data=_form(edit.choice, edit.person_id, edit.day.isoformat(), sqlite_web.version_id, csrf),
    )
    assert answer.status_code == 200
    assert 'id="hard-warning"' not in answer.text and 'id="save-button"' in answer.text


def test_saving_an_edit_that_breaks_a_hard_rule_is_refused_and_nothing_is_stored(web: Web) -> None:
    client, csrf = web.signed_in("chief")
    edit = find_edit(demo_program(), solved_demo(), hard=True)
    answer = client.post(
        "/schedule/cell", data=_form(edit.choice, edit.person_id, edit.day.isoformat(), web.version_id, csrf)
    )
    assert answer.status_code == 409  # a conflict with the hard rules, as the API answers it
    assert "Not saved: this edit would break" in answer.text
    assert _versions(web) == [1]


def test_saving_an_acceptable_edit_makes_a_new_audited_roster_version(web: Web) -> None:
    client, csrf = web.signed_in("chief")
    edit = find_edit(demo_program(), solved_demo(), hard=False)
    answer = client.post(
        "/schedule/cell",
        data=_form(edit.choice, edit.person_id, edit.day.isoformat(), web.version_id, csrf)
        | {"back": "week=2"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["HX-Redirect"] == "/schedule?week=2&saved=2"
    with web.database.reading() as session:
        rosters = RosterRepository(session)
        saved = rosters.by_number(DEMO_NAME, 2)
        assert saved is not None and saved.parent_id == web.version_id and saved.source == "edit"
        after = rosters.load_roster(saved.id)
    assert saved.report["edit"]["by"] == "chief" and saved.objective == saved.report["total"]
    placed = after.on(edit.person_id, edit.day)
    assert (f"{placed.post_id}|{placed.shift_id}" if placed else "off") == edit.choice
    assert len(set(after.assignments) ^ set(solved_demo().assignments)) in (1, 2)
    page = client.get("/schedule?saved=2").text
    assert "Saved as roster version 2." in page
    history = re.search(r'<details class="card" id="history">.*?</details>', page, re.S)
    assert history is not None and "cell edit by chief: " in history.group(0)
    name = demo_program().person[edit.person_id].name
    assert f"{name} {edit.day:%a %d %b}" in history.group(0)  # names, not the stored ids
    assert edit.person_id not in history.group(0)


def test_a_save_goes_back_to_the_grid_s_filters_and_nowhere_else(sqlite_web: Web) -> None:
    client, csrf = sqlite_web.signed_in("chief")
    edit = find_edit(demo_program(), solved_demo(), hard=False)
    form = _form(edit.choice, edit.person_id, edit.day.isoformat(), sqlite_web.version_id, csrf)
    answer = client.post("/schedule/cell", data=form | {"back": "x\r\nSet-Cookie: a=b"})
    assert answer.status_code == 200 and answer.headers["HX-Redirect"] == "/schedule?saved=2"


def test_saving_over_a_version_that_is_no_longer_the_newest_is_refused(sqlite_web: Web) -> None:
    client, csrf = sqlite_web.signed_in("chief")
    edit = find_edit(demo_program(), solved_demo(), hard=False)
    form = _form(edit.choice, edit.person_id, edit.day.isoformat(), sqlite_web.version_id, csrf)
    assert client.post("/schedule/cell", data=form).status_code == 200
    again = client.post("/schedule/cell", data=form)
    assert again.status_code == 409
    assert "the roster changed since this edit was made" in again.text
    assert _versions(sqlite_web) == [1, 2]


def test_an_edit_form_without_its_csrf_token_is_refused(sqlite_web: Web) -> None:
    client, _ = sqlite_web.signed_in("chief")
    edit = find_edit(demo_program(), solved_demo(), hard=False)
    answer = client.post(
        "/schedule/cell",
        data=_form(edit.choice, edit.person_id, edit.day.isoformat(), sqlite_web.version_id, "forged"),
    )
    assert answer.status_code == 403
    assert _versions(sqlite_web) == [1]


@pytest.mark.parametrize(
    ("field", "change", "message"),
    [
        ("person", {"person": "nobody-here"}, "no person &#39;nobody-here&#39;"),
        ("day", {"day": "2027-02-30"}, "the day must be a date"),
        ("day", {"day": "2027-06-01"}, "is outside the block"),
        ("choice", {"choice": "pit|call"}, "choose off, or a post and shift"),
    ],
)
def test_a_bad_edit_form_names_the_field(
    sqlite_web: Web, field: str, change: dict[str, str], message: str
) -> None:
    client, csrf = sqlite_web.signed_in("chief")
    person = next(p for p in demo_program().people if p.grade.is_resident)
    form = _form("off", person.id, "2027-03-05", sqlite_web.version_id, csrf) | change
    answer = client.post("/schedule/cell/check", data=form)
    assert answer.status_code == 422
    assert f'id="{field}-error"' in answer.text and message in answer.text


COVER_ROW = re.compile(r'<tr class="cover" data-post="([^"]+)" data-shift="([^"]+)">(.*?)</tr>', re.S)


def _cover_states(page: str) -> dict[tuple[str, str, date], str]:
    """Each cover cell's state by (post, shift, day), read from the page."""
    days = [date.fromisoformat(d) for d in DAY.findall(page)]
    found = {}
    for post, shift, cells in COVER_ROW.findall(page):
        states = re.findall(r'data-state="(\w+)"', cells)
        assert len(states) == len(days)
        found.update({(post, shift, day): state for day, state in zip(days, states, strict=True)})
    return found


def test_the_cover_rows_mark_exactly_the_shortfalls_the_checkers_and_the_penalties_find(
    sqlite_web: Web,
) -> None:
    client, _ = sqlite_web.signed_in("resident")
    states = _cover_states(client.get("/schedule").text)
    program, roster = demo_program(), solved_demo()
    red = hard_cover_breaks(program, roster)
    amber = under_target(program, roster) - red
    assert amber, "the demo's solve leaves some cover under target"
    assert {cell for cell, state in states.items() if state == "short"} == red
    assert {cell for cell, state in states.items() if state == "under"} == amber


def test_a_service_shows_the_cover_of_its_own_posts_only(sqlite_web: Web) -> None:
    client, _ = sqlite_web.signed_in("resident")
    states = _cover_states(client.get("/schedule", params={"service": "neurosurgery", "week": "2"}).text)
    program = demo_program()
    neuro = {
        (d.post_id, d.shift_id)
        for d in program.demands
        if program.post[d.post_id].service_id == "neurosurgery"
    }
    assert {(post, shift) for post, shift, _ in states} == neuro
    assert {day for _, _, day in states} == set(program.block.dates()[7:14])


def test_each_row_ends_with_the_person_s_block_totals(sqlite_web: Web) -> None:
    client, _ = sqlite_web.signed_in("resident")
    page = client.get("/schedule", params={"week": "3"}).text
    program, roster = demo_program(), solved_demo()
    rows = re.findall(r'<tr data-person="([^"]+)".*?</th>(.*?)</tr>', page, re.S)
    assert len(rows) == len(program.people)
    for person_id, cells in rows:
        assert tuple(re.findall(r'<td class="total[^"]*">([^<]*)</td>', cells)) == block_totals(
            program, roster, person_id
        )


def test_the_viewer_s_own_row_comes_first_and_is_marked(sqlite_web: Web) -> None:
    resident = sign_in_of(sqlite_web.sign_ins, "resident")
    for username, expected in (("resident", resident.person_id), ("admin", None)):
        client, _ = sqlite_web.signed_in(username)
        page = client.get("/schedule").text
        marked = re.findall(r'<tr data-person="([^"]+)" class="mine">', page)
        assert marked == ([expected] if expected else [])
        if expected:
            assert ROW.findall(page)[0] == expected


def test_the_downloads_are_the_live_roster(sqlite_web: Web) -> None:
    client, _ = sqlite_web.signed_in("resident")
    program, roster = demo_program(), solved_demo()
    answer = client.get("/schedule/roster.csv")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert 'filename="st-elsewhere-v1-roster.csv"' in answer.headers["content-disposition"]
    assert list(csv.DictReader(io.StringIO(answer.text))) == roster_csv_rows(program, roster)
    mine = sign_in_of(sqlite_web.sign_ins, "resident").person_id
    own = Calendar.from_ical(client.get("/schedule/calendar.ics").content)
    assert {str(e["UID"]) for e in own.walk("VEVENT")} == {
        event_uid(a) for a in roster.for_person(mine or "")
    }
    everyone = Calendar.from_ical(client.get("/schedule/roster.ics").content)
    assert {str(e["UID"]) for e in everyone.walk("VEVENT")} == {event_uid(a) for a in roster.assignments}


@pytest.mark.parametrize(
    ("username", "query", "status", "message"),
    [
        ("admin", "", 422, "say whose shifts: /schedule/calendar.ics?person=ID"),
        (
            "resident",
            "?person=nobody-here",
            404,
            "&#39;nobody-here&#39; is not on the roster of st-elsewhere",
        ),
    ],
)
def test_a_calendar_of_nobody_on_the_roster_is_refused_saying_whose_to_ask_for(
    sqlite_web: Web, username: str, query: str, status: int, message: str
) -> None:
    client, _ = sqlite_web.signed_in(username)
    answer = client.get(f"/schedule/calendar.ics{query}")
    assert answer.status_code == status and message in answer.text


def test_a_saved_edit_leaves_the_person_it_moves_a_notice_of_the_shift_changed_in_their_inbox(
    sqlite_web: Web,
) -> None:
    client, csrf = sqlite_web.signed_in("chief")
    edit = find_edit(demo_program(), solved_demo(), hard=False)
    mover = next((s for s in sqlite_web.sign_ins if s.person_id == edit.person_id), None)  # one a person
    if mover is None:
        mover = DemoAccount("moved", "moved-test-password", Role.RESIDENT, edit.person_id, "Moved")
        spec = AccountSpec(mover.username, mover.display_name, mover.role, edit.person_id, mover.password)
        AccountService(sqlite_web.database).add_account(admin("test"), spec)
    form = _form(edit.choice, edit.person_id, edit.day.isoformat(), sqlite_web.version_id, csrf)
    assert client.post("/schedule/cell", data=form).status_code == 200

    moved, _ = sqlite_web.signed_in(mover.username, mover)
    inbox = moved.get("/inbox").text

    assert "Roster changed (version 2). Your new shifts: " in inbox
    assert f"{edit.day:%a %d %b}: " in inbox
