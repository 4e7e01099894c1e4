"""The constructed or polished roster is the answer when it keeps every rule and costs less."""

from __future__ import annotations

import time
from pathlib import Path

from ortools.sat.python import cp_model

from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.formats.curtois import load_instance
from callroom.rules.check import hard_violations
from callroom.rules.penalties import score
from callroom.solver.build.model import build_model
from callroom.solver.heuristics.construct import Constructor
from callroom.solver.run import Solution, Status, better_of, extract_roster, roster_of

CURTOIS = Path(__file__).parents[3] / "bench" / "curtois"
INSTANCE1, INSTANCE4 = CURTOIS / "Instance1.txt", CURTOIS / "Instance4.txt"


def constructed(program: Program) -> Roster:
    built = build_model(program)
    return roster_of(built, Constructor(built.space).roster())


def nothing_found() -> Solution:
    return Solution(Status.UNKNOWN, None, None, None, wall_s=60.0, first_solution_s=None, build_s=2.5)


def test_a_search_without_a_roster_answers_with_the_constructed_roster() -> None:
    program = load_instance(INSTANCE1)
    roster = constructed(program)
    answer = better_of(nothing_found(), program, roster, time.monotonic())
    assert answer.status is Status.FEASIBLE and answer.roster == roster
    assert answer.report is not None and answer.objective == answer.report.total
    assert answer.objective == score(program, roster).total
    assert answer.first_solution_s == 2.5 and answer.violations == ()


def test_a_constructed_roster_that_breaks_a_rule_is_never_the_answer() -> None:
    program = load_instance(INSTANCE1)
    empty = Roster.of([])  # everyone off: below every minimum total
    assert better_of(nothing_found(), program, empty, time.monotonic()).status is Status.UNKNOWN


def test_a_better_roster_from_the_search_is_kept() -> None:
    program = load_instance(INSTANCE1)
    roster = constructed(program)
    best = optimal_roster(program)
    found = Solution(
        Status.FEASIBLE,
        best,
        score(program, best).total,
        0,
        wall_s=1.0,
        first_solution_s=0.1,
        report=score(program, best),
    )
    assert score(program, best).total < score(program, roster).total
    assert better_of(found, program, roster, time.monotonic()) is found


def optimal_roster(program: Program) -> Roster:
    built = build_model(program)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 10
    solver.parameters.num_workers = 2
    assert solver.solve(built.model) == cp_model.OPTIMAL
    return extract_roster(built, solver)


def test_polishing_a_roster_lowers_its_penalty_and_keeps_every_rule() -> None:
    program = load_instance(INSTANCE4)
    built = build_model(program)
    built.model.clear_objective()  # type: ignore[no-untyped-call]  # any roster keeping the rules
    solver = cp_model.CpSolver()
    solver.parameters.num_workers, solver.parameters.random_seed = 1, 0
    assert solver.solve(built.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    before = extract_roster(built, solver)
    items = [
        item
        for p in range(len(program.people))
        for item in built.space.person_items(p)
        if solver.boolean_value(item.var)
    ]
    after = roster_of(built, Constructor(built.space).polish(items, deadline=None))
    assert hard_violations(program, after) == []
    assert score(program, after).total < score(program, before).total
