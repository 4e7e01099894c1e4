"""The constructed first roster keeps every person's own rules, and CP-SAT starts from it."""

from __future__ import annotations

from itertools import groupby, product
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from callroom.domain.roster import Assignment, Roster
from callroom.formats.curtois import load_instance, parse_instance
from callroom.rules.check import hard_violations
from callroom.solver.construct import Constructor, _Person
from callroom.solver.space import Space

CURTOIS = Path(__file__).parents[3] / "bench" / "curtois"


def constructed(number: int) -> tuple[Roster, int]:
    program = load_instance(CURTOIS / f"Instance{number}.txt")
    space = Space.build(program, cp_model.CpModel())
    dates = program.block.dates()
    roster = Roster.of(Assignment(program.people[i.person].id, dates[i.day], i.shift.id, i.post.id)
                       for i in Constructor(space).roster())
    return roster, len(hard_violations(program, roster))


@pytest.mark.parametrize("number", [1, 4, 9, 12, 17, 22])  # 22: runs, weekends, days off tight
def test_the_constructed_roster_breaks_no_hard_rule(number: int) -> None:
    roster, violations = constructed(number)
    assert roster.assignments
    assert violations == 0


def test_everyone_bound_by_a_minimum_total_gets_work() -> None:
    roster, _ = constructed(17)
    program = load_instance(CURTOIS / "Instance17.txt")
    assert {a.person_id for a in roster.assignments} == {p.id for p in program.people}


DAYS = 14  # two weeks, Monday first: weekends are days 5-6 and 12-13


@settings(max_examples=25, deadline=None)
@given(max_run=st.integers(1, 5), min_run=st.integers(1, 3), min_off=st.integers(1, 3),
       weekends=st.integers(0, 2), off=st.sets(st.integers(0, DAYS - 1), max_size=4))
def test_the_most_work_days_table_agrees_with_every_two_week_pattern(
        max_run: int, min_run: int, min_off: int, weekends: int, off: set[int]) -> None:
    person = one_person(max_run, min_run, min_off, weekends, off)
    start = person._row(False, person.run_cap)  # after a long rest: no exemption at the start
    table = int(person.most_work_days[0, start, 0])
    allowed = [sum(p) for p in product((0, 1), repeat=DAYS)
               if keeps_rules(p, max_run, min_run, min_off, weekends, off)]
    if allowed:
        assert table == max(allowed)
    else:
        assert table < 0


def one_person(max_run: int, min_run: int, min_off: int, weekends: int, off: set[int]) -> _Person:
    days_off = f"A,{','.join(map(str, sorted(off)))}" if off else ""
    text = (f"SECTION_HORIZON\n{DAYS}\n\nSECTION_SHIFTS\nD,480,\n\nSECTION_STAFF\n"
            f"A,D={DAYS},{DAYS * 480},0,{max_run},{min_run},{min_off},{weekends}\n\n"
            f"SECTION_DAYS_OFF\n{days_off}\n\nSECTION_COVER\n"
            + "".join(f"{d},D,1,100,1\n" for d in range(DAYS)))
    program = parse_instance(text)
    return _Person(Space.build(program, cp_model.CpModel()), 0, program.people[0])


def keeps_rules(pattern: tuple[int, ...], max_run: int, min_run: int, min_off: int,
                weekends: int, off: set[int]) -> bool:
    """The rules read straight from FORMAT.md, as if a long rest came before the first day: a
    run ending on the last day is exempt from the minimums, and days off are never worked."""
    if any(pattern[d] for d in off):
        return False
    if (pattern[5] or pattern[6]) + (pattern[12] or pattern[13]) > weekends:
        return False
    runs = [(worked, len(list(days))) for worked, days in groupby(pattern)]
    for index, (worked, length) in enumerate(runs):
        last = index == len(runs) - 1
        if worked and (length > max_run or (length < min_run and not last)):
            return False
        if not worked and index > 0 and not last and length < min_off:
            return False
    return True
