"""The first block of an academic year looks back on the last block of the year before it: a
24-hour call on the old year's last day reaches into the new year's first (real CP-SAT, a real
database, SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from callroom.config import Settings
from callroom.domain.roster import Assignment, Roster
from callroom.formats.program_file import load_program
from callroom.rules import ids
from callroom.rules.check import hard_violations
from callroom.services import Services, open_services
from callroom.solver.run import SolveOptions
from tests.principals import CHIEF

# Two blocks of four weeks; four residents share a 24-hour call every day.
YEAR = """\
hospital: {{name: Seam General, timezone: America/New_York}}
year:
  start: {start}
  end: {end}
  blocks: 2x4
  rotations:
    - {{id: gs, name: General surgery, posts: [ward], vacation: false}}
shift_types:
  - {{id: day, start: "07:00", duration: 12h, kind: day}}
  - {{id: call, start: "07:00", duration: 24h, kind: in_house_call}}
services:
  - id: gen-surg
    posts:
      - {{id: ward, shifts: [day, call]}}
cover:
  - {{post: ward, shift: call, need: [{{min: 1}}]}}
  - {{post: ward, shift: day, need: [{{min: 0, target: 2}}]}}
people:
  - {{id: ann, name: Ann, grade: PGY-2}}
  - {{id: ben, name: Ben, grade: PGY-2}}
  - {{id: cat, name: Cat, grade: PGY-3}}
  - {{id: dev, name: Dev, grade: PGY-3}}
"""
FIRST_START = date(2027, 7, 1)
SECOND_START = FIRST_START + timedelta(weeks=8)
OPTIONS = SolveOptions(time_limit_s=10, workers=2)


def write_year(folder: Path, name: str, start: date) -> Path:
    path = folder / f"{name}.yaml"
    end = start + timedelta(weeks=8, days=-1)
    path.write_text(YEAR.format(start=start, end=end), encoding="utf-8")
    return path


def plan(services: Services, folder: Path, name: str, start: date) -> None:
    path = write_year(folder, name, start)
    program = load_program(path)
    solved = services.year.solve(program, OPTIONS)
    services.year.store(CHIEF, name, path, program, solved)


def solve_and_store(services: Services, name: str, number: int) -> Roster:
    solved = services.year.solve_block(name, number, OPTIONS)
    assert solved.solution.roster is not None, solved.solution.status
    services.year.store_block(CHIEF, solved)
    return solved.solution.roster


@pytest.fixture
def services(database_url: str) -> Iterator[Services]:
    with open_services(Settings(database_url=database_url)) as opened:
        yield opened


def test_the_first_block_looks_back_on_the_last_block_of_the_year_before(
    services: Services, tmp_path: Path
) -> None:
    plan(services, tmp_path, "first", FIRST_START)
    last = solve_and_store(services, "first", 2)
    plan(services, tmp_path, "second", SECOND_START)

    opening = services.year.block_program("second", 1)

    eve = SECOND_START - timedelta(days=1)
    [on_call] = [a.person_id for a in last.assignments if a.day == eve and a.shift_id == "call"]
    assert opening.history is not None
    assert set(opening.history.assignments) == set(last.assignments)
    # Forced: the eve's 24-hour call followed by a day shift is more continuous work than allowed.
    forced = Roster.of([Assignment(on_call, SECOND_START, "day", "ward")])
    broken = [v.message for v in hard_violations(opening, forced) if v.rule in ids.CARRY_OVER]
    name = opening.person[on_call].name
    assert f"{name}: 36 h continuous from {eve}; limit 24 + 4 transition" in broken
    # Solved: whoever took the eve's call does not work the new year's first day.
    first = solve_and_store(services, "second", 1)
    assert [a for a in first.assignments if a.person_id == on_call and a.day == SECOND_START] == []


def test_a_year_that_does_not_follow_a_stored_one_starts_with_its_own_history(
    services: Services, tmp_path: Path
) -> None:
    plan(services, tmp_path, "first", FIRST_START)
    solve_and_store(services, "first", 2)
    plan(services, tmp_path, "later", SECOND_START + timedelta(weeks=1))

    assert services.year.block_program("later", 1).history is None
