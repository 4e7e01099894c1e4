"""A roster from column generation: whole-block plans per person, mixed by a linear program,
then fixed one person at a time (a dive) and polished.

Cover-dominated rostering has a tight linear relaxation when each person's schedule is one
variable (a column): on the Curtois benchmark CP-SAT's own LP bound sits within a few percent of
the best known roster, while its search, which assigns shifts day by day, ends far above it.
Branch and price, which holds most of the
benchmark's best-known results, works on columns. This uses its pricing loop as a heuristic:

1. The master LP picks a weighted mix of each person's known plans (one in total per person) and
   pays for cover under or over target. Its duals say what one more person on a shift is worth.
2. Each person's best plan at those prices (replan.best_plan, which keeps every rule of the
   person's) joins as a new column when it beats the mix; repeat until none does, the LP
   stalls, or the pricing's share of the time is up. When pricing never lowered the LP, or its
   first round took too long for the rounds that tell a stall, the roster given is the answer
   at once, and the search gets the time.
3. The dive: the people whose plan has the largest share in the mix are held to it, the others
   are priced again against the cover those leave, and so on until everyone holds one plan.
   How many are held per step follows the time left.
4. The roster is polished by replanning each person against everyone else
   (construct.Constructor.polish), which repairs what the dive left uneven.

The dive, polished, beats holding each person's largest share at once by far; choosing one
plan per person among the columns exactly (by CP-SAT or SCIP) does worse still: the columns of
an LP mix rarely combine, and the dive prices new ones that do. The figures are in
bench/solver_notes.md.

Plans keep only each person's own rules, so `solve` uses the roster only when it keeps every
hard rule and costs less than the one constructed.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections import Counter, defaultdict
from collections.abc import Callable

from ortools.linear_solver import pywraplp

from callroom.solver.build.space import Item, Space
from callroom.solver.heuristics.construct import Constructor, request_worth
from callroom.solver.heuristics.person_rules import PersonRules
from callroom.solver.heuristics.replan import best_plan

Slot = tuple[int, str, str]  # (day, post, shift)
Plan = list[Item]
IMPROVES = 1e-6  # a column must lower the master LP by more than this to join
# Of the time given: pricing until PRICING_SHARE, the dive until DIVE_SHARE, then the polish.
PRICING_SHARE, DIVE_SHARE = 0.5, 0.9
WHOLE = 0.999  # a share this large is a whole plan: held at once in the dive
# Pricing stops when STALL_ROUNDS rounds in a row lowered the LP by less than STALL_DROP of it.
STALL_ROUNDS, STALL_DROP = 4, 0.001
# Fines on a shift type over its cap start at an eighth of the largest dual and double.
CAP_TRIES, FIRST_FINE = 6, 1 / 8


def column_roster(space: Space, start: list[Item], deadline: float) -> list[Item]:
    """A roster from plans priced against the cover; `start` (a whole roster) gives the first
    columns. Pricing stops when no plan improves the mix, when the LP stalls, or at its share
    of the time."""
    constructor = Constructor(space)
    columns = _Columns(constructor, start)
    now = time.monotonic()
    pricing_until, diving_until = (now + (deadline - now) * share for share in (PRICING_SHARE, DIVE_SHARE))
    # The stall rule judges pricing after STALL_ROUNDS + 1 rounds, and on many instances the LP
    # moves only then: a first round that does not end within that share of the pricing time
    # leaves too few rounds to tell, so the time goes to the search at once.
    first_until = now + (pricing_until - now) / (STALL_ROUNDS + 1)
    joined = columns.price(first_until)
    if time.monotonic() > first_until:
        return start
    while joined and time.monotonic() < pricing_until and not columns.stalled():
        joined = columns.price(pricing_until)
    if not columns.moved():
        return start  # the mix is still the roster given: nothing for the dive to find
    dived = [item for plan in _dive(columns, diving_until) for item in plan]
    # The same constructor: its people's rule tables are worked out once for pricing and polish.
    return constructor.polish(dived, deadline)


def _dive(columns: _Columns, deadline: float) -> list[Plan]:
    """One plan per person: hold those whose plan has the largest share in the LP's mix, price
    the rest against the cover the held ones leave, and repeat. Each step holds everyone whose
    plan is whole, and at least as many more as the steps the time left allows can finish
    (the last step's time is the guide); after the deadline, everyone left at once."""
    held: dict[int, int] = {}  # person: the index of the plan they hold
    step_s = 0.0
    while len(held) < len(columns.people):
        began = time.monotonic()
        left = [p for p in range(len(columns.people)) if p not in held]
        master = _MasterLP(columns, held)
        if began + step_s < deadline and columns.price_people(
            [columns.people[p] for p in left], master, deadline
        ):
            master = _MasterLP(columns, held)  # with the plans that joined
        shares = master.shares()
        largest = {p: max(range(len(shares[p])), key=shares[p].__getitem__) for p in left}
        top = {p: shares[p][largest[p]] for p in left}
        steps = max((deadline - time.monotonic()) / max(step_s, 1e-3), 1.0)
        count = len(left) if time.monotonic() > deadline else max(1, math.ceil(len(left) / steps))
        ranked = sorted(left, key=lambda p: -top[p])
        for p in ranked[:count] + [p for p in ranked[count:] if top[p] > WHOLE]:
            held[p] = largest[p]
        step_s = time.monotonic() - began
    return [columns.plans[p][k] for p, k in sorted(held.items())]


class _Columns:
    """The plans known for each person, and the cover they are measured against."""

    def __init__(self, constructor: Constructor, start: list[Item]) -> None:
        space = constructor.space
        self.people = constructor.people
        # Each person's rules without the caps on shift types, for pricing the caps (read once).
        self.uncapped = [
            PersonRules(
                space,
                p.index,
                dataclasses.replace(p.person, limits=dataclasses.replace(p.person.limits, max_shifts={})),
            )
            for p in self.people
        ]
        # A copy, taken before the constructor's polish counts any shifts against it.
        self.cover = {slot: (t, u, o) for slot, (t, u, o) in constructor.wanted.items()}
        self.plans: list[list[Plan]] = [[] for _ in self.people]
        self.values: list[float] = []  # the master LP's value, round by round
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
        (Pricing at duals smoothed towards the last round's, Wentges-style, was tried: a little
        better on one instance, far worse on another, so it is not done.)"""
        master = _MasterLP(self)
        joined = self.price_people(self.people, master, deadline)
        self.values.append(master.value())
        return joined

    def stalled(self) -> bool:
        """Whether the last rounds barely lowered the LP. On degenerate masters the duals of
        cover rows exactly at target are one edge of their range (the cost of one more person,
        not of one fewer), and the plans priced at them never enter the mix (the LP can stay at the
        constructed roster's cost for hundreds of plans); the search can use the time better."""
        if len(self.values) <= STALL_ROUNDS:
            return False
        before, now = self.values[-STALL_ROUNDS - 1], self.values[-1]
        return before - now < STALL_DROP * abs(before)

    def moved(self) -> bool:
        """Whether pricing lowered the LP below its first value, the roster given."""
        return bool(self.values) and self.values[-1] < self.values[0] - IMPROVES

    def price_people(self, people: list[PersonRules], master: _MasterLP, deadline: float) -> bool:
        """A plan for each of `people` at the master LP's duals; whether any joined."""
        duals, convexity = master.solve()
        joined = False
        for person in people:
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
        a type (four nights in four weeks, say), and high duals on nights make every plan
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
    def _worth(
        person: PersonRules, duals: dict[Slot, float], fines: dict[str, float]
    ) -> Callable[[int, Item | None], float]:
        def worth(d: int, item: Item | None) -> float:
            value = float(request_worth(person, d, item))
            if item is None:
                return value
            return value + duals.get(_slot(item), 0.0) - fines.get(item.shift.id, 0.0)

        return worth


class _MasterLP:
    """The restricted master: a mix of known plans per person, cover priced by its weights."""

    def __init__(self, columns: _Columns, held: dict[int, int] | None = None) -> None:
        """`held`: people held to one of their plans (person: the plan's index)."""
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
        for person_index, plan_index in (held or {}).items():
            self.vars[person_index][plan_index].SetLb(1)
        objective.SetMinimization()

    def _column(self, person: PersonRules, plan: Plan) -> None:
        # No upper bound of 1: the person's row already caps the share, and with the bound the LP
        # may price a plan held whole on the bound instead of on the person's row, whose dual is
        # then 0 and makes plans look better than the mix that are not (a higher LP, still
        # pricing, after more time with the bound than without it).
        var = self.lp.NumVar(0, self.lp.infinity(), "")
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
        return (
            {slot: row.dual_value() for slot, row in self.rows.items()},
            [row.dual_value() for row in self.convexity],
        )

    def value(self) -> float:
        """The LP's value at its last solve."""
        return float(self.lp.Objective().Value())

    def shares(self) -> list[list[float]]:
        """Each person's share of each of their plans in the LP's mix."""
        self.lp.Solve()
        return [[share.solution_value() for share in shares] for shares in self.vars]


def _slot(item: Item) -> Slot:
    return item.day, item.post.id, item.shift.id
