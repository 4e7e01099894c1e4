"""A person's whole-block plan is the best their rules allow, and keeps every one of them."""

from __future__ import annotations

from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from callroom.domain.program import Program
from callroom.domain.roster import Assignment, Roster
from callroom.rules.check import hard_violations
from callroom.solver.build.space import Item
from callroom.solver.heuristics.replan import best_plan

from .two_weeks import DAYS, keeps_rules, one_person

rules_of_runs = {
    "max_run": st.integers(1, 5),
    "min_run": st.integers(1, 3),
    "min_off": st.integers(1, 3),
    "weekends": st.integers(0, 2),
    "off": st.sets(st.integers(0, DAYS - 1), max_size=4),
}
day_values = st.lists(st.integers(-50, 100), min_size=DAYS, max_size=DAYS)


@settings(max_examples=25, deadline=None)
@given(values=day_values, **rules_of_runs)
def test_with_no_minimum_total_the_plan_earns_the_most_any_pattern_can(
    values: list[int], max_run: int, min_run: int, min_off: int, weekends: int, off: set[int]
) -> None:
    person = one_person(max_run, min_run, min_off, weekends, off)
    plan = best_plan(person, lambda d, item: values[d] if item is not None else 0)
    assert plan is not None
    best = max(
        sum(v for v, worked in zip(values, p, strict=True) if worked)
        for p in product((0, 1), repeat=DAYS)
        if keeps_rules(p, max_run, min_run, min_off, weekends, off)
    )
    assert sum(values[item.day] for item in plan) == best


@settings(max_examples=25, deadline=None)
@given(values=day_values, shifts=st.integers(2, 9), **rules_of_runs)
def test_a_plan_within_a_band_of_shifts_keeps_every_hard_rule(
    values: list[int], shifts: int, max_run: int, min_run: int, min_off: int, weekends: int, off: set[int]
) -> None:
    band = (shifts * 480, (shifts + 1) * 480)
    person = one_person(max_run, min_run, min_off, weekends, off, band)
    plan = best_plan(person, lambda d, item: values[d] if item is not None else 0)
    if plan is not None:  # None: none found, and the constructor keeps its own schedule
        assert band[0] <= sum(item.counted for item in plan) <= band[1]
        assert hard_violations(person.space.program, roster(person.space.program, plan)) == []


def test_a_plan_is_found_inside_a_narrow_band_against_what_the_days_are_worth() -> None:
    person = one_person(max_run=5, min_run=2, min_off=2, weekends=1, off={3}, band=(7 * 480, 7 * 480))
    plan = best_plan(person, lambda d, item: -10 if item is not None else 0)  # work costs
    assert plan is not None and len(plan) == 7
    assert hard_violations(person.space.program, roster(person.space.program, plan)) == []


def roster(program: Program, plan: list[Item]) -> Roster:
    dates = program.block.dates()
    return Roster.of(Assignment(program.people[0].id, dates[i.day], i.shift.id, i.post.id) for i in plan)
