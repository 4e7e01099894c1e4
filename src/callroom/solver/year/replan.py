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
from collections import Counter
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

# Shares of the time left: the change-minimising search takes a quarter, each proof step half of
# what is then left (a polish keeps the rest), the polish all that remains.
SEARCH_SHARE, PROOF_SHARE = 1 / 4, 1 / 2
MIN_SOLVE_S = 1.0


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
    proof_s: float | None = None  # seconds from the call to the proof, when proven


@dataclass
class _Shaped:
    """The year's model with the re-plan's pieces: the changes it counts and the published plan
    as the hint."""

    built: YearModel
    changes: LinearExpr
    short: LinearExpr
    changeable: int  # resident-weeks that could change: the weight that makes goal 1 come first
    forced: int  # resident-weeks the change itself takes away from the published plan
    changed: list[cp_model.IntVar]  # one per resident-week that could change


def replan_year(
    program: Program,
    published: YearPlan,
    first_week: int,
    options: SolveOptions = SolveOptions(),
    on_progress: ProgressHook | None = None,
) -> YearReplan:
    """The year re-planned from `first_week` on; see the module doc."""
    started = time.monotonic()
    # Goals 1 and 2 on the hard rules alone: a smaller model, which the published plan hints
    # in full (CP-SAT repairs a complete hint far better than a partial one).
    shaped = _shape(program, published, first_week, goals=False)
    weighted = shaped.short * (shaped.changeable + 1) + shaped.changes
    first = _solve(shaped.built.model, weighted, options, SEARCH_SHARE, started, on_progress)
    if first.code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _no_plan(program, first, first_week, started)
    best, proven = _prove(shaped, weighted, first, options, started)
    proof_s = time.monotonic() - started if proven else None
    short, changes = int(best.solver.value(shaped.short)), int(best.solver.value(shaped.changes))
    plan = plan_of(shaped.built, best.solver)
    polished = _polish(program, published, first_week, plan, short, changes, options, started)
    solution = polished or YearSolution(
        Status.FEASIBLE, plan, None, None, time.monotonic() - started, first.watcher.first_s
    )
    assert solution.plan is not None
    bound = (
        changes
        if proven
        else max(0, round(first.solver.best_objective_bound) - (shaped.changeable + 1) * short)
    )
    return YearReplan(
        dataclasses.replace(solution, first_solution_s=first.watcher.first_s),
        first_week,
        tuple(_changes(program, published, solution.plan)),
        proven,
        bound + shaped.forced,
        tuple(_extensions(program, solution.plan)),
        proof_s,
    )


def _prove(
    shaped: _Shaped, weighted: LinearExpr, found: _Solved, options: SolveOptions, started: float
) -> tuple[_Solved, bool]:
    """The best of `found` and what follows it, and whether it is proven the least: each step
    solves again with "strictly better than the best so far" in the model as a constraint.
    Presolve then fixes most weeks to the hint, and CP-SAT proves in seconds what the first
    search, whose bound only tightens as it goes, had not proven in minutes."""
    best, model = found, shaped.built.model
    while best.code != cp_model.OPTIMAL:
        model.add(weighted <= int(best.solver.value(weighted)) - 1)
        _hint_solved(shaped, best.solver)
        step = _solve(model, weighted, options, PROOF_SHARE, started, None)
        if step.code == cp_model.INFEASIBLE:
            return best, True
        if step.code != cp_model.FEASIBLE and step.code != cp_model.OPTIMAL:
            return best, False
        best = step
    return best, True


def _polish(
    program: Program,
    published: YearPlan,
    first_week: int,
    plan: YearPlan,
    short: int,
    changes: int,
    options: SolveOptions,
    started: float,
) -> YearSolution | None:
    """Goal 3: the year's own goals, among plans with the shortfall and at most the changes of
    `plan` (which hints the search); None when the time left finds nothing."""
    shaped = _shape(program, published, first_week, goals=True, hint=plan)
    built = shaped.built
    built.model.add(shaped.short == short)
    built.model.add(shaped.changes <= changes)
    goals = LinearExpr.weighted_sum([t for _, t in built.terms], [w for w, _ in built.terms])
    solved = _solve(built.model, goals, options, 1.0, started, None)
    if solved.code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return YearSolution(
        Status.OPTIMAL if solved.code == cp_model.OPTIMAL else Status.FEASIBLE,
        plan_of(built, solved.solver),
        round(solved.solver.objective_value),
        round(solved.solver.best_objective_bound),
        time.monotonic() - started,
        None,
        granted=granted_of(built, solved.solver),
    )


