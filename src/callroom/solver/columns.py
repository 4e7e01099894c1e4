"""A roster from column generation: whole-block plans per person, mixed by a linear program,
then rounded and polished.

Cover-dominated rostering has a tight linear relaxation when each person's schedule is one
variable (a column): on the Curtois benchmark CP-SAT's own LP bound sits within a few percent of
the best known roster (Instance11: 3437 against 3443), while its search, which assigns shifts
day by day, ends far above it (3683 in 60 s). Branch and price, which holds most of the
benchmark's best-known results, works on columns. This uses its pricing loop as a heuristic:

1. The master LP picks a weighted mix of each person's known plans (one in total per person) and
   pays for cover under or over target. Its duals say what one more person on a shift is worth.
2. Each person's best plan at those prices (replan.best_plan, which keeps every rule of the
   person's) joins as a new column when it beats the mix; repeat until none does or time is up.
3. Each person takes the plan the LP gives the largest share, and the roster is polished by
   replanning each person against everyone else (construct.Constructor.polish), which repairs
   the cover the rounding left uneven.

Instance11: LP 3479 after 24 s of pricing, rounded 5398, polished 3582 in 1.4 s, against 4985
for the constructed roster. (Choosing one plan per person among the columns exactly, by CP-SAT
or SCIP, was tried and ended near 4190 in 16-20 s: the columns of an LP mix rarely combine.)

Plans keep only each person's own rules, so `solve` uses the roster only when it keeps every
hard rule and costs less than the one constructed.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter, defaultdict
from collections.abc import Callable

from ortools.linear_solver import pywraplp

from callroom.solver.construct import Constructor, request_worth
from callroom.solver.person_rules import PersonRules
from callroom.solver.replan import best_plan
from callroom.solver.space import Item, Space

Slot = tuple[int, str, str]  # (day, post, shift)
Plan = list[Item]
IMPROVES = 1e-6  # a column must lower the master LP by more than this to join
ROUNDING_SHARE = 0.3  # of the time given, kept for rounding and polishing
# Fines on a shift type over its cap start at an eighth of the largest dual and double.
CAP_TRIES, FIRST_FINE = 6, 1 / 8


def column_roster(space: Space, start: list[Item], deadline: float) -> list[Item]:
    """A roster from plans priced against the cover; `start` (a whole roster) gives the first
    columns. Pricing stops when no plan improves the mix or at its share of the time."""
    constructor = Constructor(space)
    columns = _Columns(constructor, start)
    rounding_from = time.monotonic() + (deadline - time.monotonic()) * (1 - ROUNDING_SHARE)
    while time.monotonic() < rounding_from and columns.price(rounding_from):
        pass
    rounded = [item for plan in _MasterLP(columns).largest_shares() for item in plan]
    # The same constructor: its people's rule tables are worked out once for pricing and polish.
    return constructor.polish(rounded, deadline)


class _Columns:
    """The plans known for each person, and the cover they are measured against."""

    def __init__(self, constructor: Constructor, start: list[Item]) -> None:
        space = constructor.space
        self.people = constructor.people
        # Each person's rules without the caps on shift types, for pricing the caps (read once).
        self.uncapped = [PersonRules(space, p.index, dataclasses.replace(
            p.person, limits=dataclasses.replace(p.person.limits, max_shifts={})))
            for p in self.people]
        # A copy, taken before the constructor's polish counts any shifts against it.
        self.cover = {slot: (t, u, o) for slot, (t, u, o) in constructor.wanted.items()}
        self.plans: list[list[Plan]] = [[] for _ in self.people]
        self.seen: list[set[tuple[int, ...]]] = [set() for _ in self.people]
        held: list[Plan] = [[] for _ in self.people]
        for item in start:
            held[item.person].append(item)
        for index, plan in enumerate(held):
            self._add(index, plan)

    def _add(self, index: int, plan: Plan) -> bool:
        key = tuple(id(item) for item in sorted(plan, key=lambda i: i.day))
        if key in self.seen[index]:
            return False
        self.seen[index].add(key)
        self.plans[index].append(plan)
        return True

    def cost(self, person: PersonRules, plan: Plan) -> int:
        """What the plan pays in requests refused."""
        worked = {item.day: item for item in plan}
        return -sum(request_worth(person, d, worked.get(d)) for d in person.requests)

    def price(self, deadline: float) -> bool:
        """One round: solve the master LP, price a plan for each person; whether any joined.
        (Pricing at duals smoothed towards the last round's, Wentges-style, was tried: Instance11
        LP 3479 to 3466, but Instance12 4290 to 6372 in the same 18 s, so it is not done.)"""
        duals, convexity = _MasterLP(self).solve()
        joined = False
        for person in self.people:
            if time.monotonic() > deadline:
                break
            plan = self._priced_plan(person, duals)
            if plan is None:
                continue
            reduced = self.cost(person, plan) - sum(duals.get(_slot(i), 0.0) for i in plan)
            if reduced - convexity[person.index] < -IMPROVES:
                joined |= self._add(person.index, plan)
        return joined

    def _priced_plan(self, person: PersonRules, duals: dict[Slot, float]) -> Plan | None:
        """The person's best plan at the duals. The planner drops a plan over a cap on shifts of
        a type (Instance8: four nights in four weeks), and high duals on nights make every plan
        it finds such a plan; so each type the best plan without caps overuses is fined, more
        each time, until a plan keeps the caps (a Lagrangian price on the cap)."""
        fines: dict[str, float] = defaultdict(float)
        caps = person.person.limits.max_shifts
        first_fine = FIRST_FINE * max((abs(value) for value in duals.values()), default=1.0)
        for tries in range(CAP_TRIES):
            plan = best_plan(person, self._worth(person, duals, fines))
            if plan is not None or tries == CAP_TRIES - 1:
                return plan
            free = best_plan(self.uncapped[person.index], self._worth(person, duals, fines))
            counts = Counter(item.shift.id for item in free or [])
            over = [shift for shift, count in counts.items() if count > caps.get(shift, count)]
            if not over:
                return None
            for shift in over:
                fines[shift] = max(first_fine, 2 * fines[shift])
        return None

    @staticmethod
    def _worth(person: PersonRules, duals: dict[Slot, float],
               fines: dict[str, float]) -> Callable[[int, Item | None], float]:
        def worth(d: int, item: Item | None) -> float:
            value = float(request_worth(person, d, item))
            if item is None:
                return value
            return value + duals.get(_slot(item), 0.0) - fines.get(item.shift.id, 0.0)
        return worth


class _MasterLP:
    """The restricted master: a mix of known plans per person, cover priced by its weights."""

    def __init__(self, columns: _Columns) -> None:
        self.columns = columns
        self.lp = pywraplp.Solver.CreateSolver("GLOP")
        lp, infinity = self.lp, self.lp.infinity()
        objective = lp.Objective()
        self.rows = {}
        for slot, (target, under, over) in columns.cover.items():
            row = lp.Constraint(target, target)
            short, extra = lp.NumVar(0, infinity, ""), lp.NumVar(0, infinity, "")
            row.SetCoefficient(short, 1)
            row.SetCoefficient(extra, -1)
            objective.SetCoefficient(short, under)
            objective.SetCoefficient(extra, over)
            self.rows[slot] = row
        self.convexity = [lp.Constraint(1, 1) for _ in columns.people]
        self.vars: list[list[pywraplp.Variable]] = [[] for _ in columns.people]
        for person, plans in zip(columns.people, columns.plans, strict=True):
            for plan in plans:
                self._column(person, plan)
        objective.SetMinimization()

    def _column(self, person: PersonRules, plan: Plan) -> None:
        var = self.lp.NumVar(0, 1, "")
        self.vars[person.index].append(var)
        self.convexity[person.index].SetCoefficient(var, 1)
        self.lp.Objective().SetCoefficient(var, self.columns.cost(person, plan))
        for item in plan:
            row = self.rows.get(_slot(item))
            if row is not None:
                row.SetCoefficient(var, 1)

    def solve(self) -> tuple[dict[Slot, float], list[float]]:
        """The duals of the cover rows and of each person's row."""
        self.lp.Solve()
        return ({slot: row.dual_value() for slot, row in self.rows.items()},
                [row.dual_value() for row in self.convexity])

    def largest_shares(self) -> list[Plan]:
        """Each person's plan with the largest share in the LP's mix."""
        self.lp.Solve()
        return [plans[max(range(len(plans)), key=lambda k: shares[k].solution_value())]
                for plans, shares in zip(self.columns.plans, self.vars, strict=True)]


def _slot(item: Item) -> Slot:
    return item.day, item.post.id, item.shift.id

