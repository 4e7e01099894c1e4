"""The solver on a real program file: determinism and what a solution carries."""

from __future__ import annotations

from pathlib import Path

from callroom.formats.program_file import load_program
from callroom.rules.check import hard_violations
from callroom.solver.run import Progress, SolveOptions, Status, solve

FULL = Path(__file__).parents[2] / "fixtures" / "programs" / "full.yaml"
SHORT = Path(__file__).parents[2] / "fixtures" / "programs" / "short_of_seniors.yaml"


def test_the_same_seed_gives_the_same_roster() -> None:
    program = load_program(FULL)
    options = SolveOptions(time_limit_s=3, workers=2, seed=7)
    first, second = solve(program, options), solve(program, options)
    assert first.roster is not None
    assert first.roster == second.roster
    assert first.objective == second.objective


def test_a_solution_carries_roster_bound_report_and_no_hard_violation() -> None:
    program = load_program(FULL)
    seen: list[Progress] = []
    solution = solve(program, SolveOptions(time_limit_s=5), on_progress=seen.append)
    assert solution.status in (Status.OPTIMAL, Status.FEASIBLE)
    assert solution.roster is not None and solution.report is not None
    assert solution.bound is not None and solution.objective is not None
    assert solution.bound <= solution.objective == solution.report.total
    assert hard_violations(program, solution.roster) == []
    assert seen and seen[-1].objective == solution.objective


def test_an_impossible_program_is_explained_with_the_arithmetic() -> None:
    solution = solve(load_program(SHORT), SolveOptions(time_limit_s=10))
    assert solution.status is Status.INFEASIBLE and solution.roster is None
    assert solution.explanation is not None
    text = str(solution.explanation)
    assert "needs at least 1 PGY-3+ every day of the block (28 days)" in text
    assert "Ann Lee may take at most 9 in-house call nights in 28 days" in text
    assert "Ann Lee 9 + Raj Patel 9 = 18 of the 28 needed: 18 < 28." in text
