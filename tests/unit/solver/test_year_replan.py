"""Changes to a planned year (real CP-SAT, the small year): a leave of absence, a swap and a late
joiner are re-planned with the fewest changed resident-weeks, the weeks already past are kept,
and a requirement the year can no longer meet is named as an extension of training."""

from __future__ import annotations

import dataclasses

import pytest

from callroom.domain.program import Program
from callroom.domain.year import YearPlan
from callroom.rules import ids
from callroom.rules.year import check_year_plan
from callroom.solver.run import SolveOptions, Status
from callroom.solver.year.replan import YearReplan, replan_year
from callroom.solver.year.run import solve_year
from tests.factories import small_year

QUICK = SolveOptions(time_limit_s=20, workers=2, seed=0)
FROM = 18  # the first week a change may touch: block 5, week 3
ANN = "{id: ann, name: Ann, grade: PGY-1,"


_program = small_year


@pytest.fixture(scope="module")
def published() -> YearPlan:
    solution = solve_year(_program(), QUICK)
    assert solution.plan is not None
    return solution.plan


def _replan(program: Program, published: YearPlan, first: int = FROM) -> YearReplan:
    replanned = replan_year(program, published, first, QUICK)
    assert replanned.solution.plan is not None, replanned.solution.explanation
    return replanned


def _changed_weeks(before: YearPlan, after: YearPlan) -> set[tuple[str, int]]:
    keys = set(before.at) | set(after.at)
    return {key for key in keys if before.at.get(key) != after.at.get(key) and key[0] in before.people()}


def test_an_unchanged_year_is_re_planned_with_no_change(published: YearPlan) -> None:
    replanned = _replan(_program(), published)
    assert replanned.changes == () and replanned.minimum_proven
    assert replanned.solution.plan == published


def test_a_leave_of_absence_takes_the_resident_away_and_keeps_every_rule(published: YearPlan) -> None:
    leave = (ANN, ANN + " leave: [{from: 2027-11-18, to: 2027-12-29, kind: parental}],")
    program = _program(leave)
    replanned = _replan(program, published)
    plan = replanned.solution.plan
    assert plan is not None
    assert [w for w in range(20, 26) if ("ann", w) in plan.at] == []  # six weeks away
    assert check_year_plan(program, plan) == []
    assert replanned.minimum_proven and replanned.change_bound == len(replanned.changes)
    assert {(c.person_id, c.week) for c in replanned.changes} == _changed_weeks(published, plan)
    assert all(plan.at.get(k) == published.at.get(k) for k in published.at if k[1] < FROM)


def _swap(published: YearPlan) -> tuple[Program, int]:
    """Ann and Ben trade rotations for the first block from FROM on where trading them by hand
    keeps every year rule: the swap as fixed entries, and the block's number."""
    base = _program()
    assert base.year is not None
    for block in base.year.blocks:
        weeks = block.week_indices
        if weeks.start < FROM or published.rotation_on("ann", weeks.start) == published.rotation_on(
            "ben", weeks.start
        ):
            continue
        traded = _traded(published, weeks)
        start, end = base.year.week_start(weeks.start), base.year.week_end(weeks[-1])
        program = _program(
            (ANN, f"{ANN} fixed: [{_fixed(traded, 'ann', weeks.start, start, end)}],"),
            (
                "{id: ben, name: Ben, grade: PGY-1,",
                "{id: ben, name: Ben, grade: PGY-1, "
                f"fixed: [{_fixed(traded, 'ben', weeks.start, start, end)}],",
            ),
        )
        if check_year_plan(program, traded) == []:
            return program, block.number
    pytest.fail("no block of the small year where Ann and Ben may trade rotations")


def _traded(published: YearPlan, weeks: range) -> YearPlan:
    swap = {"ann": "ben", "ben": "ann"}
    placements = [
        dataclasses.replace(p, rotation_id=published.at[swap[p.person_id], p.week].rotation_id)
        if p.person_id in swap and p.week in weeks
        else p
        for p in published.placements
    ]
    return YearPlan(tuple(placements))


def _fixed(plan: YearPlan, person: str, week: int, start: object, end: object) -> str:
    return f"{{rotation: {plan.rotation_on(person, week)}, from: {start}, to: {end}}}"


def test_a_swap_that_keeps_every_rule_changes_only_the_swapped_weeks(published: YearPlan) -> None:
    program, block = _swap(published)
    replanned = _replan(program, published)
    assert replanned.minimum_proven
    # Trading by hand keeps every rule, so nothing but the eight traded weeks need change.
    assert len(replanned.changes) == 8
    assert {c.person_id for c in replanned.changes} == {"ann", "ben"}
    assert program.year is not None
    assert {c.week for c in replanned.changes} == set(program.year.block(block).week_indices)
    assert replanned.solution.plan is not None
    assert check_year_plan(program, replanned.solution.plan) == []


def test_a_late_joiner_is_fitted_in_without_moving_anyone(published: YearPlan) -> None:
    joiner = "  - {id: gil, name: Gil, grade: PGY-2, joins: 2028-01-06}\nrules:"
    program = _program(("rules:", joiner))
    replanned = _replan(program, published)
    plan = replanned.solution.plan
    assert plan is not None
    assert replanned.changes == () and replanned.minimum_proven
    assert program.year is not None
    joined = program.year.joined_week("gil")
    assert joined > 0 and min(p.week for p in plan.placements if p.person_id == "gil") == joined
    assert check_year_plan(program, plan) == []


def test_a_requirement_out_of_reach_is_named_as_an_extension_not_dropped(published: YearPlan) -> None:
    # Away from week 10 to the end: ten weeks cannot hold orientation, 8 of trauma and electives.
    program = _program((ANN, ANN + " leave: [{from: 2027-09-09, to: 2028-06-29, kind: medical}],"))
    replanned = _replan(program, published, first=8)
    plan = replanned.solution.plan
    assert plan is not None
    assert {e.person_id for e in replanned.extensions} == {"ann"}
    short = {v.rule for v in check_year_plan(program, plan)}
    assert short == {ids.YEAR_REQUIREMENT}
    missing = sum(
        (v.limit or 0) - (v.measured or 0) for v in check_year_plan(program, plan) if v.person_id == "ann"
    )
    assert missing == sum(e.short for e in replanned.extensions)


def test_a_change_the_kept_weeks_contradict_is_explained(published: YearPlan) -> None:
    week = 4  # block 2, long kept as published when the re-plan starts at FROM
    other = next(r for r in ("trauma", "gs") if published.rotation_on("cat", week) != r)
    base = _program()
    assert base.year is not None
    start, end = base.year.week_start(week), base.year.week_end(week + 3)
    program = _program(
        (
            "{id: cat, name: Cat, grade: PGY-1,",
            f"{{id: cat, name: Cat, grade: PGY-1, fixed: [{{rotation: {other}, from: {start}, to: {end}}}],",
        )
    )
    replanned = replan_year(program, published, FROM, QUICK)
    assert replanned.solution.status is Status.INFEASIBLE and replanned.solution.plan is None
    assert "a re-plan from an earlier week may find one" in str(replanned.solution.explanation)
