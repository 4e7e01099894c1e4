"""The vacation floor (solver.year.floor) on the small year: it bounds every plan's cost from
below, counts the room the rotations' minimums leave in a week, and the staged solve reports a
bound no lower than it."""

from __future__ import annotations

from pathlib import Path

from callroom.domain.program import Program
from callroom.formats.program_file import parse_program
from callroom.solver.run import SolveOptions
from callroom.solver.year.floor import vacation_floor
from callroom.solver.year.model import MISSED_VACATION, build_year_model
from callroom.solver.year.run import solve_year

YEAR = Path(__file__).parents[2] / "fixtures" / "programs" / "year_small.yaml"
QUICK = SolveOptions(time_limit_s=10, workers=2, seed=0)


def _program(*edits: tuple[str, str]) -> Program:
    text = YEAR.read_text()
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    return parse_program(text, "year.yaml")


def _all_pgy2_ask_for_one_week() -> Program:
    """Dev already asks for the week of 2 March alone; Eve and Fay ask for it too. General
    surgery keeps a PGY-2 every week, so two of the three at most can be away."""
    return _program(
        ("grade: PGY-2, fixed:", "grade: PGY-2, vacation: [[2028-03-02]], fixed:"),
        ("grade: PGY-2, electives: [endo]", "grade: PGY-2, vacation: [[2028-03-02]], electives: [endo]"),
    )


def test_the_floor_is_what_the_weekly_room_forces() -> None:
    floor = vacation_floor(build_year_model(_all_pgy2_ask_for_one_week()))
    assert floor is not None
    assert floor.bound == MISSED_VACATION


def test_the_floor_bounds_the_plan_and_the_solve_reports_it() -> None:
    program = _all_pgy2_ask_for_one_week()
    floor = vacation_floor(build_year_model(program))
    solved = solve_year(program, QUICK)
    assert floor is not None and solved.objective is not None and solved.bound is not None
    assert floor.bound <= solved.bound <= solved.objective


def test_the_floors_weeks_keep_each_residents_vacation_due() -> None:
    program = _program()
    built = build_year_model(program)
    floor = vacation_floor(built)
    assert floor is not None and program.year is not None
    for p, person in enumerate(built.people):
        weeks = sum(floor.off[p, w] for w in built.weeks_of(p))
        assert weeks == program.year.vacation_due(person.id)
