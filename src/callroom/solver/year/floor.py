"""A proven lower bound on the year's objective, from its vacation requests alone.

The year's search proves little on its own: whether the popular weeks (summer, the winter
holidays) can grant every request they are asked for is a counting argument over all residents
at once (so many away at most, so many needed on the rotations), which clause learning does not
make and the full model's linear relaxation is too large to solve in time. A small model knows
only what bounds the requests: each resident's vacation weeks, the weekly room the rotations'
minimums and vacation caps leave, and the requests with their costs. Every year plan gives a
plan of it costing its vacation terms, so its optimum (or its proven bound, if the time runs
out) bounds the year's vacation cost; the other goals cost nothing less than 0. Its linear
relaxation is tight (a transport of requests into weeks), so CP-SAT with the full LP solves it in
a fraction of a second.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model
from ortools.sat.python.cp_model import LinearExpr

from callroom.domain.grades import GradeRange
from callroom.domain.year import Rotation, Year
from callroom.solver.year.model import MISSED_VACATION, VACATION_RANK, YearModel

FLOOR_SECONDS = 5.0


@dataclass(frozen=True)
class Floor:
    """The floor's bound (in the year objective's units) and the vacation weeks of a plan of the
    small model at that cost, keyed as `YearModel.off`: a year plan often exists with just those
    weeks off, and then it is optimal."""

    bound: int
    off: dict[tuple[int, int], bool]


def vacation_floor(built: YearModel, seconds: float = FLOOR_SECONDS) -> Floor | None:
    """The least vacation cost any plan of the year can have (None if nobody asks, or if the
    small model finds no plan in time)."""
    model = cp_model.CpModel()
    off = {key: model.new_bool_var(f"off_{key[0]}_{key[1]}") for key in built.off}
    terms = _requests(built, model, off)
    if not terms:
        return None
    _due(built, model, off)
    _room(built.year, built, model, off)
    model.minimize(LinearExpr.weighted_sum([t for _, t in terms], [w for w, _ in terms]))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.subsolvers.append("max_lp")  # the full LP: tight here, and quick
    solver.parameters.max_time_in_seconds = seconds
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    bound = max(0, math.ceil(solver.best_objective_bound - 1e-6))
    return Floor(bound, {key: solver.boolean_value(var) for key, var in off.items()})


def bound_objective(built: YearModel, floor: Floor) -> None:
    """Keep the year's objective at or above the floor: a redundant constraint (every plan keeps
    it) that gives the search the bound it cannot prove itself. It goes on the objective's
    domain rather than into a constraint over every term, which slows presolve by seconds."""
    objective = built.model.proto.objective
    most = list(objective.domain)[-1] if len(objective.domain) else 2**62
    objective.domain.clear()
    # The domain bounds the weighted sum of the terms, without the objective's offset.
    objective.domain.extend([floor.bound - math.floor(objective.offset), most])


def _requests(
    built: YearModel, model: cp_model.CpModel, off: dict[tuple[int, int], cp_model.IntVar]
) -> list[tuple[int, cp_model.IntVar]]:
    """The requests as the year model states them (see model._vacation_requests)."""
    terms: list[tuple[int, cp_model.IntVar]] = []
    for p, person in enumerate(built.people):
        claims: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for weeks in built.year.wishes_of(person.id).vacation:
            options = []
            for rank, start in enumerate(weeks):
                w = built.year.week_of(start)
                if (p, w) not in off:
                    continue
                granted = model.new_bool_var("")
                claims[w].append(granted)
                options.append(granted)
                terms.append((VACATION_RANK * rank, granted))
            missed = model.new_bool_var("")
            model.add_exactly_one([*options, missed])
            terms.append((MISSED_VACATION, missed))
        for w, claimed in claims.items():
            model.add(LinearExpr.sum(claimed) <= off[p, w])
    return terms


def _due(built: YearModel, model: cp_model.CpModel, off: dict[tuple[int, int], cp_model.IntVar]) -> None:
    for p, person in enumerate(built.people):
        weeks = [off[p, w] for w in built.weeks_of(p)]
        model.add(LinearExpr.sum(weeks) == built.year.vacation_due(person.id))


def _room(
    year: Year, built: YearModel, model: cp_model.CpModel, off: dict[tuple[int, int], cp_model.IntVar]
) -> None:
    """Each week: of the residents of a grade range a complement names, the rotations' minimums
    keep so many present, so the rest at most are away; and no more are away than the rotations
    that allow vacation let go."""
    for grades in {c.grades for r in year.rotations for c in r.complement}:
        taken = sum(least_of(r, grades) for r in year.rotations)
        members = [p for p, person in enumerate(built.people) if person.grade in grades]
        for w in range(year.weeks):
            here = [off[p, w] for p in members if (p, w) in off]
            if taken and here:
                model.add(LinearExpr.sum(here) <= max(0, len(here) - taken))
    cap = year.vacation.max_off
    if cap is None:
        return
    eligible: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for _, w, r in built.on:
        eligible[w][r] += 1
    for w, counts in eligible.items():
        room = sum(min(cap, n) for r, n in counts.items() if year.rotation[r].vacation)
        model.add(LinearExpr.sum([off[p, w] for p in range(len(built.people)) if (p, w) in off]) <= room)


def least_of(rotation: Rotation, grades: GradeRange) -> int:
    """The fewest residents of `grades` the rotation holds in a week: its largest minimum among
    the complements of grades within the range."""
    return max(
        (
            c.minimum
            for c in rotation.complement
            if grades.lowest <= c.grades.lowest and c.grades.highest <= grades.highest
        ),
        default=0,
    )
