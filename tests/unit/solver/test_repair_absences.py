"""A repair on a program that carries approved absences keeps everyone off them: it never puts
the first sick resident back to fill a second hole, says so among the blockers, and mends a
published roster that still gives someone a shift inside an approved absence."""

from __future__ import annotations

import pytest

from callroom.domain.absence import ApprovedAbsence
from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.solver.repair.request import Absence, RepairLimits, parse_instant
from callroom.solver.repair.staged import RepairOptions, RepairStatus, repair
from tests.repair_world import (
    absence_days,
    demo_roster,
    overlapping,
    residents_leaving_a_hole,
    shifts_they_could_cover,
)

SEARCH = RepairOptions(time_limit_s=10, polish_s=0.5, direct=False)
DIRECT = RepairOptions(time_limit_s=10, polish_s=0.5)


def sick(program: Program, person_id: str, first: str, last: str) -> Absence:
    start, end = parse_instant(first, program, "from"), parse_instant(last, program, "to", end=True)
    return Absence(person_id, start, end)


def approved(absence: Absence, proposal_id: int = 1) -> ApprovedAbsence:
    return ApprovedAbsence(absence.person_id, absence.start, absence.end, proposal_id=proposal_id)


@pytest.fixture(scope="module")
def first_sick_call() -> tuple[Program, Roster, Absence]:
    """The demo roster repaired for a resident's three-day sick call, and that absence."""
    program, published = demo_roster()
    days = absence_days()
    absence = sick(program, residents_leaving_a_hole(program, published)[0], str(days[0]), str(days[-1]))
    repaired = repair(program, published, absence, options=DIRECT).roster
    assert repaired is not None
    return program, repaired, absence


@pytest.mark.parametrize("options", [DIRECT, SEARCH], ids=["direct", "search"])
def test_a_second_repair_leaves_the_first_sick_resident_off_and_says_why(
    first_sick_call: tuple[Program, Roster, Absence], options: RepairOptions
) -> None:
    program, published, first = first_sick_call
    shift = shifts_they_could_cover(program, published, first.person_id, absence_days())[0]
    second = sick(program, shift.person_id, str(shift.day), str(shift.day))
    only_her = RepairLimits(movable=frozenset({first.person_id}))
    result = repair(program.with_absences([approved(first)]), published, second, only_her, options)
    assert result.status is RepairStatus.SHORT and result.roster is not None
    assert [m for m in result.moves if m.person_id == first.person_id] == []
    name = program.person[first.person_id].name
    assert f"  {name}: is off sick 10–12 Mar (approved with repair #1)" in result.blockers


@pytest.mark.parametrize("options", [DIRECT, SEARCH], ids=["direct", "search"])
def test_a_repair_takes_a_resident_off_shifts_inside_their_approved_absence(options: RepairOptions) -> None:
    program, published = demo_roster()
    days = absence_days()
    first, other = residents_leaving_a_hole(program, published)[:2]
    still_on = sick(program, first, str(days[0]), str(days[-1]))
    result = repair(
        program.with_absences([approved(still_on)]),
        published,
        sick(program, other, str(days[0]), str(days[-1])),
        options=options,
    )
    assert result.roster is not None and result.violations == ()
    assert overlapping(program, result.roster, first, str(days[0]), str(days[-1])) == []
    assert any(m.person_id == first and any("off sick" in r for r in m.reasons) for m in result.moves)
