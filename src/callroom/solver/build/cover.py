"""CP-SAT builders for cover: hard minimum and maximum, soft target (mirrors rules.cover)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from ortools.sat.python import cp_model
from ortools.sat.python.cp_model import LinearExpr

from callroom.domain.grades import Grade
from callroom.domain.program import CoverDemand
from callroom.rules import ids
from callroom.rules.cover import demand_days
from callroom.solver.build.guards import GuardKey, Guards, SlotKey
from callroom.solver.build.space import Space

Terms = list[tuple[int, cp_model.LinearExprT]]


def holders(space: Space) -> dict[tuple[int, str, str], list[tuple[Grade, cp_model.IntVar]]]:
    """Who could hold each (day, post, shift), with their grade."""
    found: dict[tuple[int, str, str], list[tuple[Grade, cp_model.IntVar]]] = defaultdict(list)
    for p, person in enumerate(space.program.people):
        for item in space.person_items(p):
            found[item.day, item.post.id, item.shift.id].append((person.grade, item.var))
    return found


def add_cover(space: Space, guard: Guards) -> Terms:
    """Hard minimum and maximum per requirement and day; returns the soft target's penalties."""
    found, block, terms = holders(space), space.program.block, []
    for demand in space.program.demands:
        for day in demand_days(space.program, demand):
            d = block.index(day)
            candidates = found.get((d, demand.post_id, demand.shift_id), [])
            for r, need in enumerate(demand.requirements):
                count = LinearExpr.sum([v for g, v in candidates if g in need.grades])
                if need.minimum > 0:
                    key = guard(cover_key(demand, r, day))
                    space.model.add(count >= need.minimum).only_enforce_if(key)
                if need.maximum is not None:
                    key = guard(cover_key(demand, r, day, ids.COVER_MAXIMUM))
                    space.model.add(count <= need.maximum).only_enforce_if(key)
                if need.target is not None:
                    terms += _target(
                        space.model, count, need.target, need.weight_under, need.weight_over, len(candidates)
                    )
    return terms


def cover_key(demand: CoverDemand, r: int, day: date, rule: ids.RuleId = ids.COVER_MINIMUM) -> GuardKey:
    """The guard of requirement r of a demand on one day."""
    return GuardKey(rule.code, slot=SlotKey(demand.id, r, day))


def _target(
    model: cp_model.CpModel, count: cp_model.LinearExprT, target: int, under: int, over: int, most: int
) -> Terms:
    terms: Terms = []
    if under > 0 and target > 0:
        short = model.new_int_var(0, target, "under")
        model.add(short >= target - count)
        terms.append((under, short))
    if over > 0 and most > target:
        extra = model.new_int_var(0, most - target, "over")
        model.add(extra >= count - target)
        terms.append((over, extra))
    return terms
