"""The web app in a real headless Chromium: what a chief, a resident and a nurse do with it."""

from __future__ import annotations

import re

import httpx
from icalendar import Calendar
from playwright.sync_api import Dialog, Page, expect
from sqlalchemy import text

from callroom.accounts.service import AccountService
from callroom.paging.notices import PagingNotifier
from callroom.paging.service import PagingService
from callroom.rosters.live import LiveSchedules
from tests.e2e.conftest import Browsing, Server, live_roster, screenshot
from tests.principals import ADMIN
from tests.web_demo import (
    MARKUP_NAME,
    Edit,
    demo_program,
    demo_source_with_markup_name,
    find_edit,
    find_offer,
    sign_in_of,
)


def _open_cell(page: Page, edit: Edit) -> None:
    """Click the grid cell of the edit's person and day, and wait for the editor."""
    days = [d.isoformat() for d in demo_program().block.dates()]
    column = days.index(edit.day.isoformat()) + 2  # the name column comes first; nth-child counts from 1
    page.click(f'#grid tr[data-person="{edit.person_id}"] td:nth-child({column})')
    expect(page.locator("#editor")).to_be_visible()
    expect(page.locator("#editor-title")).to_contain_text(demo_program().person[edit.person_id].name)


def test_signing_in_opens_the_schedule_for_the_chief(browsing: Browsing) -> None:
    page = browsing.anonymous()
    page.goto("/schedule")
    expect(page).to_have_url(re.compile(r"/signin\?next=/schedule$"))
    screenshot(page, "signin")
    chief = browsing.as_user("chief")
    expect(chief).to_have_url(re.compile(r"/schedule$"))
    expect(chief.locator("header .who")).to_contain_text("chief resident")


def test_the_grid_shows_everyone_by_day_and_filters_to_a_week(browsing: Browsing) -> None:
    page = browsing.as_user("resident")
    page.goto("/schedule")
    program = demo_program()
    expect(page.locator("#grid tbody tr")).to_have_count(len(program.people))
    expect(page.locator("#grid thead th[data-day]")).to_have_count(program.block.days)
    screenshot(page, "schedule-grid")
    page.select_option("#week", "2")
    page.select_option("#grade", "PGY-1")
    page.click("#filters button[type=submit]")
    expect(page.locator("#grid thead th[data-day]")).to_have_count(7)
    pgy1 = sum(1 for p in program.people if p.grade.label == "PGY-1")
    expect(page.locator("#grid tbody tr")).to_have_count(pgy1)
    phone = browsing.as_user("resident", phone=True)
    phone.goto("/schedule?week=1")
    screenshot(phone, "schedule-grid-phone")


def test_an_edit_that_would_break_a_hard_rule_shows_the_warning_and_is_not_saved(browsing: Browsing) -> None:
    number, roster = live_roster(browsing.server)
    edit = find_edit(demo_program(), roster, hard=True)
    page = browsing.as_user("chief")
    page.goto("/schedule")
    _open_cell(page, edit)
    page.select_option("#choice", edit.choice)
    page.click("#check-button")
    expect(page.locator("#hard-warning")).to_contain_text("It cannot be saved.")
    expect(page.locator("#save-button")).to_have_count(0)
    screenshot(page, "schedule-edit-refused")
    page.reload()
    assert live_roster(browsing.server)[0] == number


