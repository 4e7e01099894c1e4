"""The demo hospital with one solved roster, shared by every repair and change test in a run.

Solving the demo takes seconds, so it happens once per test session (a cached function, not a
fixture, so unit and integration tests share it) with a short deterministic budget: the same
seed gives the same roster on any machine.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from callroom.demo import demo_program_path
from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.formats.program_file import load_program
from callroom.rules import ids
from callroom.rules.change import Change, impact
from callroom.solver.run import SolveOptions, Status, solve

ABSENCE_START = date(2027, 3, 10)
ABSENCE_DAYS = 3


@cache
def demo_roster() -> tuple[Program, Roster]:
    program = load_program(demo_program_path())
    solution = solve(program, SolveOptions(time_limit_s=5, seed=0))
    assert solution.status in (Status.OPTIMAL, Status.FEASIBLE) and solution.roster is not None
    return program, solution.roster


def absence_days(start: date = ABSENCE_START, days: int = ABSENCE_DAYS) -> list[date]:
    return [start + timedelta(days=i) for i in range(days)]


def residents_leaving_a_hole(program: Program, roster: Roster, start: date = ABSENCE_START,
                             days: int = ABSENCE_DAYS) -> list[str]:
    """Residents whose absence over those days leaves a post below its hard minimum: somebody
    else has to move, so the repair is not just crossing them off."""
    found = []
    span = set(absence_days(start, days))
    for person in program.people:
        gone = tuple(a for a in roster.for_person(person.id) if a.day in span)
        if not person.grade.is_resident or not gone:
            continue
        hard = impact(program, roster, Change(removed=gone)).hard
        if any(v.rule is ids.COVER_MINIMUM for v in hard):
            found.append(person.id)
    return found