def _shape(
    program: Program, published: YearPlan, first_week: int, *, goals: bool, hint: YearPlan | None = None
) -> _Shaped:
    """The year's model with the weeks before `first_week` fixed as published, a change counted
    for each later week that differs from it, and `hint` (default: the published plan) as the
    hint of every rotation, vacation and presence."""
    built = build_year_model(program, shortfall=True, goals=goals)
    _hint(built, hint or published)
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
            if w < first_week:
                built.model.add(on == 1)
                built.model.add(off == int(was.vacation))
                continue
            change = built.model.new_bool_var(f"changed_{p}_{w}")
            built.model.add(change >= 1 - on)
            built.model.add(change >= (1 - off if was.vacation else off))
            built.model.add_hint(change, int(hint is not None and hint.at.get((person.id, w)) != was))
            changed.append(change)
    short = LinearExpr.sum(list(built.short.values()))
    return _Shaped(built, LinearExpr.sum(changed), short, len(changed), forced, changed)


def _hint(built: YearModel, plan: YearPlan) -> None:
    """Hint every rotation, vacation and presence variable from `plan`, and each requirement's
    shortfall from it."""
    for (p, w, rotation_id), on in built.on.items():
        placed = plan.at.get((built.people[p].id, w))
        here = placed is not None and placed.rotation_id == rotation_id
        built.model.add_hint(on, here)
        built.model.add_hint(built.present[p, w, rotation_id], here and not placed.vacation)  # type: ignore[union-attr]
    for (p, w), off in built.off.items():
        placed = plan.at.get((built.people[p].id, w))
        built.model.add_hint(off, placed is not None and placed.vacation)
    short = _shortfalls(built.program, plan)
    for (p, i), var in built.short.items():
        built.model.add_hint(var, short.get((built.people[p].id, i), 0))


@dataclass(frozen=True)
class _Solved:
    code: cp_model.CpSolverStatus
    solver: cp_model.CpSolver
    watcher: _Watcher


def _solve(
    model: cp_model.CpModel,
    objective: LinearExpr | None,
    options: SolveOptions,
    share: float,
    started: float,
    on_progress: ProgressHook | None,
) -> _Solved:
    """Solve `model` for `objective` (None: any plan) with `share` of the time still left (at
    least a second)."""
    if objective is None:
        model.clear_objective()  # type: ignore[no-untyped-call]
    else:
        model.minimize(objective)
    left = options.time_limit_s - (time.monotonic() - started)
    solver = cp_model.CpSolver()
    parameters(solver, dataclasses.replace(options, time_limit_s=max(MIN_SOLVE_S, left * share)), "core")
    watcher = _Watcher(on_progress, started)
    return _Solved(solver.solve(model, watcher), solver, watcher)


def _hint_solved(shaped: _Shaped, solver: cp_model.CpSolver) -> None:
    """Hint every variable the re-plan reads from a solve of the same model."""
    built = shaped.built
    built.model.clear_hints()  # type: ignore[no-untyped-call]
    for var in [
        *built.on.values(),
        *built.off.values(),
        *built.present.values(),
        *built.short.values(),
        *shaped.changed,
    ]:
        built.model.add_hint(var, solver.value(var))


def _no_plan(program: Program, solved: _Solved, first_week: int, started: float) -> YearReplan:
    infeasible = solved.code == cp_model.INFEASIBLE
    why: YearExplanation | None = None
    if infeasible:
        assert program.year is not None
        why = explain_year(program, search=True) or YearExplanation(
            (
                f"No plan keeps the weeks before {program.year.week_start(first_week)} as published "
                "and meets every rule from then on (complements, caps, fixed rotations); a re-plan "
                "from an earlier week may find one.",
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


def _shortfalls(program: Program, plan: YearPlan) -> dict[tuple[str, int], int]:
    """Weeks short of each requirement's minimum in `plan`, by resident id and requirement index
    (only where short)."""
    assert program.year is not None
    present = Counter((p.person_id, p.rotation_id) for p in plan.placements if not p.vacation)
    found = {}
    for person in program.residents:
        for i, requirement in enumerate(program.year.requirements):
            weeks = sum(present[person.id, r] for r in requirement.rotation_ids)
            if person.grade in requirement.grades and weeks < requirement.min_weeks:
                found[person.id, i] = requirement.min_weeks - weeks
    return found


def _extensions(program: Program, plan: YearPlan) -> list[Extension]:
    assert program.year is not None
    requirements: Sequence[Requirement] = program.year.requirements
    return [Extension(pid, requirements[i], weeks) for (pid, i), weeks in _shortfalls(program, plan).items()]
