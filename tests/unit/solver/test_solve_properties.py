"""What the solver promises, on many random small programs (real CP-SAT, small limits)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from ortools.sat.python import cp_model

from callroom.domain.program import Program
from callroom.rules.check import hard_violations
from callroom.solver.build.model import build_model
from callroom.solver.explain.infeasible import _holds
from callroom.solver.run import SolveOptions, Status, solve
from tests.strategies import programs

QUICK = SolveOptions(time_limit_s=5, workers=1, seed=0)


def _conflicts(program: Program, keys: list) -> bool:  # type: ignore[type-arg]
    built = build_model(program, explain=True)
    return _holds(built, keys, 10) == cp_model.INFEASIBLE


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_every_returned_roster_passes_every_checker(program: Program) -> None:
    solution = solve(program, QUICK)
    if solution.roster is not None:
        assert hard_violations(program, solution.roster) == []
        assert solution.report is not None and solution.report.total == solution.objective


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_an_infeasible_verdict_comes_with_a_conflict_set_that_is_itself_infeasible(program: Program) -> None:
    solution = solve(program, QUICK)
    if solution.status is not Status.INFEASIBLE:
        return
    explanation = solution.explanation
    assert explanation is not None and explanation.keys
    keys = list(explanation.keys)
    assert _conflicts(program, keys)
    if explanation.minimal:
        for dropped in keys:
            assert not _conflicts(program, [k for k in keys if k != dropped])
