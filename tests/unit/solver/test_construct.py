"""The constructed first roster keeps every person's own rules, and CP-SAT starts from it."""

from __future__ import annotations

from itertools import product
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from callroom.domain.roster import Assignment, Roster
from callroom.formats.curtois import load_instance
from callroom.rules.check import hard_violations
from callroom.solver.build.space import Space
from callroom.solver.heuristics.construct import Constructor, rounds_cut_short

from .two_weeks import DAYS, keeps_rules, one_person

CURTOIS = Path(__file__).parents[3] / "bench" / "curtois"


def constructed(number: int) -> tuple[Roster, int]:
    program = load_instance(CURTOIS / f"Instance{number}.txt")
    space = Space.build(program, cp_model.CpModel())
    dates = program.block.dates()
    roster = Roster.of(
        Assignment(program.people[i.person].id, dates[i.day], i.shift.id, i.post.id)
        for i in Constructor(space).roster()
    )
    return roster, len(hard_violations(program, roster))


@pytest.mark.parametrize("number", [1, 4, 9, 12, 17, 22])  # 22: runs, weekends, days off tight
def test_the_constructed_roster_breaks_no_hard_rule(number: int) -> None:
    roster, violations = constructed(number)
    assert roster.assignments
    assert violations == 0


@pytest.mark.parametrize(("number", "cut_short"), [(8, False), (20, False), (21, True), (24, True)])
def test_only_the_largest_programs_get_fewer_rounds_of_replanning(number: int, cut_short: bool) -> None:
    # 20: 50 people over 26 weeks; 21: 100 over 26 weeks; 24: 150 over a year.
    assert rounds_cut_short(load_instance(CURTOIS / f"Instance{number}.txt")) is cut_short


def test_everyone_bound_by_a_minimum_total_gets_work() -> None:
    roster, _ = constructed(17)
    program = load_instance(CURTOIS / "Instance17.txt")
    assert {a.person_id for a in roster.assignments} == {p.id for p in program.people}


@settings(max_examples=25, deadline=None)
@given(
    max_run=st.integers(1, 5),
    min_run=st.integers(1, 3),
    min_off=st.integers(1, 3),
    weekends=st.integers(0, 2),
    off=st.sets(st.integers(0, DAYS - 1), max_size=4),
)
def test_the_most_work_days_table_agrees_with_every_two_week_pattern(
    max_run: int, min_run: int, min_off: int, weekends: int, off: set[int]
) -> None:
    person = one_person(max_run, min_run, min_off, weekends, off)
    start = person.row(False, person.run_cap)  # after a long rest: no exemption at the start
    table = int(person.most_work_days[0, start, 0])
    allowed = [
        sum(p)
        for p in product((0, 1), repeat=DAYS)
        if keeps_rules(p, max_run, min_run, min_off, weekends, off)
    ]
    if allowed:
        assert table == max(allowed)
    else:
        assert table < 0
