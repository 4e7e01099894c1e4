"""Solve the academic year: the arithmetic first, then CP-SAT, then the plan and its measures."""

from __future__ import annotations

import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from callroom.domain.program import Program
from callroom.domain.year import Placement, YearPlan
from callroom.solver.run import ProgressHook, SolveOptions, Status, _Watcher, parameters
from callroom.solver.year.explain import YearExplanation, explain_year
from callroom.solver.year.model import YearModel, build_year_model


@dataclass(frozen=True)
class Granted:
    """How the plan met the residents' wishes: counts of (met, asked), so shares can be shown."""

    vacation_first: tuple[int, int]  # vacation requests granted in their first-choice week
    vacation_any: tuple[int, int]  # granted in any of their weeks
    elective_first_interns: tuple[int, int]  # PGY-1s with a first-choice elective given
    elective_first_residents: tuple[int, int]  # the same for PGY-2 and up


@dataclass(frozen=True)
class YearSolution:
    status: Status
    plan: YearPlan | None
    objective: int | None
    bound: int | None
    wall_s: float
    first_solution_s: float | None
    granted: Granted | None = None
    explanation: YearExplanation | None = None

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        return (self.objective - self.bound) / max(abs(self.objective), 1)


def solve_year(
    program: Program, options: SolveOptions = SolveOptions(), on_progress: ProgressHook | None = None
) -> YearSolution:
    started = time.monotonic()
    short = explain_year(program, search=False)
    if short is not None:
        return YearSolution(
            Status.INFEASIBLE, None, None, None, time.monotonic() - started, None, explanation=short
        )
    built = build_year_model(program)
    solver = cp_model.CpSolver()
    parameters(solver, options, "core")
    watcher = _Watcher(on_progress, started)
    solver.parameters.log_search_progress = False
    code = solver.solve(built.model, watcher)
    wall = time.monotonic() - started
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        status = Status.INFEASIBLE if code == cp_model.INFEASIBLE else Status.UNKNOWN
        why = explain_year(program, search=True) if status is Status.INFEASIBLE else None
        return YearSolution(status, None, None, None, wall, None, explanation=why)
    status = Status.OPTIMAL if code == cp_model.OPTIMAL else Status.FEASIBLE
    return YearSolution(
        status,
        plan_of(built, solver),
        round(solver.objective_value),
        round(solver.best_objective_bound),
        wall,
        watcher.first_s,
        granted=granted_of(built, solver),
    )


def plan_of(built: YearModel, solver: cp_model.CpSolver) -> YearPlan:
    placements = [
        Placement(built.people[p].id, w, rotation_id, solver.boolean_value(built.off[p, w]))
        for (p, w, rotation_id), var in built.on.items()
        if solver.boolean_value(var)
    ]
    return YearPlan(tuple(sorted(placements, key=lambda x: (x.person_id, x.week))))


def granted_of(built: YearModel, solver: cp_model.CpSolver) -> Granted:
    asked = first = anywhere = 0
    for p, person in enumerate(built.people):
        for k, _ in enumerate(built.year.wishes_of(person.id).vacation):
            asked += 1
            ranks = [
                rank
                for (q, r, rank), v in built.granted.items()
                if q == p and r == k and solver.boolean_value(v)
            ]
            anywhere += bool(ranks)
            first += ranks == [0]
    interns, residents = [0, 0], [0, 0]
    for p, missed in built.first_choice.items():
        counts = interns if built.people[p].grade.value == 1 else residents
        counts[0] += not solver.boolean_value(missed)
        counts[1] += 1
    return Granted((first, asked), (anywhere, asked), (interns[0], interns[1]), (residents[0], residents[1]))
