"""Solve the academic year: the arithmetic first, then CP-SAT, then the plan and its measures."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from callroom.domain.program import Program
from callroom.domain.year import Placement, YearPlan
from callroom.solver.run import ProgressHook, SolveOptions, Status, _Watcher, parameters
from callroom.solver.year.explain import YearExplanation, explain_year
from callroom.solver.year.floor import Floor, bound_objective, vacation_floor
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
    watcher = _Watcher(on_progress, started)
    floor = vacation_floor(built)
    if floor is not None:
        bound_objective(built, floor)
        _hint(built, _on_floor_weeks(built, floor, _share(options, FLOOR_SHARE), watcher))
    solver = cp_model.CpSolver()
    parameters(solver, _rest(options, started), "core")
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


# The share of the time limit for the first stage: the year with the vacation weeks of the
# floor's plan (see floor.Floor). When a plan exists on those weeks, it usually comes within
# seconds at the floor's cost, so optimal; the whole year then starts from it (a hint), which
# is where the gap is measured. Without a first stage, the search spends minutes exchanging
# vacation weeks between residents of popular weeks, and the bound does not move.
FLOOR_SHARE = 0.3
LEAST_S = 1.0  # the second stage's least time, after a slow first


def _on_floor_weeks(
    built: YearModel, floor: Floor, options: SolveOptions, watcher: _Watcher
) -> list[int] | None:
    """A plan of the year (every variable's value) with the floor's vacation weeks, or None."""
    fixed = built.model.clone()
    for key, var in built.off.items():
        fixed.add(fixed.get_bool_var_from_proto_index(var.index) == int(floor.off[key]))
    solver = cp_model.CpSolver()
    parameters(solver, options, "core")
    _light_presolve(solver)
    if solver.solve(fixed, watcher) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return list(solver.response_proto.solution)


def _light_presolve(solver: cp_model.CpSolver) -> None:
    """With the vacation weeks fixed, presolve shrinks the year to a seventh, but it meets it at
    full size: its costliest passes (probing, symmetry, repeated rounds, the searches for
    overlapping and included constraints) took most of the time to the first plan, and the
    small model does not need them (measured on the demo year: the first plan twice as soon)."""
    params = solver.parameters
    params.cp_model_probing_level = 0
    params.symmetry_level = 0
    params.max_presolve_iterations = 1
    params.presolve_inclusion_work_limit = 0
    params.merge_at_most_one_work_limit = 0
    params.find_big_linear_overlap = False


def _hint(built: YearModel, values: list[int] | None) -> None:
    if values is None:
        return
    for index, value in enumerate(values):
        built.model.add_hint(built.model.get_int_var_from_proto_index(index), value)


def _share(options: SolveOptions, share: float) -> SolveOptions:
    return dataclasses.replace(options, time_limit_s=options.time_limit_s * share)


def _rest(options: SolveOptions, started: float) -> SolveOptions:
    """What is left of the time limit (in deterministic mode, of its deterministic budget, so the
    plan does not depend on the clock)."""
    if options.deterministic:
        return _share(options, 1 - FLOOR_SHARE)
    left = options.time_limit_s - (time.monotonic() - started)
    return dataclasses.replace(options, time_limit_s=max(left, LEAST_S))


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
