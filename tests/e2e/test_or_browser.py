"""The OR board in a real headless Chromium against a real `callroom serve` (real CP-SAT): the
chief imports a day's OR schedule from a file, assigns it (a background job whose page leads
back to the board with the outcome), is refused a move that breaks a rule
(said beside the case, the choice kept), makes a legal one, and publishes the day; a resident on
a phone sees tomorrow's cases and logs one. On a server of its own, since it stores a day."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from callroom.formats.or_day import case_id
from callroom.web.operating_view import anchor
from tests.e2e.conftest import Browsing, Server, browse, screenshot, serving
from tests.or_day import CASES, CHOLE, CONFLICTED, DAY, DAY_BEFORE, HEADER, HERNIA, PATIENTS, or_day_csv

ASSIGN_MS = 60_000  # a 10-second solve on a busy machine
ZONE = ZoneInfo("America/New_York")
WIDTHS = "[document.documentElement.scrollWidth, window.innerWidth]"


DONE_DAY = "2026-11-02"  # a day before any run's today: a case done, which may be logged


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving(tmp_path_factory.mktemp("e2e-or")) as found:
        yield found


@pytest.fixture
def browsing(browser: Browser, own_server: Server) -> Iterator[Browsing]:
    yield from browse(browser, own_server)


def the_id(index: int) -> str:
    """A case's id as the import makes it (day, room and local start)."""
    room, start = CASES[index][0], datetime.strptime(CASES[index][1], "%Y-%m-%d %H:%M").replace(tzinfo=ZONE)
    return case_id(DAY, room, start, ZONE)


def fits_the_phone(page: Page) -> None:
    width, view = page.evaluate(WIDTHS)
    assert width <= view, f"{page.url} is {width} px wide in a {view} px screen"


def put_on(chief: Page, index: int, person_id: str, role: str) -> None:
    """Choose a resident and a role in a case's move form and save."""
    block = chief.locator(f"#{anchor(the_id(index))}")
    details = block.locator("details.move")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    block.locator("select[name=person]").select_option(person_id)
    block.locator("select[name=role]").select_option(role)
    block.locator("button[value=put]").click()


def test_the_chief_imports_assigns_moves_and_publishes_and_a_resident_logs_a_case_on_a_phone(
    browsing: Browsing, tmp_path: Path
) -> None:
    chief = browsing.as_user("chief")
    chief.goto(f"/or?day={DAY}")
    expect(chief.locator("#no-cases")).to_be_visible()
    chief.locator("details.or-import summary").click()
    schedule = tmp_path / "or-2027-03-04.csv"
    schedule.write_text(or_day_csv(), encoding="utf-8")
    chief.set_input_files("#import-file", str(schedule))
    chief.click("#import-button")
    expect(chief.locator("article.or-case")).to_have_count(len(CASES))
    expect(chief.locator("p.notice")).to_contain_text("5 added")
    assert not any(name in chief.content() for name in PATIENTS), "the board names no patient"

    chief.click("#assign-button")  # queued; its job's page goes on to the board once it is done
    expect(chief.locator("#assigned-summary")).to_contain_text("has a resident", timeout=ASSIGN_MS)
    expect(chief.locator("#solver-figures")).not_to_have_attribute("open", "")
    expect(chief).to_have_url(re.compile(rf"/or\?day={DAY}&job=\d+$"))
    expect(chief.locator("#plan-state")).to_contain_text("draft")
    screenshot(chief, "or-board-assigned")

    put_on(chief, CHOLE, CONFLICTED, "FA")
    error = chief.locator(f"#{anchor(the_id(CHOLE))}-error")
    expect(error).to_contain_text("Not saved")
    chosen = chief.locator(f"#{anchor(the_id(CHOLE))} select[name=person]")
    expect(chosen).to_have_value(CONFLICTED)
    screenshot(chief, "or-board-refused")

    # Kwame Mensah off whatever the solver gave him, then on the hernia repair as first assistant.
    removes = chief.get_by_role("button", name="Remove Kwame Mensah from this case")
    for left in reversed(range(removes.count())):
        removes.first.click()
        expect(removes).to_have_count(left)
    put_on(chief, HERNIA, "kwame-mensah", "FA")
    expect(chief.locator("p.notice")).to_contain_text("Saved")
    expect(chief.locator(f"#{anchor(the_id(HERNIA))} ul.or-team")).to_contain_text("Kwame Mensah")

    chief.click("#publish-button")
    expect(chief.locator("#told")).to_contain_text("Kwame Mensah")
    expect(chief.locator("#plan-state")).to_contain_text("published")

    phone = browsing.as_user("resident", phone=True)
    phone.goto(f"/or/mine?day={DAY_BEFORE}")
    tomorrow = phone.locator(f"#day-{DAY.isoformat()}")
    expect(tomorrow).to_contain_text("Inguinal hernia repair")
    expect(tomorrow).to_contain_text("Magnus Achterberg")
    expect(tomorrow).to_contain_text("first assistant")
    fits_the_phone(phone)
    screenshot(phone, "or-mine-phone")
    tomorrow.locator("a.log-link").first.click()
    expect(phone.locator("#cpt")).to_have_value("49505")
    expect(phone.locator("#role")).to_have_value("FA")
    fits_the_phone(phone)
    phone.click("#log-button")
    expect(phone.locator("#day-error")).to_contain_text("after today")  # tomorrow's case: not yet
    expect(phone.locator("#cpt")).to_have_value("49505")
    fits_the_phone(phone)
    screenshot(phone, "caselog-not-yet-phone")
    phone.fill("#day", DONE_DAY)
    phone.click("#log-button")
    expect(phone.locator("#lines-table")).to_contain_text("49505")
    expect(phone.locator("p.notice")).to_contain_text("Logged")
    fits_the_phone(phone)
    screenshot(phone, "caselog-phone")


