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
from callroom.domain.roster import Assignment, Roster
from callroom.domain.timeline import Timeline
from callroom.formats.program_file import load_program
from callroom.rules import ids
from callroom.rules.change import Change, give_away, impact
from callroom.solver.repair.request import parse_instant
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


def residents_leaving_a_hole(
    program: Program, roster: Roster, start: date = ABSENCE_START, days: int = ABSENCE_DAYS
) -> list[str]:
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


def leaves_a_hole(program: Program, roster: Roster, shift: Assignment) -> bool:
    """Taking the shift off the roster leaves a post below its hard minimum."""
    return any(v.rule is ids.COVER_MINIMUM for v in impact(program, roster, Change(removed=(shift,))).hard)


def shifts_they_could_cover(
    program: Program, roster: Roster, person_id: str, days: list[date]
) -> list[Assignment]:
    """Colleagues' shifts on `days` whose loss leaves a hole and that the person, free that day,
    could take by the rules of `program` (which knows of no absence unless given one)."""
    return [a for a in _holes(program, roster, days) if _could_take(program, roster, person_id, a)]


def free_resident_who_could_cover(
    program: Program, roster: Roster, days: list[date] | None = None
) -> tuple[str, Assignment]:
    """A resident free on one of `days` (default: the absence days) and a colleague's shift that
    day they could take, whose loss would leave a hole."""
    for shift in _holes(program, roster, days or absence_days()):
        for person in program.people:
            if person.grade.is_resident and _could_take(program, roster, person.id, shift):
                return person.id, shift
    raise AssertionError("no free resident could cover a colleague's shift on those days")


def _holes(program: Program, roster: Roster, days: list[date]) -> list[Assignment]:
    return [
        a
        for a in sorted(roster.assignments, key=lambda a: (a.day, a.person_id))
        if a.day in days and leaves_a_hole(program, roster, a)
    ]


def _could_take(program: Program, roster: Roster, person_id: str, shift: Assignment) -> bool:
    person = program.person[person_id]
    if person_id == shift.person_id or roster.on(person_id, shift.day) is not None:
        return False
    if not program.may_work(person, shift.post_id, shift.shift_id):
        return False
    return impact(program, roster, give_away(shift, person_id)).acceptable


def overlapping(program: Program, roster: Roster, person_id: str, start: str, end: str) -> list[Assignment]:
    """The person's shifts that run at any moment of the absence typed as `start`..`end` (dates
    or datetimes on the hospital's wall clock, as the chief types them)."""
    timeline = Timeline(program)
    first = timeline.offset(parse_instant(start, program, "from"))
    last = timeline.offset(parse_instant(end, program, "to", end=True))
    found = []
    for a in roster.for_person(person_id):
        shift_start, shift_end = timeline.span(program.block.index(a.day), a.shift_id)
        if shift_start < last and first < shift_end:
            found.append(a)
    return found
