"""A sick call in a real headless Chromium against a real `callroom serve` (real CP-SAT, its
paging worker delivering notices): the chief enters it, reads the repair as a diff with the rule
behind each move, approves it, and a resident it moved finds the notice in their pager; then two
sick calls in a row, the second on the roster the first left. On a server of its own, since
approving changes the live roster the other browser tests read."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import Browser, Page, expect

from callroom.accounts.demo import DemoAccount
from callroom.accounts.roles import Role
from callroom.accounts.service import AccountService, AccountSpec
from callroom.changes.repairs import RepairAsk
from callroom.config import Settings
from callroom.rosters.live import LiveSchedules
from callroom.services import build_services
from tests.e2e.conftest import Browsing, Server, browse, live_roster, screenshot, serving
from tests.principals import admin, person
from tests.repair_world import absence_days, leaves_a_hole, overlapping, residents_leaving_a_hole
from tests.web_demo import demo_program, solved_demo

REPAIR_S = 60_000  # ms a 10-second repair may take on a busy machine before the test gives up


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving(tmp_path_factory.mktemp("e2e-sick-call")) as found:
        yield found


@pytest.fixture
def browsing(browser: Browser, own_server: Server) -> Iterator[Browsing]:
    yield from browse(browser, own_server)


def call_in_sick(chief: Page, person_id: str, first: date, last: date, reason: str) -> int:
    """Fill the sick-call form (the person chosen by name) and ask for the repair; the
    repair's id once its page shows (the browser goes there by itself from the job page that
    shows the repair being solved)."""
    person = demo_program().person[person_id]
    chief.goto("/changes/sick-call")
    fits_the_phone(chief)
    chief.select_option("#absent", label=f"{person.name} ({person.grade.label})")
    chief.fill("#from_day", first.isoformat())
    chief.fill("#from_time", "")
    chief.fill("#to_day", last.isoformat())
    chief.fill("#note", reason)
    chief.click("#repair-button")
    expect(chief).to_have_url(re.compile(r"/changes/sick-call/\d+$"), timeout=REPAIR_S)
    found = re.search(r"/(\d+)$", chief.url)
    assert found is not None
    return int(found[1])


def fits_the_phone(page: Page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} is {widths[0]} px wide on a {widths[1]} px phone"


def account_for(server: Server, person_id: str) -> DemoAccount:
    """A sign-in for someone the repair moved (the demo has accounts for a few people only)."""
    person = demo_program().person[person_id]
    made = DemoAccount(f"moved-{person_id}", "moved-resident-pass", Role.RESIDENT, person_id, person.name)
    AccountService(server.database).add_account(
        admin("test"), AccountSpec(made.username, made.display_name, made.role, person_id, made.password)
    )
    server.sign_ins.append(made)
    return made


def test_a_sick_call_to_an_approved_repair_and_a_moved_resident_finds_the_notice_in_their_pager(
    browsing: Browsing,
) -> None:
    program, days = demo_program(), absence_days()
    absent = residents_leaving_a_hole(program, solved_demo())[0]
    number, _ = live_roster(browsing.server)
    chief = browsing.as_user("chief")
    chief.set_viewport_size({"width": 1280, "height": 900})
    chief.goto("/schedule")
    chief.click("header nav >> text=Sick call")
    expect(chief.locator("h1")).to_have_text("Sick call")
    expect(chief.locator("#working")).to_be_hidden()
    screenshot(chief, "sick-call-form")
    repair_id = call_in_sick(chief, absent, days[0], days[-1], "flu")
    diff = chief.locator("#diff")
    expect(diff.locator(f'tr.off[data-person="{absent}"]').first).to_contain_text("Off sick")
    goes_on = diff.locator("tr.on, tr.moved").first
    expect(goes_on.locator("td.why")).to_contain_text("Hard minimum cover by grade")
    expect(chief.locator("#change-count")).to_contain_text("changes")
    screenshot(chief, "sick-call-repair")
    chief.go_back()  # the job that solved it, done, links to it (and stays: no bounce forward)
    expect(chief.locator("#job [data-field=state]")).to_have_text("done")
    expect(chief.locator("#job .job-next a")).to_have_attribute("href", f"/changes/sick-call/{repair_id}")
    expect(chief.locator("h1")).to_contain_text(program.person[absent].name)
    screenshot(chief, "sick-call-job")
    chief.set_viewport_size({"width": 390, "height": 844})
    fits_the_phone(chief)
    screenshot(chief, "sick-call-job-phone")
    chief.click("#job .job-next a")
    expect(chief).to_have_url(re.compile(rf"/changes/sick-call/{repair_id}$"))
    fits_the_phone(chief)
    screenshot(chief, "sick-call-repair-phone")
    chief.fill("#approve-reason", "flu, sent home")
    chief.click("#approve-form button[type=submit]")
    expect(chief.locator("#approved")).to_contain_text(f"roster version {number + 1} is live")
    fits_the_phone(chief)
    screenshot(chief, "sick-call-approved-phone")

    _, roster = live_roster(browsing.server)
    assert overlapping(program, roster, absent, days[0].isoformat(), days[-1].isoformat()) == []
    put_on = sorted(set(roster.assignments) - set(solved_demo().assignments))
    moved = next(a.person_id for a in put_on if program.person[a.person_id].grade.is_resident)
    reader = browsing.as_user(account_for(browsing.server, moved).username, phone=True)
    reader.goto("/inbox")
    expect(reader.locator("#main")).to_contain_text(f"Roster changed (version {number + 1})")
    screenshot(reader, "sick-call-notice-phone")
    assert repair_id > 0


def test_two_sick_calls_in_a_row_keep_both_absent_people_off_their_shifts(browsing: Browsing) -> None:
    program = demo_program()
    days = absence_days(date(2027, 3, 17))
    _, start = live_roster(browsing.server)
    first = residents_leaving_a_hole(program, start, days[0])[0]
    chief = browsing.as_user("chief", phone=True)
    first_id = call_in_sick(chief, first, days[0], days[-1], "gastro")
    chief.click("#approve-form button[type=submit]")
    expect(chief.locator("#approved")).to_be_visible()
    _, after_first = live_roster(browsing.server)
    put_on = sorted(set(after_first.assignments) - set(start.assignments))
    second = next(a.person_id for a in put_on if a.day in days)
    second_id = call_in_sick(chief, second, days[1], days[-1], "gastro too")
    expect(chief.locator(f'#diff tr[data-person="{first}"]')).to_have_count(0)
    chief.click("#approve-form button[type=submit]")
    expect(chief.locator("#approved")).to_be_visible()
    fits_the_phone(chief)
    screenshot(chief, "sick-call-second-phone")
    _, roster = live_roster(browsing.server)
    for absent, begins in ((first, days[0]), (second, days[1])):
        assert overlapping(program, roster, absent, begins.isoformat(), days[-1].isoformat()) == []
    with browsing.server.database.reading() as session:
        live = LiveSchedules().live(session)
        assert live is not None
        kept = {(a.person_id, a.proposal_id) for a in live.program.absences}
    assert {(first, first_id), (second, second_id)} <= kept


def test_a_repair_that_finds_nothing_is_shown_failing_live_and_leads_back_to_the_form(
    browsing: Browsing,
) -> None:
    program, days = demo_program(), absence_days(date(2027, 3, 24))
    _, roster = live_roster(browsing.server)
    shift = next(a for a in sorted(roster.assignments) if a.day in days and leaves_a_hole(program, roster, a))
    helper = next(p.id for p in program.people if not program.may_work(p, shift.post_id, shift.shift_id))
    chief = browsing.as_user("chief")
    chief.set_viewport_size({"width": 1280, "height": 900})
    chief.goto("/changes/sick-call")
    # Asked through the API's smallest time limit (the form offers 10 s and more): only someone
    # who may not work the post may move, so CP-SAT must search, and finds nothing in time.
    ask = RepairAsk(
        shift.person_id, shift.day.isoformat(), shift.day.isoformat(), only=(helper,), time_limit_s=0.001
    )
    job, _ = build_services(Settings(), browsing.server.database).jobs.submit_repair(
        person("chief-okafor", Role.CHIEF), ask
    )
    chief.goto(f"/changes/sick-call/jobs/{job.id}")
    expect(chief.locator("#job [data-field=state]")).to_have_text("failed", timeout=REPAIR_S)
    expect(chief.locator("#job [data-field=message]")).to_contain_text(
        "no repair found within the time limit"
    )
    screenshot(chief, "sick-call-job-failed")
    chief.click("text=Back to the sick call form")
    expect(chief.locator("#job-error")).to_contain_text("The repair found nothing")
    expect(chief.locator("#absent")).to_have_value(shift.person_id)
    expect(chief.locator(f'input[name="only-{helper}"]')).to_be_checked()
    screenshot(chief, "sick-call-form-after-failure")
    chief.set_viewport_size({"width": 390, "height": 844})
    fits_the_phone(chief)
    screenshot(chief, "sick-call-form-after-failure-phone")
