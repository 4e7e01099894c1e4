"""The solver on a real program file: determinism and what a solution carries."""

from __future__ import annotations

from pathlib import Path

import pytest

from callroom.formats.program_file import load_program
from callroom.rules.check import hard_violations
from callroom.solver import run
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


def test_a_residency_program_searched_in_parts_keeps_its_seed_its_rules_and_a_true_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(run, "PARTS_FROM_S", 4.0)  # the parts begin at a minute: this file is small
    program = load_program(FULL)
    options = SolveOptions(time_limit_s=4, workers=2, seed=7)
    first, second = solve(program, options), solve(program, options)
    assert first.roster is not None and first.report is not None
    assert (first.roster, first.objective, first.bound) == (second.roster, second.objective, second.bound)
    assert first.bound is not None and first.objective is not None
    assert first.bound <= first.objective == first.report.total
    assert hard_violations(program, first.roster) == []
