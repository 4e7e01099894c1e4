"""Soft goals as objective terms (mirrors callroom.rules.penalties, point for point)."""

from __future__ import annotations

from ortools.sat.python import cp_model

from callroom.domain.program import Request
from callroom.rules import ids
from callroom.rules.penalties import FAIRNESS_TOLERANCE, METRICS, FairnessGroup, fairness_groups
from callroom.solver.build.acgme import short_rest_penalties
from callroom.solver.build.cover import Terms
from callroom.solver.build.space import Space


def request_terms(space: Space) -> Terms:
    """Off requests cost their weight when the named work is done; on requests cost it unless
    it is. Every term is a 0/1 variable with a positive weight, which core-based search needs."""
    terms: Terms = []
    for p, person in enumerate(space.program.people):
        for request in person.requests:
            if request.day not in space.program.block:
                continue
            matching = _matching(space, p, request)
            if request.on:
                refused = space.model.new_bool_var(f"refused_{person.id}_{request.day}")
                space.model.add(sum(matching) + refused == 1)  # one shift a day at most
                terms.append((request.weight, refused))
            else:
                terms += [(request.weight, v) for v in matching]
    return terms


def _matching(space: Space, p: int, request: Request) -> list[cp_model.IntVar]:
    d = space.program.block.index(request.day)
    return [
        item.var
        for item in space.items[p][d]
        if (request.shift_id is None or item.shift.id == request.shift_id)
        and (request.post_id is None or item.post.id == request.post_id)
    ]


def fairness_terms(space: Space, weekends: list[list[cp_model.IntVar]]) -> Terms:
    terms: Terms = []
    index = {person.id: p for p, person in enumerate(space.program.people)}
    for group in fairness_groups(space.program):
        weight = getattr(space.program.weights, METRICS[group.rule][0])
        # FairnessGroup.value, on the model's count
        values = {
            pid: group.carried[pid] + _count(space, group, index[pid], weekends) * group.scale[pid]
            for pid in group.scale
        }
        top = max(group.carried.values()) + max(group.scale.values()) * (space.program.block.days + 1)
        most = space.model.new_int_var(0, top, f"most_{group.rule.code}_{group.label}")
        fewest = space.model.new_int_var(0, top, f"fewest_{group.rule.code}_{group.label}")
        for value in values.values():
            space.model.add(most >= value)
            space.model.add(fewest <= value)
        # The excess spread as its own non-negative variable: core-based search lower-bounds
        # each objective term from zero, which `most - fewest` written out would defeat.
        excess = space.model.new_int_var(0, top, f"unfair_{group.rule.code}_{group.label}")
        space.model.add(excess >= most - fewest - FAIRNESS_TOLERANCE)
        terms.append((weight, excess))
    return terms


def _count(
    space: Space, group: FairnessGroup, p: int, weekends: list[list[cp_model.IntVar]]
) -> cp_model.LinearExprT:
    if group.rule is ids.FAIR_WEEKENDS:
        return sum(weekends[p])
    kind = METRICS[group.rule][1]
    return sum(item.var for item in space.person_items(p) if item.shift.kind is kind)


def short_rest_terms(space: Space) -> Terms:
    weight = space.program.weights.short_rest
    if weight <= 0:
        return []
    return [(weight, pen) for pen in short_rest_penalties(space)]