def test_then_taking_the_resident_off_shows_changed_since_published_and_publishing_tells_only_him(
    browsing: Browsing,
) -> None:
    chief = browsing.as_user("chief")
    chief.goto(f"/or?day={DAY}")
    expect(chief.locator("#plan-state")).to_contain_text("published")
    expect(chief.locator("#publish-button")).to_be_disabled()

    hernia = chief.locator(f"#{anchor(the_id(HERNIA))}")
    hernia.get_by_role("button", name="Remove Kwame Mensah from this case").click()
    expect(chief.locator("#plan-state")).to_contain_text("changed since published")
    expect(chief.locator("#publish-button")).to_be_enabled()
    screenshot(chief, "or-board-changed-since-published")

    chief.click("#publish-button")
    told = chief.locator("#told")
    expect(told).to_contain_text("what changed for them")
    expect(told.locator("li")).to_have_count(1)
    expect(told).to_contain_text("Kwame Mensah: OR Thu 04 Mar changed: you are no longer on OR 1, 09:30")
    expect(chief.locator("#plan-state")).to_contain_text("published")
    screenshot(chief, "or-board-republished")

    phone = browsing.as_user("chief", phone=True)
    phone.goto(f"/or?day={DAY}")
    expect(phone.locator("#plan-state")).to_contain_text("published")
    fits_the_phone(phone)
    screenshot(phone, "or-board-published-phone")


EIGHT_ROOMS_DAY = "2027-03-11"  # a day of its own: eight rooms, more than 1280 px shows


def eight_rooms_csv() -> str:
    """Eight rooms, each a case at 07:30 (an hour) and the first room a second at 09:00."""
    rows = [
        f"OR {n},{EIGHT_ROOMS_DAY} 07:30,60,Inguinal hernia repair,49505,Magnus Achterberg,gen-surg,,,,"
        for n in range(1, 9)
    ]
    rows.append(
        f"OR 1,{EIGHT_ROOMS_DAY} 09:00,120,Inguinal hernia repair,49505,Magnus Achterberg,gen-surg,,,,"
    )
    return "\n".join((HEADER, *rows)) + "\n"


def test_at_1280_px_the_hours_are_to_scale_and_rooms_past_the_edge_are_announced(
    browsing: Browsing, tmp_path: Path
) -> None:
    chief = browsing.as_user("chief")
    chief.set_viewport_size({"width": 1280, "height": 900})
    chief.goto(f"/or?day={EIGHT_ROOMS_DAY}")
    chief.locator("details.or-import summary").click()
    schedule = tmp_path / "eight-rooms.csv"
    schedule.write_text(eight_rooms_csv(), encoding="utf-8")
    chief.set_input_files("#import-file", str(schedule))
    chief.click("#import-button")
    expect(chief.locator("article.or-case")).to_have_count(9)

    hours = chief.eval_on_selector_all(".or-hour", "marks => marks.map(m => m.getBoundingClientRect().top)")
    heights = {round(b - a) for a, b in itertools.pairwise(hours)}
    assert len(hours) >= 4 and len(heights) == 1, f"every hour as tall: {heights}"
    hour = heights.pop()
    first = chief.locator("article.or-case").first.bounding_box()
    second = chief.locator("article.or-case").nth(1).bounding_box()
    assert first is not None and second is not None
    assert abs(first["y"] - (hours[0] + hour / 2)) <= 3, "07:30 is half way down the 07:00 hour"
    assert abs(second["y"] - (hours[0] + 2 * hour)) <= 3, "09:00 sits on the 09:00 line"
    expect(chief.locator("#more-rooms")).to_be_visible()
    screenshot(chief, "or-board-eight-rooms-1280")

    chief.locator("#or-frame .or-wrap").evaluate("wrap => wrap.scrollTo(wrap.scrollWidth, 0)")
    expect(chief.locator("#more-rooms")).to_be_hidden()


def test_at_a_phones_width_the_import_panel_and_a_refused_files_problems_keep_the_page_390_px(
    browsing: Browsing, tmp_path: Path
) -> None:
    phone = browsing.as_user("chief", phone=True)
    phone.goto(f"/or?day={EIGHT_ROOMS_DAY}")
    phone.locator("details.or-import summary").click()
    fits_the_phone(phone)
    bad = tmp_path / "bad.csv"
    unknown = "4" * 40  # one long unbroken code in the problem list
    bad.write_text(
        f"{HEADER}\nOR 1,{EIGHT_ROOMS_DAY} 07:30,60,Hernia,{unknown},Magnus Achterberg,gen-surg,,,,\n",
        encoding="utf-8",
    )
    phone.set_input_files("#import-file", str(bad))
    phone.click("#import-button")

    expect(phone.locator("#import-errors")).to_contain_text(unknown)
    fits_the_phone(phone)
    screenshot(phone, "or-import-refused-phone")
    phone.locator("#import-button").click(trial=True)  # still reachable: nothing covers it
