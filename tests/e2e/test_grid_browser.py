"""The schedule grid in a real Chromium: cover rows that turn red when a post is short and green
when a cell edit fixes it, each person's totals, the viewer's own row, the downloads, the grid on
paper and on a phone. What the grid must show is worked out apart from the grid's own code
(`tests.grid_expectations`)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
from icalendar import Calendar
from playwright.sync_api import Locator, Page, expect

from callroom.domain.program import Program
from callroom.domain.roster import Assignment, Roster
from callroom.formats.ical import event_uid
from callroom.formats.roster_csv import roster_csv_rows
from callroom.rosters.edits import CellEdit, change_for
from callroom.rules import ids
from callroom.rules.change import impact
from callroom.rules.check import check_all
from tests.e2e.conftest import Browsing, Server, live_roster, screenshot
from tests.grid_expectations import block_totals, hard_cover_breaks, under_target
from tests.web_demo import demo_program, sign_in_of

WEEK = 7


@dataclass(frozen=True)
class Gap:
    """A shift whose holder, once taken off, leaves its post below a minimum the checkers name."""

    held: Assignment
    grades: str  # the broken requirement's grades, as the checkers name them

    @property
    def week(self) -> int:
        return demo_program().block.index(self.held.day) // WEEK

    @property
    def column(self) -> int:
        """The day's cell in the week view (nth-child counts from 1; the name comes first)."""
        return demo_program().block.index(self.held.day) % WEEK + 2

    @property
    def view(self) -> str:
        service = demo_program().post[self.held.post_id].service_id
        return f"/schedule?service={service}&week={self.week + 1}"


def _a_gap_one_edit_opens(program: Program, roster: Roster) -> Gap:
    """The first shift (by day) on a fully covered day whose removal breaks a cover minimum, and
    which the rules let the chief put back."""
    covered_badly = hard_cover_breaks(program, roster) | under_target(program, roster)
    for held in sorted(roster.assignments, key=lambda a: (a.day, a.person_id)):
        cell = (held.post_id, held.shift_id, held.day)
        if held.day < program.block.start + timedelta(days=3) or cell in covered_badly:
            continue
        without = Roster.of(a for a in roster.assignments if a != held)
        broken = [
            v.cover for v in check_all(program, without) if v.cover and v.cover.rule == ids.COVER_MINIMUM.code
        ]
        mine = [key for key in broken if key and (key.post_id, key.shift_id, key.day) == cell]
        back = CellEdit(held.person_id, held.day, held.post_id, held.shift_id, 1)
        if mine and impact(program, without, change_for(program, without, back)).acceptable:
            return Gap(held, mine[0].grades)
    raise AssertionError("no shift in the live roster leaves its post short when taken off")


def _force_off(server: Server, number: int, held: Assignment) -> None:
    """The chief takes the holder off through the API, past the hard rule, with a reason."""
    chief = sign_in_of(server.sign_ins, "chief")
    with httpx.Client(base_url=server.url, timeout=30) as api:
        signed = api.post("/api/v1/session", json={"username": chief.username, "password": chief.password})
        edit = {
            "base_version": number,
            "person_id": held.person_id,
            "day": held.day.isoformat(),
            "force": True,
            "reason": "called in sick",
        }
        saved = api.post(
            "/api/v1/rosters/current/edits", json=edit, headers={"X-CSRF-Token": signed.json()["csrf_token"]}
        )
        assert saved.status_code == 201, saved.text


def _cover_cell(page: Page, gap: Gap) -> Locator:
    row = page.locator(f'#grid tfoot tr[data-post="{gap.held.post_id}"][data-shift="{gap.held.shift_id}"]')
    return row.locator("td[data-state]").nth(gap.column - 2)


def test_a_post_below_its_minimum_is_red_naming_the_missing_grade_until_a_cell_edit_fixes_it(
    browsing: Browsing,
) -> None:
    program = demo_program()
    number, roster = live_roster(browsing.server)
    gap = _a_gap_one_edit_opens(program, roster)
    _force_off(browsing.server, number, gap.held)
    page = browsing.as_user("chief")
    page.goto(gap.view)
    cell = _cover_cell(page, gap)
    expect(cell).to_have_attribute("data-state", "short")
    expect(cell).to_have_attribute("title", re.compile(re.escape(f"missing 1 {gap.grades}")))
    expect(cell).to_have_css("background-color", "rgb(246, 193, 193)")
    cell.scroll_into_view_if_needed()
    screenshot(page, "grid-cover-short")

    page.click(f'#grid tbody tr[data-person="{gap.held.person_id}"] td:nth-child({gap.column})')
    expect(page.locator("#editor")).to_be_visible()
    page.select_option("#choice", f"{gap.held.post_id}|{gap.held.shift_id}")
    page.click("#check-button")
    page.click("#save-button")
    expect(page.locator(".notice")).to_have_text(f"Saved as roster version {number + 2}.")
    cell = _cover_cell(page, gap)
    expect(cell).to_have_attribute("data-state", "met")
    expect(cell).to_have_css("background-color", "rgb(220, 242, 226)")
    cell.scroll_into_view_if_needed()
    screenshot(page, "grid-cover-fixed")
    assert set(live_roster(browsing.server)[1].assignments) == set(roster.assignments)


