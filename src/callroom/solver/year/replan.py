"""Re-plan the rest of the year after a change, with the fewest changed resident-weeks.

A change is an edit of the year file: a leave of absence (a person's `leave` covering whole
weeks), a swap (two `fixed` entries), a resident who joins late (`joins`). The weeks before
`first_week` are kept as published; from it on, the model is the year's own with two goals put
first, in order:

1. every requirement met as far as the year still allows: a minimum may fall short (a leave can
   leave it out of reach), and the weeks short are the resident's extension of training, named,
   never dropped in silence;
2. the fewest resident-weeks whose rotation or vacation differs from the published plan;
3. among those, the year's own goals (vacation and elective wishes, fairness, continuity).

Goals 1 and 2 are one solve whose objective weighs a week short above every possible change, so
it is lexicographic, and its OPTIMAL status proves the change count minimal (as a roster repair
proves its own). Goal 3 is a second solve with both fixed.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model
from ortools.sat.python.cp_model import LinearExpr

from callroom.domain.program import Program
from callroom.domain.year import Placement, Requirement, YearPlan
from callroom.solver.run import ProgressHook, SolveOptions, Status, _Watcher, parameters
from callroom.solver.year.explain import YearExplanation, explain_year
from callroom.solver.year.model import YearModel, build_year_model
from callroom.solver.year.run import YearSolution, granted_of, plan_of

CHANGE_SHARE = 2 / 3  # of the time limit, for the change-minimising solve; the rest polishes
MIN_POLISH_S = 1.0


@dataclass(frozen=True)
class WeekChange:
    """One resident-week the re-plan changed: what the published plan had, and what it has now
    (None: not in the program that week)."""

    person_id: str
    week: int
    before: Placement | None
    after: Placement | None


@dataclass(frozen=True)
class Extension:
    """A requirement the resident can no longer meet within the year: `short` weeks of it are
    left for an extension of training."""

    person_id: str
    requirement: Requirement
    short: int


@dataclass(frozen=True)
class YearReplan:
    solution: YearSolution  # the re-planned year (plan None when there is none)
    first_week: int  # the first week that could change
    changes: tuple[WeekChange, ...] = ()
    minimum_proven: bool = False  # no plan from `first_week` on changes fewer weeks
    change_bound: int | None = None  # the proven lower bound on changed weeks
    extensions: tuple[Extension, ...] = ()


@dataclass
class _Shaped:
    """The year's model with the re-plan's pieces: the changes it counts and the published plan
    as the hint."""

    built: YearModel
    changes: LinearExpr
    short: LinearExpr
    changeable: int  # resident-weeks that could change: the weight that makes goal 1 come first
    forced: int  # resident-weeks the change itself takes away from the published plan


def replan_year(
    program: Program,
    published: YearPlan,
    first_week: int,
    options: SolveOptions = SolveOptions(),
    on_progress: ProgressHook | None = None,
) -> YearReplan:
    """The year re-planned from `first_week` on; see the module doc."""
    started = time.monotonic()
    shaped = _shape(program, published, first_week)
    model = shaped.built.model
    first = _solve(
        model,
        shaped.short * (shaped.changeable + 1) + shaped.changes,
        options,
        CHANGE_SHARE,
        started,
        on_progress,
    )
    if first.code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _no_plan(program, first, first_week, started)
    short, changes = int(first.solver.value(shaped.short)), int(first.solver.value(shaped.changes))
    bound = round(first.solver.best_objective_bound) - (shaped.changeable + 1) * short
    _hint_from(shaped.built, first.solver)
    model.add(shaped.short == short)
    model.add(shaped.changes <= changes)
    preferences = LinearExpr.weighted_sum(
        [t for _, t in shaped.built.terms], [w for w, _ in shaped.built.terms]
    )
    second = _solve(model, preferences, options, 1.0, started, None)
    best = second if second.code in (cp_model.OPTIMAL, cp_model.FEASIBLE) else first
    plan = plan_of(shaped.built, best.solver)
    solution = YearSolution(
        Status.OPTIMAL if best is second and second.code == cp_model.OPTIMAL else Status.FEASIBLE,
        plan,
        round(best.solver.value(preferences)),
        round(second.solver.best_objective_bound) if best is second else None,
        time.monotonic() - started,
        first.watcher.first_s,
        granted=granted_of(shaped.built, best.solver),
    )
    return YearReplan(
        solution,
        first_week,
        tuple(_changes(program, published, plan)),
        first.code == cp_model.OPTIMAL,
        max(0, bound) + shaped.forced,
        tuple(_extensions(shaped.built, best.solver)),
    )


def _shape(program: Program, published: YearPlan, first_week: int) -> _Shaped:
    built = build_year_model(program, shortfall=True)
    changed: list[cp_model.IntVar] = []
    forced = 0
    for p, person in enumerate(built.people):
        weeks = frozenset(built.weeks_of(p))
        for w in range(built.year.weeks):
            was = published.at.get((person.id, w))
            if was is None:
                continue  # a week the plan did not have (a new resident, or before joining)
            on = built.on.get((p, w, was.rotation_id)) if w in weeks else None
            if on is None:
                forced += 1  # away now, or no longer eligible: changed whatever the plan
                continue
            off = built.off[p, w]
            built.model.add_hint(on, 1)
            built.model.add_hint(off, int(was.vacation))
            if w < first_week:
                built.model.add(on == 1)
                built.model.add(off == int(was.vacation))
                continue
            change = built.model.new_bool_var(f"changed_{p}_{w}")
            built.model.add(change >= 1 - on)
            built.model.add(change >= (1 - off if was.vacation else off))
            changed.append(change)
    short = LinearExpr.sum(list(built.short.values()))
    return _Shaped(built, LinearExpr.sum(changed), short, len(changed), forced)


@dataclass(frozen=True)
class _Solved:
    code: cp_model.CpSolverStatus
    solver: cp_model.CpSolver
    watcher: _Watcher


def _solve(
    model: cp_model.CpModel,
    objective: LinearExpr,
    options: SolveOptions,
    share: float,
    started: float,
    on_progress: ProgressHook | None,
) -> _Solved:
    """Solve `model` for `objective` with `share` of the time still left (at least a second)."""
    model.minimize(objective)
    left = options.time_limit_s - (time.monotonic() - started)
    solver = cp_model.CpSolver()
    parameters(solver, dataclasses.replace(options, time_limit_s=max(MIN_POLISH_S, left * share)), "core")
    watcher = _Watcher(on_progress, started)
    return _Solved(solver.solve(model, watcher), solver, watcher)


def _hint_from(built: YearModel, solver: cp_model.CpSolver) -> None:
    built.model.clear_hints()  # type: ignore[no-untyped-call]
    for var in [*built.on.values(), *built.off.values()]:
        built.model.add_hint(var, solver.value(var))


def _no_plan(program: Program, solved: _Solved, first_week: int, started: float) -> YearReplan:
    infeasible = solved.code == cp_model.INFEASIBLE
    why: YearExplanation | None = None
    if infeasible:
        assert program.year is not None
        why = explain_year(program, search=True) or YearExplanation(
            (
                "The year's rules hold on their own, but not with the weeks before "
                f"{program.year.week_start(first_week)} kept as published: re-plan from an earlier week.",
            )
        )
    status = Status.INFEASIBLE if infeasible else Status.UNKNOWN
    solution = YearSolution(status, None, None, None, time.monotonic() - started, None, explanation=why)
    return YearReplan(solution, first_week)


def _changes(program: Program, before: YearPlan, after: YearPlan) -> list[WeekChange]:
    assert program.year is not None
    found = []
    planned = set(before.people())
    for person in (p for p in program.residents if p.id in planned):
        for w in range(program.year.weeks):
            was, now = before.at.get((person.id, w)), after.at.get((person.id, w))
            if was != now:
                found.append(WeekChange(person.id, w, was, now))
    return found


def _extensions(built: YearModel, solver: cp_model.CpSolver) -> list[Extension]:
    requirements: Sequence[Requirement] = built.year.requirements
    return [
        Extension(built.people[p].id, requirements[i], solver.value(short))
        for (p, i), short in built.short.items()
        if solver.value(short) > 0
    ]
