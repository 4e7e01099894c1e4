"""The OR board in a real headless Chromium against a real `callroom serve` (real CP-SAT): the
chief imports a day's OR schedule from a file, assigns it (a background job whose page leads
back to the board with the outcome), is refused a move that breaks a rule
(said beside the case, the choice kept), makes a legal one, and publishes the day; a resident on
a phone sees tomorrow's cases and logs one. On a server of its own, since it stores a day."""

from __future__ import annotations

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
from tests.or_day import CASES, CHOLE, CONFLICTED, DAY, DAY_BEFORE, HERNIA, PATIENTS, or_day_csv

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
    phone.fill("#day", DONE_DAY)
    phone.click("#log-button")
    expect(phone.locator("#lines-table")).to_contain_text("49505")
    expect(phone.locator("p.notice")).to_contain_text("Logged")
    fits_the_phone(phone)
    screenshot(phone, "caselog-phone")
