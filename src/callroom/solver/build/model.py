"""Assemble the CP-SAT model: every hard rule's builder, then the soft goals as the objective."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model
from ortools.sat.python.cp_model import LinearExpr

from callroom.domain.program import Program
from callroom.solver.build import acgme, general
from callroom.solver.build.cover import Terms, add_cover
from callroom.solver.build.guards import Guards
from callroom.solver.build.soft import fairness_terms, request_terms, short_rest_terms
from callroom.solver.build.space import Space


@dataclass
class RosterModel:
    program: Program
    model: cp_model.CpModel
    space: Space
    guards: Guards
    objective: Terms


def build_model(
    program: Program, *, explain: bool = False, relax: frozenset[str] = frozenset()
) -> RosterModel:
    """The full model. With `explain`, hard rules are guarded and there is no objective.

    `relax` names rule codes to guard while keeping the objective (a repair relaxes cover
    minimums this way); the caller decides what a guard that is off costs.
    """
    model = cp_model.CpModel()
    space = Space.build(program, model)
    guards = Guards(model, enabled=explain or bool(relax), only=None if explain else relax)
    weekends = _add_hard_rules(space, guards)
    terms = add_cover(space, guards)
    if not explain:
        terms = terms + request_terms(space) + fairness_terms(space, weekends) + short_rest_terms(space)
        model.minimize(objective(terms))
    return RosterModel(program, model, space, guards, terms)


def objective(terms: Terms) -> LinearExpr:
    """The weighted sum of the soft goals' terms: what `solve` minimises and a repair's last
    stage minimises again among its least-change rosters."""
    return LinearExpr.weighted_sum([v for _, v in terms], [c for c, _ in terms])


def _add_hard_rules(space: Space, guards: Guards) -> list[list[cp_model.IntVar]]:
    general.add_overlap(space)
    general.add_unavailable(space, guards)
    general.add_absences(space, guards)
    general.add_succession(space, guards)
    general.add_max_shifts(space, guards)
    general.add_total_minutes(space, guards)
    general.add_max_consecutive(space, guards)
    general.add_min_runs(space, guards)
    weekends = [general.weekend_vars(space, p) for p in range(len(space.program.people))]
    general.add_max_weekends(space, guards, weekends)
    general.add_conflicts(space, guards)
    general.add_holidays(space, guards)
    acgme.add_weekly_hours(space, guards)
    acgme.add_call_frequency(space, guards)
    acgme.add_free_days(space, guards)
    acgme.add_night_float(space, guards)
    acgme.add_continuous_work(space, guards)
    return weekends
