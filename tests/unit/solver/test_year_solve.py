"""The annual rotation scheduler on a small year (real CP-SAT): every plan it returns passes the
year's checks, each rule broken by hand is reported, and a year without a plan is explained."""

from __future__ import annotations

import dataclasses

import pytest

from callroom.domain.year import Placement, YearPlan
from callroom.rules import ids
from callroom.rules.year import check_year_plan
from callroom.solver.run import SolveOptions, Status
from callroom.solver.year.run import YearSolution, solve_year
from tests.factories import small_year

QUICK = SolveOptions(time_limit_s=10, workers=2, seed=0)


_program = small_year


@pytest.fixture(scope="module")
def solved() -> YearSolution:
    return solve_year(_program(), QUICK)


def _plan(solution: YearSolution) -> YearPlan:
    assert solution.plan is not None, solution.explanation
    return solution.plan


def test_the_small_year_is_planned_and_the_plan_passes_every_year_check(solved: YearSolution) -> None:
    assert solved.status in (Status.OPTIMAL, Status.FEASIBLE)
    assert check_year_plan(_program(), _plan(solved)) == []


def test_interns_start_on_orientation_and_the_fixed_research_month_is_kept(solved: YearSolution) -> None:
    plan = _plan(solved)
    assert {plan.rotation_on(p, 0) for p in ("ann", "ben", "cat")} == {"orientation"}
    assert [plan.rotation_on("eve", w) for w in range(4)] == ["research"] * 4


def test_first_choices_are_granted_where_the_rules_allow(solved: YearSolution) -> None:
    granted = solved.granted
    assert granted is not None
    assert granted.vacation_any == (4, 4)  # every request somewhere among its weeks
    assert granted.elective_first_interns[1] == 3 and granted.elective_first_residents[1] == 2


def _with(plan: YearPlan, person: str, week: int, **changes: object) -> YearPlan:
    placements = [
        dataclasses.replace(p, **changes) if (p.person_id, p.week) == (person, week) else p  # type: ignore[arg-type]
        for p in plan.placements
    ]
    return YearPlan(tuple(placements))


def _codes(plan: YearPlan) -> set[str]:
    return {v.rule.code for v in check_year_plan(_program(), plan)}


def test_each_rule_broken_by_hand_is_reported(solved: YearSolution) -> None:
    plan = _plan(solved)
    week_on = {p.week: p for p in plan.placements if p.person_id == "dev"}
    nights = next(w for w, p in week_on.items() if p.rotation_id == "nights")
    assert ids.YEAR_NO_LEAVE.code in _codes(_with(plan, "dev", nights, vacation=True))
    assert ids.YEAR_FIRST.code in _codes(_with(plan, "ann", 0, rotation_id="gs"))
    assert ids.YEAR_FIXED.code in _codes(_with(plan, "eve", 1, rotation_id="gs"))
    split = next(w for w, p in week_on.items() if p.rotation_id == "gs" and w % 4 == 1)
    assert ids.YEAR_LENGTH.code in _codes(_with(plan, "dev", split, rotation_id="trauma"))
    dropped = YearPlan(tuple(p for p in plan.placements if (p.person_id, p.week) != ("fay", 30)))
    assert ids.YEAR_WEEK.code in _codes(dropped)


def test_a_complement_the_residents_cannot_give_is_explained_with_the_arithmetic() -> None:
    program = _program(
        ("complement: [{grades: residents, min: 1, max: 3}]", "complement: [{grades: PGY-1, min: 2, max: 3}]")
    )
    solution = solve_year(program, QUICK)
    assert solution.status is Status.INFEASIBLE and solution.explanation is not None
    assert str(solution.explanation).splitlines()[1] == (
        "- PGY-1 on Trauma needs 2 every week: 52 × 2 = 104 resident-weeks; 3 residents may each "
        "spend at most 16 weeks there: 3 × 16 = 48 < 104."
    )


def test_a_week_that_needs_more_interns_than_there_are_is_explained() -> None:
    program = _program(("{grades: PGY-1, max: 2}", "{grades: PGY-1, min: 4, max: 4}"))
    solution = solve_year(program, QUICK)
    assert solution.explanation is not None
    assert "the rotations need 4 PGY-1 residents (General surgery 4); there are 3" in str(
        solution.explanation
    )


def test_a_fixed_rotation_longer_than_its_requirement_allows_is_explained_by_the_rules_in_conflict() -> None:
    program = _program(("to: 2027-07-28", "to: 2027-11-30"))
    solution = solve_year(program, QUICK)
    assert solution.status is Status.INFEASIBLE and solution.explanation is not None
    named = {rule.rule for rule in solution.explanation.rules}
    # Without the vacation rule Eve could spend most of those weeks on vacation, which is not
    # research: all three are needed for the conflict.
    assert named == {ids.YEAR_FIXED, ids.YEAR_REQUIREMENT, ids.YEAR_VACATION}
    assert str(solution.explanation).splitlines()[1:] == [
        "- each of the residents spends 4 to 8 weeks on Research or Endoscopy",
        "- Eve must take their vacation weeks",
        "- Eve is fixed on Research",
    ]


def test_a_rotation_placement_for_someone_outside_the_program_is_reported(solved: YearSolution) -> None:
    plan = YearPlan((*_plan(solved).placements, Placement("zed", 0, "gs")))
    assert ids.YEAR_WEEK.code in _codes(plan)
