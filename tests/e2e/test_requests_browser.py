"""Requests in a real headless Chromium against a real `callroom serve`: a proposal that breaks
a rule is refused to the resident as they send it, with the rule and its numbers; and leave asked
for the next block, approved by the chief, is kept by the next block's solve (its job runner
solving with real CP-SAT). On a server of their own: they add requests and a draft roster."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from callroom.formats.program_file import parse_program
from callroom.rules.change import give_away, impact
from callroom.solver.run import SolveOptions, solve
from callroom.storage import ProgramRepository, RosterRepository
from tests.e2e.conftest import Browsing, Server, browse, screenshot, serving
from tests.web_demo import DEMO_NAME, demo_program, find_offer, next_block_source, sign_in_of, solved_demo

SOLVE_S = 60_000  # ms a 10-second solve may take to end on a busy machine before the test gives up


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving(tmp_path_factory.mktemp("e2e-requests")) as found:
        yield found


@pytest.fixture
def browsing(browser: Browser, own_server: Server) -> Iterator[Browsing]:
    yield from browse(browser, own_server)


def _no_sideways_scroll(page: Page) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert wide <= 0, f"the page scrolls sideways by {wide} px"


def test_a_proposal_that_breaks_a_rule_is_refused_to_the_proposer_with_the_reason(browsing: Browsing) -> None:
    me = sign_in_of(browsing.server.sign_ins, "resident").person_id or ""
    them = sign_in_of(browsing.server.sign_ins, "colleague").person_id or ""
    program, roster = demo_program(), solved_demo()
    day = find_offer(program, roster, me, them, acceptable=False)
    held = roster.on(me, day)
    assert held is not None
    broken = impact(program, roster, give_away(held, them)).hard
    for phone in (False, True):
        resident = browsing.as_user("resident", phone=phone)
        resident.goto("/requests")
        resident.select_option("#offer-day", day.isoformat())
        resident.select_option("#offer-colleague", them)
        resident.fill("#offer-note", "exam week")
        resident.click("#offer-form button[type=submit]")

        said = resident.locator("#offer-colleague-error")
        expect(said).to_contain_text("it would break")
        for violation in broken:
            expect(said).to_contain_text(violation.rule.cited)
        assert not any(v.rule.code in said.inner_text() for v in broken)
        expect(resident.locator("#offer-day")).to_have_value(day.isoformat())
        expect(resident.locator("#offer-note")).to_have_value("exam week")
        said.scroll_into_view_if_needed()
        screenshot(resident, f"requests-refused-{'390' if phone else '1280'}")
        if phone:
            _no_sideways_scroll(resident)
    with browsing.server.database.reading() as session:
        assert RosterRepository(session).latest(DEMO_NAME) is not None
    expect(resident.locator("#mine")).not_to_contain_text("Shift offered")


def test_a_resident_requests_vacation_for_the_next_block_the_chief_approves_it_and_the_next_solve_respects_it(
    browsing: Browsing,
) -> None:
    me = sign_in_of(browsing.server.sign_ins, "resident").person_id or ""
    source = next_block_source()
    following = parse_program(source, "st-elsewhere-next.yaml")
    unasked = solve(following, SolveOptions(time_limit_s=3, workers=1, seed=0)).roster
    assert unasked is not None
    first = min(a.day for a in unasked.for_person(me))
    last = first + timedelta(days=4)  # without the leave, the resident works `first`

    resident = browsing.as_user("resident", phone=True)
    resident.goto("/requests")
    resident.select_option("#ahead-what", "vacation")
    resident.fill("#ahead-first", first.isoformat())
    resident.fill("#ahead-last", last.isoformat())
    resident.fill("#ahead-note", "sister's wedding")
    resident.click("#ahead-form button[type=submit]")
    expect(resident.locator(".notice")).to_contain_text("Asked for the next block")
    asked = resident.locator("#asked li").first
    expect(asked).to_contain_text("Vacation")
    expect(asked).to_contain_text("waiting for the chief")
    screenshot(resident, "requests-ahead-asked-390")
    _no_sideways_scroll(resident)

    chief = browsing.as_user("chief")
    chief.goto("/requests")
    card = chief.locator("#chief-queue article", has_text="Vacation")
    expect(card).to_contain_text("sister's wedding")
    expect(card.locator(".badge").first).to_have_text("Next block")
    card.scroll_into_view_if_needed()
    screenshot(chief, "requests-ahead-chief-1280")
    card.locator("button.approve").click()
    expect(chief.locator(".notice")).to_contain_text("Approved")
    resident.reload()
    expect(resident.locator("#asked li").first).to_have_attribute("data-state", "approved")

    with browsing.server.database.session() as session:  # the admin loads the next block's file
        ProgramRepository(session).save_source(DEMO_NAME, source, "st-elsewhere-next.yaml")
    chief.goto("/rosters")
    chief.select_option("select[name=time_limit]", "10")
    chief.click("text=Solve a draft")
    expect(chief).to_have_url(re.compile(r"/rosters/jobs/\d+$"))
    expect(chief.locator('[data-field="state"]')).to_have_text("done", timeout=SOLVE_S)

    with browsing.server.database.reading() as session:
        rosters = RosterRepository(session)
        newest = max(rosters.list_versions(DEMO_NAME), key=lambda v: v.number)
        solved = rosters.load_roster(newest.id)
    assert newest.number == 2
    assert {a.day for a in solved.for_person(me)}, "the resident works in the next block"
    assert not [a for a in solved.for_person(me) if first <= a.day <= last]
