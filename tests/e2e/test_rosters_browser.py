"""The chief's monthly job in a real headless Chromium against a real `callroom serve` (its job
runner solving with real CP-SAT): press Solve, watch the progress come in, compare the draft,
publish it, and a resident whose shifts moved finds the notice in their pager inbox. On a
server of its own, since publishing changes the live roster the other browser tests read."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from callroom.rosters.live import LiveSchedules
from callroom.rosters.service import RosterService
from callroom.storage import Database, RosterRepository
from tests.e2e.conftest import Browsing, Server, browse, live_roster, screenshot, serving
from tests.principals import CHIEF
from tests.web_demo import DEMO_NAME, demo_program, find_edit, sign_in_of, solved_demo

SOLVE_S = 60_000  # ms a 10-second solve may take to end on a busy machine before the test gives up


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving(tmp_path_factory.mktemp("e2e-rosters")) as found:
        yield found


@pytest.fixture
def browsing(browser: Browser, own_server: Server) -> Iterator[Browsing]:
    yield from browse(browser, own_server)


def _changed_people(server: Server, live_before: int) -> set[str]:
    with server.database.reading() as session:
        rosters = RosterRepository(session)
        before, after = rosters.by_number(DEMO_NAME, live_before), rosters.latest(DEMO_NAME)
        assert before is not None and after is not None and after.number > live_before
        removed, added = rosters.load_roster(before.id).diff(rosters.load_roster(after.id))
    return {a.person_id for a in (*removed, *added)}


def test_the_chief_solves_watches_compares_and_publishes_and_a_moved_resident_is_told(
    browsing: Browsing,
) -> None:
    chief = browsing.as_user("chief")
    chief.goto("/rosters")
    live_before = int(chief.locator("tr.mine td").first.inner_text())
    chief.select_option("select[name=time_limit]", "10")
    chief.click("text=Solve a draft")
    expect(chief).to_have_url(re.compile(r"/rosters/jobs/\d+$"))
    expect(chief.locator('[data-field="solutions"]')).not_to_have_text("0", timeout=SOLVE_S)
    expect(chief.locator(".chart polyline.objective")).to_have_count(1)
    screenshot(chief, "rosters-solving")
    expect(chief.locator('[data-field="state"]')).to_have_text("done", timeout=SOLVE_S)
    chief.click("text=/Compare draft \\d+/")
    expect(chief.locator("h1")).to_contain_text("(draft)")
    screenshot(chief, "rosters-compare")
    chief.fill("input[name=reason]", "block roster, solved in the browser")
    chief.click("text=/Publish draft \\d+/")
    expect(chief.locator(".notice")).to_contain_text("is live")
    moved = _changed_people(browsing.server, live_before)
    residents = {a.person_id for a in browsing.server.sign_ins if a.person_id in moved}
    assert residents, "the new roster moved none of the demo's signed-in people"
    told = next(a for a in browsing.server.sign_ins if a.person_id in residents)
    reader = browsing.as_user(told.username, phone=True)
    reader.goto("/inbox")
    expect(reader.locator("#main")).to_contain_text("Roster changed (version")
    screenshot(reader, "rosters-notice-phone")
    assert sign_in_of(browsing.server.sign_ins, told.username).person_id in moved


def test_the_solve_chart_has_a_seconds_axis_and_an_objective_axis_with_tick_labels(
    browsing: Browsing,
) -> None:
    chief = browsing.as_user("chief")
    chief.goto("/rosters")
    chief.select_option("select[name=time_limit]", "10")
    chief.click("text=Solve a draft")
    expect(chief).to_have_url(re.compile(r"/rosters/jobs/\d+$"))
    expect(chief.locator('[data-field="state"]')).to_have_text("done", timeout=SOLVE_S)
    chart = chief.locator(".chart")
    expect(chart.locator("polyline.objective")).to_have_count(1)
    expect(chart.locator("text.axis-title")).to_have_text(["seconds", "objective"])
    seconds = [float(t) for t in chart.locator("text.tick.x").all_text_contents()]
    assert len(seconds) >= 3 and seconds == sorted(seconds) and seconds[0] == 0 < seconds[-1]
    objective = chart.locator("text.tick.y").all_text_contents()
    assert len(objective) >= 3 and all(re.fullmatch(r"-?[\d.]+[kM]?", label) for label in objective)
    screenshot(chief, "rosters-solve-chart")
    chief.set_viewport_size({"width": 390, "height": 844})
    screenshot(chief, "rosters-solve-chart-phone")


def _edited(database: Database) -> None:
    """Version 2: a cell edit the rules accept, made live as a chief's edit is."""
    edit = find_edit(demo_program(), solved_demo(), hard=False)
    RosterService(database, LiveSchedules()).save(CHIEF, edit.cell)


@pytest.fixture(scope="module")
def edited_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving(tmp_path_factory.mktemp("e2e-rollback"), _edited) as found:
        yield found


def test_the_chief_rolls_back_to_the_roster_before_an_edit_saying_why(
    browser: Browser, edited_server: Server
) -> None:
    for browsing in browse(browser, edited_server):
        chief = browsing.as_user("chief", phone=True)
        chief.goto("/rosters")
        expect(chief.locator("tr.mine td").first).to_have_text("2")
        chief.fill('input[aria-label="Why roll back to version 1"]', "the edit was a mistake")
        chief.click("text=Roll back to 1")
        expect(chief.locator(".notice")).to_contain_text("is live")
        expect(chief.locator("tr.mine td").first).to_have_text("3")
        expect(chief.locator("tr.mine")).to_contain_text("the edit was a mistake")
        screenshot(chief, "rosters-rollback-phone")
        number, roster = live_roster(edited_server)
        assert number == 3 and roster == solved_demo()
