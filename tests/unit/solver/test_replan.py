"""A person's whole-block plan is the best their rules allow, and keeps every one of them."""

from __future__ import annotations

from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from callroom.domain.program import Program
from callroom.domain.roster import Assignment, Roster
from callroom.rules.check import hard_violations
from callroom.solver.build.space import Item
from callroom.solver.heuristics.person_rules import PersonRules
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


def test_a_band_that_every_price_jumps_over_is_reached_by_choosing_longer_shifts() -> None:
    # 3480 minutes are six short shifts and one long one, and nothing else: a price per minute
    # picks whole days, all of them short, so it lands on 3360 or 3840, never on 3480.
    person = two_lengths(band=(3480, 3480), long_cap=14)
    plan = best_plan(person, lambda d, item: 10 if item is not None else 0)
    assert plan is not None
    assert sum(item.counted for item in plan) == 3480
    assert [item.shift.id for item in plan].count("L") == 1
    assert hard_violations(person.space.program, roster(person.space.program, plan)) == []


def test_a_shift_type_worth_more_than_its_cap_allows_is_worked_up_to_its_cap() -> None:
    # Long shifts earn 40, short ones 10, and the band is 2700-3000 minutes. Within a cap of
    # three long shifts the best is three long and two short (2760 minutes, 140); every price
    # picks long shifts on every day it works, or short ones only (six: 2880 minutes, 60).
    person = two_lengths(band=(2700, 3000), long_cap=3)
    plan = best_plan(person, lambda d, item: 0 if item is None else 40 if item.shift.id == "L" else 10)
    assert plan is not None
    assert sorted(item.shift.id for item in plan) == ["L", "L", "L", "S", "S"]
    assert hard_violations(person.space.program, roster(person.space.program, plan)) == []


def two_lengths(band: tuple[int, int], long_cap: int) -> PersonRules:
    """One person over two weeks with a short (480) and a long (600) shift, in runs of 1-5."""
    shifts = {"S": (480, DAYS), "L": (600, long_cap)}
    return one_person(max_run=5, min_run=1, min_off=1, weekends=2, off=set(), band=band, shifts=shifts)