def test_the_cover_rows_show_exactly_the_shortfalls_the_checkers_and_penalties_find(
    browsing: Browsing,
) -> None:
    program, (_, roster) = demo_program(), live_roster(browsing.server)
    page = browsing.as_user("chief")
    page.goto("/schedule")
    red, amber = hard_cover_breaks(program, roster), under_target(program, roster)
    expect(page.locator("#grid tfoot td.short")).to_have_count(len(red))
    expect(page.locator("#grid tfoot td.under")).to_have_count(len(amber - red))
    expect(page.locator("#cover-summary")).to_contain_text(f"{len(amber - red)} under target")
    screenshot(page, "grid-chief")


def test_each_person_s_totals_agree_with_a_count_of_the_roster(browsing: Browsing) -> None:
    program, (_, roster) = demo_program(), live_roster(browsing.server)
    page = browsing.as_user("resident")
    page.goto("/schedule")
    shown = page.eval_on_selector_all(
        "#grid tbody tr",
        "rs => rs.map(r => [r.dataset.person, [...r.querySelectorAll('td.total')].map(c => c.textContent)])",
    )
    assert len(shown) == len(program.people)
    assert {person: tuple(totals) for person, totals in shown} == {
        p.id: block_totals(program, roster, p.id) for p in program.people
    }


def _highlighted(page: Page) -> list[str]:
    """The people whose name cell is drawn differently from an ordinary row's."""
    found: list[str] = page.eval_on_selector_all(
        "#grid tbody tr",
        """rows => {
          const look = r => getComputedStyle(r.querySelector('th.who')).backgroundColor;
          const counts = {};
          rows.forEach(r => { counts[look(r)] = (counts[look(r)] || 0) + 1; });
          const usual = Object.keys(counts).sort((a, b) => counts[b] - counts[a])[0];
          return rows.filter(r => look(r) !== usual).map(r => r.dataset.person);
        }""",
    )
    return found


def test_the_viewer_s_own_row_comes_first_highlighted_and_no_one_else_s(browsing: Browsing) -> None:
    for username in ("resident", "chief"):
        me = sign_in_of(browsing.server.sign_ins, username).person_id
        page = browsing.as_user(username)
        page.goto("/schedule")
        first = page.locator("#grid tbody tr").first
        expect(first).to_have_attribute("data-person", me or "")
        expect(first.locator(".you")).to_have_text("you")
        assert _highlighted(page) == [me]
    admin = browsing.as_user("admin")
    admin.goto("/schedule")
    expect(admin.locator("#grid tr.mine")).to_have_count(0)
    assert _highlighted(admin) == []


def _download(page: Page, link: str, folder: Path) -> bytes:
    with page.expect_download() as started:
        page.click(f'#downloads a:text-is("{link}")')
    path = folder / started.value.suggested_filename
    started.value.save_as(path)
    return path.read_bytes()


def _uids(body: bytes) -> set[str]:
    calendar = Calendar.from_ical(body)
    return {str(event["UID"]) for event in calendar.walk("VEVENT")}


def test_the_csv_and_calendars_downloaded_from_the_page_are_the_live_roster(
    browsing: Browsing, tmp_path: Path
) -> None:
    program, (_, roster) = demo_program(), live_roster(browsing.server)
    me = sign_in_of(browsing.server.sign_ins, "resident").person_id or ""
    page = browsing.as_user("resident")
    page.goto("/schedule")
    rows = list(csv.DictReader(io.StringIO(_download(page, "the roster (CSV)", tmp_path).decode())))
    assert rows == roster_csv_rows(program, roster)
    own = _uids(_download(page, "your shifts (iCal)", tmp_path))
    assert own == {event_uid(a) for a in roster.for_person(me)} and own
    expect(page.locator("#downloads")).not_to_contain_text("the whole roster")
    chief = browsing.as_user("chief")
    chief.goto("/schedule")
    assert _uids(_download(chief, "the whole roster (iCal)", tmp_path)) == {
        event_uid(a) for a in roster.assignments
    }


def test_the_grid_prints_landscape_without_the_menus(browsing: Browsing) -> None:
    page = browsing.as_user("chief")
    page.set_viewport_size({"width": 1123, "height": 794})  # A4 landscape at 96 dpi
    page.goto("/schedule?week=2")
    page.emulate_media(media="print")
    for hidden in ("header.top", "#filters", "#downloads", "#history"):
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.locator("#grid tfoot tr.cover").first).to_be_visible()
    expect(page.locator(".grid-wrap")).to_have_css("overflow", "visible")
    screenshot(page, "grid-print")
    sizes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", page.pdf(prefer_css_page_size=True))
    assert sizes and all(float(width) > float(height) for width, height in sizes)


def test_on_a_phone_the_grid_scrolls_in_its_box_and_the_page_does_not(browsing: Browsing) -> None:
    for username in ("resident", "chief"):
        phone = browsing.as_user(username, phone=True)
        phone.goto("/schedule")
        me = sign_in_of(browsing.server.sign_ins, username).person_id or ""
        expect(phone.locator("#grid tbody tr").first).to_have_attribute("data-person", me)
        expect(phone.locator("#grid tbody tr").first).to_be_in_viewport()
        page_width, view_width = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert page_width <= view_width
        box_width, box_view = phone.eval_on_selector(".grid-wrap", "b => [b.scrollWidth, b.clientWidth]")
        assert box_width > box_view
        screenshot(phone, f"grid-phone-{username}")
