"""A block made from the year across the November clock change, solved: the night shift that
spans the change is 13 hours of work, and the checkers count it so (the worked example in
docs/year.md).

The small year's block 5 runs from Thursday 2027-10-21 to Wednesday 2027-11-17; clocks in New
York fall back at 02:00 on Sunday 2027-11-07, a 25-hour day. The 19:00 night of Saturday 6
November ends at 07:00 EST on the Sunday: 13 elapsed hours.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.formats.program_file import parse_program
from callroom.rules.check import hard_violations
from callroom.rules.context import CheckContext
from callroom.solver.run import SolveOptions, solve
from callroom.solver.year.run import solve_year
from callroom.year.derive import block_on, block_program

YEAR = Path(__file__).parents[2] / "fixtures" / "programs" / "year_small.yaml"
FALL_BACK_EVE = date(2027, 11, 6)
# A night on the general-surgery post every night, so one spans the change.
NIGHTS = "  - {post: gs-night, shift: night, need: [{min: 1}]}\npeople:"


@pytest.fixture(scope="module")
def block() -> tuple[Program, Roster]:
    year = parse_program(YEAR.read_text().replace("people:", NIGHTS, 1), str(YEAR))
    assert year.year is not None
    planned = solve_year(year, SolveOptions(time_limit_s=10, workers=2))
    assert planned.plan is not None
    program = block_program(year, planned.plan, block_on(year.year, FALL_BACK_EVE))
    solved = solve(program, SolveOptions(time_limit_s=10, workers=2))
    assert solved.roster is not None, solved.status
    return program, solved.roster


def test_the_block_holding_the_fall_back_night_is_block_5(block: tuple[Program, Roster]) -> None:
    program, _ = block
    assert (program.block.start, program.block.end) == (date(2027, 10, 21), date(2027, 11, 17))


def test_the_night_spanning_the_change_counts_13_hours_and_the_nights_either_side_12(
    block: tuple[Program, Roster],
) -> None:
    program, roster = block
    context = CheckContext(program, roster)
    nights = {
        work.assignment.day: work.counted
        for items in context.work.values()
        for work in items
        if work.post.id == "gs-night"
    }
    assert nights[FALL_BACK_EVE] == 13 * 60
    assert nights[date(2027, 11, 5)] == nights[date(2027, 11, 7)] == 12 * 60
    assert hard_violations(program, roster) == []
