"""The constructed first roster keeps every person's own rules, and CP-SAT starts from it."""

from __future__ import annotations

from pathlib import Path

import pytest
from ortools.sat.python import cp_model

from callroom.domain.roster import Assignment, Roster
from callroom.formats.curtois import load_instance
from callroom.rules.check import hard_violations
from callroom.solver.construct import Constructor
from callroom.solver.space import Space

CURTOIS = Path(__file__).parents[3] / "bench" / "curtois"


def constructed(number: int) -> tuple[Roster, int]:
    program = load_instance(CURTOIS / f"Instance{number}.txt")
    space = Space.build(program, cp_model.CpModel())
    dates = program.block.dates()
    roster = Roster.of(Assignment(program.people[i.person].id, dates[i.day], i.shift.id, i.post.id)
                       for i in Constructor(space).roster())
    return roster, len(hard_violations(program, roster))


@pytest.mark.parametrize("number", [1, 4, 9, 12, 17])
def test_the_constructed_roster_breaks_no_hard_rule(number: int) -> None:
    roster, violations = constructed(number)
    assert roster.assignments
    assert violations == 0


def test_everyone_bound_by_a_minimum_total_gets_work() -> None:
    roster, _ = constructed(17)
    program = load_instance(CURTOIS / "Instance17.txt")
    assert {a.person_id for a in roster.assignments} == {p.id for p in program.people}
