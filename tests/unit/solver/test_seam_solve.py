"""Blocks solved one after the other, each looking back on the roster before it: no rule that
carries across a boundary is broken at the seam (real CP-SAT, small limits)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from hypothesis import HealthCheck, assume, given, settings

from callroom.domain.program import Block, DayPattern, History, Person, Program, Request
from callroom.domain.roster import Roster
from callroom.rules import ids
from callroom.rules.check import hard_violations
from callroom.solver.run import SolveOptions, Status, solve
from tests import factories as f
from tests.strategies import programs

QUICK = SolveOptions(time_limit_s=5, workers=1, seed=0)
JUNE = date(2026, 6, 1)


def _undated(person: Person) -> Person:
    return dataclasses.replace(person, leave=(), days_off=frozenset(), requests=())


def _next_block(program: Program, before: Roster) -> Program:
    """The same service for the following days, looking back on the roster just solved."""
    block = Block(program.block.start + timedelta(days=program.block.days), program.block.days)
    people = tuple(_undated(p) for p in program.people)
    following = dataclasses.replace(program, block=block, people=people, absences=())
    return following.with_history(History(program.block.start, before.assignments))


def _seam_breaches(program: Program, first: Roster, second: Roster) -> list[str]:
    """The carry-over rules the two rosters break, judged as one timeline over both blocks."""
    both = dataclasses.replace(program, block=Block(program.block.start, program.block.days * 2), absences=())
    joined = Roster.of(first.assignments + second.assignments)
    return [v.message for v in hard_violations(both, joined) if v.rule in ids.CARRY_OVER]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
@given(programs())
def test_consecutive_blocks_solved_in_order_break_no_carry_over_rule_at_the_seam(program: Program) -> None:
    first = solve(program, QUICK)
    assume(first.roster is not None)
    assert first.roster is not None
    following = _next_block(program, first.roster)
    second = solve(following, QUICK)
    assume(second.roster is not None)
    assert second.roster is not None
    assert hard_violations(following, second.roster) == []
    assert _seam_breaches(program, first.roster, second.roster) == []


def _calls(*people: str) -> Program:
    """A call to cover on the block's first day, a Monday, which everyone but Ada asked off."""
    monday = DayPattern(frozenset({0}))
    off = (Request(JUNE, on=False, weight=1),)
    return f.program(
        [f.person(p, requests=() if p == "ada" else off) for p in people],
        demands=[f.demand("ward", "call", f.need(1), days=monday)],
        start=JUNE,
        days=3,
    )


def _on_the_first_day(roster: Roster) -> list[str]:
    return [a.person_id for a in roster.assignments if a.day == JUNE]


def _eve_call(program: Program) -> Program:
    eve = f.roster(("ada", -1, "call"), start=JUNE)
    return program.with_history(History(f.day(-7, JUNE), eve.assignments))


def test_the_resident_on_call_on_the_eve_is_not_on_call_on_day_one_even_if_the_others_asked_it_off() -> None:
    alone = solve(_calls("ada", "bob"), QUICK)
    assert alone.roster is not None and _on_the_first_day(alone.roster) == ["ada"]
    solution = solve(_eve_call(_calls("ada", "bob")), QUICK)
    assert solution.roster is not None and _on_the_first_day(solution.roster) == ["bob"]


def test_without_anyone_else_the_first_day_cannot_be_covered_and_the_seam_is_named() -> None:
    alone = _calls("ada")
    assert solve(alone, QUICK).roster is not None  # the block on its own is fine
    solution = solve(_eve_call(alone), QUICK)
    assert solution.status is Status.INFEASIBLE
    assert solution.explanation is not None
    words = str(solution.explanation)
    assert "Ada" in words and ("continuous" in words or "rest" in words)