def test_an_acceptable_edit_is_checked_then_saved_as_a_new_version(browsing: Browsing) -> None:
    number, roster = live_roster(browsing.server)
    edit = find_edit(demo_program(), roster, hard=False)
    page = browsing.as_user("chief")
    page.goto("/schedule?week=" + str(demo_program().block.index(edit.day) // 7 + 1))
    _open_cell(page, edit)
    page.select_option("#choice", edit.choice)
    page.click("#check-button")
    expect(page.locator("#save-button")).to_be_visible()
    page.click("#save-button")
    expect(page.locator(".notice")).to_have_text(f"Saved as roster version {number + 1}.")
    saved_number, saved = live_roster(browsing.server)
    assert saved_number == number + 1
    placed = saved.on(edit.person_id, edit.day)
    assert (f"{placed.post_id}|{placed.shift_id}" if placed else "off") == edit.choice


def test_a_page_sent_from_one_browser_arrives_live_in_another_and_is_acknowledged(browsing: Browsing) -> None:
    resident = sign_in_of(browsing.server.sign_ins, "resident")
    doctor = browsing.as_user("resident", phone=True)
    doctor.goto("/inbox")
    expect(doctor.locator("#live-status")).to_have_attribute("data-live", "1")
    doctor.evaluate("window.notReloaded = true")

    nurse = browsing.as_user("operator")
    expect(nurse).to_have_url(re.compile(r"/oncall$"))
    nurse.goto("/oncall?at=2027-03-02T09:00")
    screenshot(nurse, "oncall-board")
    nurse.click("#page-person summary")
    form = nurse.locator("#page-person form")
    form.locator("select[name=target]").select_option(f"person:{resident.person_id}")
    form.locator("textarea[name=body]").fill("Bed 12: pain score 9 after the appendectomy")
    form.locator("input[name=callback]").fill("4411")
    form.locator("select[name=priority]").select_option("stat")
    form.locator("button[type=submit]").click()
    sent = nurse.locator("#page-person .page-sent")
    expect(sent).to_contain_text("sent")
    page_id = re.search(r"Page (\d+) sent", sent.inner_text()).group(1)  # type: ignore[union-attr]

    item = doctor.locator(f"#page-{page_id}")
    expect(item).to_contain_text("Bed 12: pain score 9")
    assert doctor.evaluate("window.notReloaded") is True  # it arrived without a reload
    screenshot(doctor, "pager-inbox-phone")
    item.locator("button.ack").click()
    expect(doctor.locator(f"#page-{page_id}")).to_have_attribute("data-state", "acknowledged")

    nurse.goto(f"/inbox/pages/{page_id}")
    expect(nurse.locator("#page-state")).to_have_text("acknowledged")
    expect(nurse.locator("#timeline")).to_contain_text("acknowledged")
    screenshot(nurse, "page-timeline")


def test_a_notice_in_the_pager_is_marked_seen_and_asks_for_nothing_more(browsing: Browsing) -> None:
    resident = sign_in_of(browsing.server.sign_ins, "resident")
    notifier = PagingNotifier(PagingService(browsing.server.database, LiveSchedules()))
    notice = notifier.notify(resident.person_id or "", "Roster changed (version 9). Your new shifts: none")
    assert notice is not None
    doctor = browsing.as_user("resident", phone=True)
    doctor.goto("/inbox")
    item = doctor.locator(f"#page-{notice}")
    expect(item).to_contain_text("Roster changed (version 9)")
    expect(item).to_contain_text("from callroom")
    expect(item).to_contain_text(re.compile(r"\d\d:\d\d E[SD]T"))  # the hospital's clock, not UTC
    expect(item.locator("button.ack")).to_have_count(0)
    expect(item).not_to_contain_text("Call back")
    screenshot(doctor, "pager-notice-phone")
    item.locator("button.seen").click()
    expect(doctor.locator(f"#page-{notice}")).to_have_attribute("data-state", "seen")
    expect(doctor.locator(f"#page-{notice} button")).to_have_count(0)
    doctor.goto(f"/inbox/pages/{notice}")
    expect(doctor.locator("#timeline")).to_contain_text("seen")
    expect(doctor.locator("#timeline")).to_contain_text(demo_program().person[resident.person_id or ""].name)
    expect(doctor.locator("#timeline")).not_to_contain_text("serve-")  # the worker is callroom to a reader
    screenshot(doctor, "pager-notice-timeline-phone")


def _pages_stored(server: Server) -> int:
    with server.database.reading() as session:
        return int(session.execute(text("SELECT count(*) FROM pages")).scalar_one())


def test_a_page_from_a_post_s_card_is_refused_in_place_then_confirmed_once(browsing: Browsing) -> None:
    nurse = browsing.as_user("operator")
    nurse.goto("/oncall?at=2027-03-02T09:00")
    card = nurse.locator('#board section[data-post="pit"]')
    card.locator("summary").click()
    form = card.locator("form.page-form")
    form.locator("input[name=callback]").fill("4411")
    stored = _pages_stored(browsing.server)
    form.locator("button[type=submit]").click()  # no message yet
    expect(card.locator("#body-post-pit-error")).to_contain_text("body must be 1 to 500 characters")
    expect(card.locator("textarea[name=body]")).to_have_attribute("aria-invalid", "true")
    expect(card.locator("input[name=callback]")).to_have_value("4411")
    screenshot(nurse, "oncall-card-refused")

    card.locator("textarea[name=body]").fill("Bay 3: chest pain, ECG done")
    card.locator("button[type=submit]").dblclick()
    sent = card.locator(".page-sent")
    expect(sent).to_contain_text("sent to The Pit (emergency department)")
    expect(sent).to_contain_text("It reached")
    expect(card.locator("form.page-form")).to_have_count(0)  # nothing left to send it twice with
    assert _pages_stored(browsing.server) == stored + 1
    screenshot(nurse, "oncall-card-sent")
    page_id = re.search(r"Page (\d+) sent", sent.inner_text()).group(1)  # type: ignore[union-attr]
    sent.get_by_role("link").click()
    expect(nurse).to_have_url(re.compile(rf"/inbox/pages/{page_id}$"))
    expect(nurse.locator("#timeline")).to_contain_text("sent")


def test_the_card_confirmation_reads_on_a_phone(browsing: Browsing) -> None:
    nurse = browsing.as_user("operator", phone=True)
    nurse.goto("/oncall?at=2027-03-02T09:00&q=pit")
    card = nurse.locator('#board section[data-post="pit"]')
    card.locator("summary").click()
    card.locator("textarea[name=body]").fill("Bay 5: needs review")
    card.locator("input[name=callback]").fill("4412")
    card.locator("button[type=submit]").click()
    expect(card.locator(".page-sent")).to_be_visible()
    card.scroll_into_view_if_needed()
    screenshot(nurse, "oncall-card-sent-phone")


def test_a_shift_offered_accepted_and_approved_changes_the_roster(browsing: Browsing) -> None:
    number, roster = live_roster(browsing.server)
    giver = sign_in_of(browsing.server.sign_ins, "resident")
    taker = sign_in_of(browsing.server.sign_ins, "colleague")
    day = find_offer(demo_program(), roster, giver.person_id or "", taker.person_id or "", acceptable=True)

    resident = browsing.as_user("resident", phone=True)
    resident.goto("/requests")
    resident.select_option("#offer-day", day.isoformat())
    resident.select_option("#offer-colleague", taker.person_id or "")
    resident.fill("#offer-note", "my sister's wedding")
    resident.click("#offer-form button[type=submit]")
    expect(resident.locator(".notice")).to_contain_text("Shift offered")
    proposal = resident.locator("#mine .proposal").first
    proposal_id = proposal.get_attribute("id")
    screenshot(resident, "requests-resident-phone")

    colleague = browsing.as_user("colleague")
    colleague.goto("/requests")
    colleague.locator(f"#{proposal_id} button.accept").click()
    expect(colleague.locator(".notice")).to_contain_text("Accepted")

    chief = browsing.as_user("chief")
    chief.goto("/requests")
    queued = chief.locator(f"#chief-queue #{proposal_id}")
    expect(queued.locator(".check-ok")).to_contain_text("The rules allow it")
    screenshot(chief, "requests-chief")
    queued.locator("button.approve").click()
    expect(chief.locator(".notice")).to_contain_text("Approved")
    saved_number, saved = live_roster(browsing.server)
    assert saved_number == number + 1
    moved = saved.on(taker.person_id or "", day)
    assert moved is not None and saved.on(giver.person_id or "", day) is None


def test_the_calendar_link_is_fetched_and_parsed_as_icalendar(browsing: Browsing) -> None:
    resident = sign_in_of(browsing.server.sign_ins, "resident")
    page = browsing.as_user("resident")
    page.goto("/me")
    page.click("#new-link")
    link = page.locator("#calendar-link").inner_text().strip()
    screenshot(page, "my-schedule")
    feed = httpx.get(link, timeout=10)
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    _, roster = live_roster(browsing.server)
    assert len(events) == len(roster.for_person(resident.person_id or ""))
    page.click("#revoke-links")
    expect(page.locator(".notice")).to_contain_text("Revoked")
    assert httpx.get(link, timeout=10).status_code == 404


def test_duty_hours_are_drawn_against_the_limit(browsing: Browsing) -> None:
    chief = browsing.as_user("chief")
    chief.goto("/hours")
    expect(chief.locator("#overview-chart")).to_have_attribute("data-drawn", "1")
    screenshot(chief, "duty-hours-overview")
    resident = sign_in_of(browsing.server.sign_ins, "resident")
    chief.select_option("#person", resident.person_id or "")
    chief.click("form.filters button[type=submit]")
    expect(chief.locator("#weekly-chart")).to_have_attribute("data-drawn", "1")
    bars = chief.evaluate("document.getElementById('weekly-chart').chart.data.datasets[0].data.length")
    assert bars == -(-demo_program().block.days // 7)
    screenshot(chief, "duty-hours-resident")


def test_a_resident_named_with_markup_still_gets_the_hours_chart_and_table(browsing: Browsing) -> None:
    admin = browsing.as_user("admin")
    admin.goto("/admin")
    admin.fill("#source", demo_source_with_markup_name())
    admin.fill("#reason", "a name with markup")
    admin.click("#program-form button[type=submit]")
    expect(admin.locator(".notice")).to_contain_text("Program file replaced")

    chief = browsing.as_user("chief")
    chief.goto("/hours")
    expect(chief.locator("#overview-chart")).to_have_attribute("data-drawn", "1")
    labels = chief.evaluate("document.getElementById('overview-chart').chart.data.labels")
    assert MARKUP_NAME in labels
    row = chief.locator("#hours-table tbody tr", has_text=MARKUP_NAME)
    expect(row).to_be_visible()
    residents = sum(1 for p in demo_program().people if p.grade.is_resident)
    expect(chief.locator("#hours-table tbody tr")).to_have_count(residents)
    screenshot(chief, "duty-hours-markup-name")
    row.locator("a").click()
    expect(chief.locator("#weekly-chart")).to_have_attribute("data-drawn", "1")
    expect(chief.locator("h2").first).to_contain_text(MARKUP_NAME)


def test_the_admin_pages_list_accounts_and_reference_data(browsing: Browsing) -> None:
    admin = browsing.as_user("admin")
    admin.goto("/admin")
    expect(admin.locator("#accounts-table tbody tr")).to_have_count(len(browsing.server.sign_ins))
    screenshot(admin, "admin")


def test_an_admin_on_a_phone_deactivates_only_after_confirming_and_resets_a_password(
    browsing: Browsing,
) -> None:
    accounts = AccountService(browsing.server.database)
    account_id = accounts.by_username(ADMIN, "attending").id  # no other test signs in as the attending
    admin = browsing.as_user("admin", phone=True)
    admin.goto("/admin")
    row = admin.locator(f"#account-{account_id}")
    row.scroll_into_view_if_needed()
    screenshot(admin, "admin-accounts-phone")

    admin.once("dialog", lambda dialog: dialog.dismiss())
    row.get_by_role("button", name="Deactivate").click()
    expect(admin.locator(".notice")).to_have_count(0)
    assert accounts.account(ADMIN, account_id).active

    asked: list[str] = []

    def accept(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    admin.once("dialog", accept)
    row.get_by_role("button", name="Deactivate").click()
    expect(admin.locator(".notice")).to_contain_text("attending is deactivated")
    assert asked and asked[0].startswith("Deactivate attending?")
    assert accounts.account(ADMIN, account_id).role == "attending"  # the role is left as it was
    admin.once("dialog", lambda dialog: dialog.accept())
    admin.locator(f"#account-{account_id}").get_by_role("button", name="Reactivate").click()
    expect(admin.locator(".notice")).to_contain_text("attending is active again")

    row = admin.locator(f"#account-{account_id}")
    row.locator(".reset-password summary").click()
    admin.fill(f"#password-{account_id}", "a temporary password")
    row.scroll_into_view_if_needed()
    screenshot(admin, "admin-reset-password-phone")
    row.get_by_role("button", name="Set password").click()
    expect(admin.locator(".notice")).to_contain_text("attending has a new password")
    assert accounts.sign_in("attending", "a temporary password").principal.user == "attending"
