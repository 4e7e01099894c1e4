"""The year page: the published year plan as residents × weeks, for everyone who reads the
schedule (a real served app and database)."""

from __future__ import annotations

import re
from pathlib import Path

from callroom.accounts.roles import Role
from callroom.cli.identity import acting
from callroom.formats.program_file import load_program
from callroom.services import build_services
from callroom.solver.run import SolveOptions
from tests.integration.web.conftest import Web

YEAR = Path(__file__).parents[2] / "fixtures" / "programs" / "year_small.yaml"


def _store_year(web: Web) -> None:
    services = build_services(web.settings, web.database)
    program = load_program(YEAR)
    solution = services.year.solve(program, SolveOptions(10, 2, 0, deterministic=False))
    assert solution.plan is not None
    services.year.store(acting(None, Role.CHIEF), "small", YEAR, program, solution)


def test_before_any_plan_the_page_says_how_to_make_one(sqlite_web: Web) -> None:
    client, _ = sqlite_web.signed_in("chief")
    page = client.get("/year")
    assert page.status_code == 200 and "No year plan is stored yet" in page.text


def test_the_plan_shows_every_resident_every_week_with_vacation_marked(sqlite_web: Web) -> None:
    _store_year(sqlite_web)
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
