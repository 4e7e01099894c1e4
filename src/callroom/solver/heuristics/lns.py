"""Large-neighbourhood search driven from here, for general rostering beyond a few thousand
shift variables (solver.run picks it).

On the Curtois benchmark's largest instances (100-150 people over 6-12 months) the whole CP-SAT
model takes most of a minute just to build, and CP-SAT's own neighbourhoods then move slowly:
the roster it returns is much the constructed one. From a few thousand variables, over six
weeks and more above all, this search beats the whole model's too. It never builds the whole
model.
Each step frees a few cells (person-days) of the current roster, builds a small CP-SAT model of
just those (everyone and everything else held: their work enters as constants in the cover and
in the freed people's own rules), solves it from the current roster (a complete hint, so the
model's first solution is the roster itself) and keeps the answer when it costs no more: equal
moves drift across plateaus. The small model prices exactly what the freed cells change (cover
of the days they touch, their people's requests), so the roster's penalty never rises.

Neighbourhoods (`KINDS`): a few people who share shift types over a window of weeks, or over the
whole block (so their work may move between weeks months apart); people who may work one of the
slots whose cover costs most, over weeks around it; one shift type for a few people over the
whole horizon (their days off and on it may trade); a trade, where the people who may work a
costly slot are freed on its week and on a far week of their own work (on a slot covered over
its target where they have one), so work moves across months. A bandit picks the kind by what it
has gained per deterministic second lately, and each kind's size (the cells it frees) grows
while its steps are solved to optimality well within their budget and shrinks when they run out
of it. Beside the steps, one thread may first replan people one at a time over the whole block
(`_replan_rounds`), the single-person move the constructor's rounds make, for as long as that
gains more than a thread of steps.

The small model keeps the general rules of one person (runs, days off, weekends, totals, shift
caps, successions and overlaps) and cover; `fits` says which programs use nothing else (no
ACGME rules, conflicts, holidays, history, approved absences or fairness goals), the Curtois
benchmark among them. With one thread, a fixed seed and a budget of steps or deterministic
seconds the search is deterministic: each step's CP-SAT runs one worker on a deterministic
time limit, and sizes follow deterministic time. A wall-clock deadline makes the number of
steps depend on the machine, and two threads the order steps finish in.
"""

from __future__ import annotations

import heapq
import math
import random
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from ortools.sat.python import cp_model
from ortools.sat.python.cp_model import LinearExpr

from callroom.domain.grades import Grade
from callroom.domain.program import CoverRequirement, Program
from callroom.rules.cover import demand_days
from callroom.rules.penalties import fairness_groups
from callroom.solver.build.space import Item, Space
from callroom.solver.heuristics.construct import request_worth
from callroom.solver.heuristics.person_rules import NO_CAP, NO_MINUTE_CAP, PersonRules
from callroom.solver.heuristics.replan import best_plan

Slot = tuple[int, str, str]  # (day, post, shift)
Cell = tuple[int, int]  # (person, day)

KINDS = ("window", "block", "worst_days", "shift_type", "trade")
FIRST_CELLS = 120  # person-days freed by a kind's first step
FEWEST_CELLS, MOST_CELLS = 20, 3000
GROW, SHRINK = 1.2, 0.7
STEP_DETERMINISTIC_S = 0.5  # CP-SAT's budget per step, in deterministic seconds
QUICK = 0.3  # a step proven optimal within this share of its budget lets the size grow
EXPLORE = 0.15  # chance of a kind picked at random rather than by its gains
MEMORY = 0.8  # weight of a kind's past gains against its newest step
WEEKS = (7, 14, 28)  # window lengths in days
TRADE_DAYS = 7  # each of a trade's two windows, in days


def fits(program: Program) -> bool:
    """Whether the small models keep every rule of the program: only one person's general
    rules and cover, which is what `LocalSearch` builds."""
    return not (
        program.rules.acgme
        or program.conflicts
        or program.holidays
        or program.history is not None
        or program.absences
        or fairness_groups(program)
    )


@dataclass(frozen=True)
class Need:
    """One cover requirement on one slot."""

    grades: frozenset[Grade]
    requirement: CoverRequirement


@dataclass
class Kind:
    """What the bandit knows of one kind of neighbourhood."""

    name: str
    cells: float = FIRST_CELLS
    gain: float = 1e9  # gain per deterministic second, optimistic until tried
    steps: int = 0
    kept: int = 0


@dataclass(frozen=True)
class _Until:
    """When a run ends: at a monotonic deadline, after a number of steps or deterministic
    seconds of CP-SAT, or when `stop` is set (whichever are given)."""

    deadline: float | None
    max_steps: int | None
    budget: float | None
    stop: threading.Event | None

    def reached(self, stats: Stats) -> bool:
        return (
            (self.deadline is not None and time.monotonic() >= self.deadline)
            or (self.max_steps is not None and stats.steps >= self.max_steps)
            or (self.budget is not None and stats.spent >= self.budget)
            or (self.stop is not None and self.stop.is_set())
        )


@dataclass
class Stats:
    steps: int = 0
    improved: int = 0
    gained: int = 0
    spent: float = 0.0  # CP-SAT's deterministic seconds
    kinds: dict[str, Kind] = field(default_factory=dict)
    replanned: int = 0  # of `gained`, what replanning people one at a time gained


class LocalSearch:
    """The current roster, the cover it gives, and the steps that improve it."""

    def __init__(self, space: Space, roster: Sequence[Item], seed: int = 0, start_total: int = 0) -> None:
        self.space, self.program = space, space.program
        self.random = random.Random(seed)
        self.seed = seed
        self.days = self.program.block.days
        self.people = [PersonRules(space, p, person) for p, person in enumerate(self.program.people)]
        self.held, self.tally = self._holding(roster)
        self.needs = self._needs()
        self.shifts_of = [frozenset(s for _, s in self.program.options(p)) for p in self.program.people]
        # On a block no longer than the longest window, a block step is a window step: left out.
        kinds = [k for k in KINDS if k != "block" or self.days > max(WEEKS)]
        self.kinds = {name: Kind(name) for name in kinds}
        self.stats = Stats(kinds=self.kinds)
        self.last_gain_s: float | None = None  # monotonic time of the last step that gained
        self.start_total = start_total
        self.lock = threading.RLock()  # the roster, its tally and the statistics
        self.busy: set[int] = set()  # people freed by a step under way

    def _holding(self, roster: Sequence[Item]) -> tuple[list[dict[int, Item]], dict[Slot, Counter[Grade]]]:
        """Each person's items by day, and the cover they give each slot by grade."""
        held: list[dict[int, Item]] = [{} for _ in self.people]
        for item in roster:
            held[item.person][item.day] = item
        tally: dict[Slot, Counter[Grade]] = defaultdict(Counter)
        for days in held:
            for item in days.values():
                tally[_slot(item)][self.program.people[item.person].grade] += 1
        return held, tally

    def adopt(self, roster: Sequence[Item], total: int) -> None:
        """Go on from `roster` (of penalty `total`), improved since by other means; what the
        kinds have learnt is kept."""
        with self.lock:
            self.held, self.tally = self._holding(roster)
            self.start_total = total + self.stats.gained  # what `on_gain` hears counts from it

    def _needs(self) -> dict[Slot, list[Need]]:
        needs: dict[Slot, list[Need]] = defaultdict(list)
        block = self.program.block
        grades = {person.grade for person in self.program.people}
        for demand in self.program.demands:
            for day in demand_days(self.program, demand):
                for need in demand.requirements:
                    taken = frozenset(g for g in grades if g in need.grades)
                    needs[block.index(day), demand.post_id, demand.shift_id].append(Need(taken, need))
        return needs

    def roster(self) -> list[Item]:
        return [item for days in self.held for item in days.values()]

    def run(
        self,
        deadline: float | None,
        max_steps: int | None = None,
        *,
        budget: float | None = None,
        stop: threading.Event | None = None,
        on_gain: Callable[[int], None] | None = None,
        threads: int = 1,
        replan: bool = False,
    ) -> list[Item]:
        """Steps until the monotonic deadline, `max_steps`, `budget` deterministic seconds of
        CP-SAT or `stop` is set; returns the roster then. `on_gain` hears the penalty after
        each step that lowers it, counted from `start_total`. With more than one thread, steps
        on different people run side by side (CP-SAT lets go of the interpreter while it
        solves); the order they finish in then varies, so only one thread is deterministic.
        With `replan` and more than one thread, one of them first replans people one at a time
        (see `_replan_rounds`)."""

        until = _Until(deadline, max_steps, budget, stop)
        work = partial(self._work, until, on_gain)
        first = partial(self._replan_then_work, until, on_gain, threads - 1) if replan else work
        others = [
            threading.Thread(target=first if n == 1 else work, name=f"lns-{n}", daemon=True)
            for n in range(1, threads)
        ]
        for thread in others:
            thread.start()
        work()
        for thread in others:
            thread.join()
        return self.roster()

    def _work(self, until: _Until, on_gain: Callable[[int], None] | None) -> None:
        """Steps, one after another, until `until`."""
        while True:
            with self.lock:
                if until.reached(self.stats):
                    return
                kind = self._pick()
                cells = {c: o for c, o in self._cells(kind).items() if c[0] not in self.busy}
                mine = {p for p, _ in cells}
                self.busy |= mine
            try:
                gained = self.step(kind, cells)
            finally:
                with self.lock:
                    self.busy -= mine
            if gained > 0:
                self._tell_gain(on_gain)

    def _tell_gain(self, on_gain: Callable[[int], None] | None) -> None:
        self.last_gain_s = time.monotonic()
        if on_gain is not None:
            on_gain(self.start_total - self.stats.gained)

    def _replan_then_work(self, until: _Until, on_gain: Callable[[int], None] | None, beside: int) -> None:
        self._replan_rounds(until, on_gain, beside)
        self._work(until, on_gain)

    def _replan_rounds(self, until: _Until, on_gain: Callable[[int], None] | None, beside: int) -> None:
        """Everyone in turn replanned over the whole block against everyone else's cover
        (replan.best_plan, as the constructor's rounds do), round after round while a round
        gains more than each of the `beside` threads stepping meanwhile. Where the constructor
        had time for few rounds (Curtois Instance21-24, two rounds or one; solver.run asks for
        replanning only there) the next rounds gain about as much per second as a thread of
        steps, by moves the steps seldom make: work moves to short weekends and off the
        over-covered shift everyone may work, months apart, for one person at a time."""
        while not until.reached(self.stats):
            gained, replanned = self.stats.gained, self.stats.replanned
            for p in range(len(self.people)):
                if until.reached(self.stats):
                    return
                if self._replan(p) > 0:
                    self._tell_gain(on_gain)
            mine = self.stats.replanned - replanned
            if mine <= (self.stats.gained - gained - mine) / beside:
                return

    def _replan(self, p: int) -> int:
        """Person `p`'s best plan, kept when it lowers the penalty as the roster is when it is
        found; returns what it gained. The plan is worked out without the lock (steps beside it
        may move the cover it was valued on) and judged again under it."""
        with self.lock:
            if p in self.busy:
                return 0
            self.busy.add(p)
        try:
            plan = best_plan(self.people[p], lambda d, item: self._worth(p, d, item))
            with self.lock:
                return 0 if plan is None else self._keep_plan(p, plan)
        finally:
            with self.lock:
                self.busy.discard(p)

    def _keep_plan(self, p: int, plan: list[Item]) -> int:
        new = {item.day: item for item in plan}
        held = self.held[p]
        chosen = {(p, d): new.get(d) for d in held.keys() | new.keys() if held.get(d) is not new.get(d)}
        gained = self._keep(chosen, ties=False)
        self.stats.improved += gained > 0
        self.stats.gained += gained
        self.stats.replanned += gained
        return gained

    def _worth(self, p: int, d: int, item: Item | None) -> float:
        """What `p` working `item` on day d (None: a day off) is worth: the requests it grants
        or refuses, and the cover points one more person there saves against everyone else's
        work (a loss where the slot is covered enough)."""
        rules = self.people[p]
        value = float(request_worth(rules, d, item))
        if item is None:
            return value
        slot, grade, mine = _slot(item), rules.person.grade, self.held[p].get(d)
        own = int(mine is not None and _slot(mine) == slot)
        for need in self.needs.get(slot, ()):
            if grade in need.grades:
                others = self._count(slot, need) - own
                value += need.requirement.miss(others) - need.requirement.miss(others + 1)
        return value

    def _pick(self) -> Kind:
        if self.random.random() < EXPLORE:
            return self.random.choice(list(self.kinds.values()))
        return max(self.kinds.values(), key=lambda k: k.gain)

    def _cells(self, kind: Kind) -> dict[Cell, list[Item]]:
        """The cells a step of `kind` frees, with the items each may take."""
        if kind.name == "worst_days":
            return self._worst_days(kind.cells)
        if kind.name == "shift_type":
            return self._shift_type(kind.cells)
        if kind.name == "trade":
            return self._trade(kind.cells)
        if kind.name == "block":
            return self._window(kind.cells, range(self.days))
        return self._window(kind.cells, self._span())

    def _free(self, people: Sequence[int], days: range, shift: str | None = None) -> dict[Cell, list[Item]]:
        cells: dict[Cell, list[Item]] = {}
        for p in people:
            rules = self.people[p]
            for d in days:
                if rules.off_days[d]:
                    continue
                held = self.held[p].get(d)
                if shift is not None and held is not None and held.shift.id != shift:
                    continue
                row = self.space.items[p][d]
                cells[p, d] = row if shift is None else [i for i in row if i.shift.id == shift]
        return cells

    def _span(self) -> range:
        """A window of weeks at random."""
        length = min(self.random.choice(WEEKS), self.days)
        first = self.random.randrange(0, self.days - length + 1)
        return range(first, first + length)

    def _window(self, cells: float, days: range) -> dict[Cell, list[Item]]:
        """`days` for a few people, about `cells` cells, who share shift types with a first one
        chosen at random: people who could never trade work gain nothing from being freed
        together. Over the whole block their work may move between weeks months apart: on
        Curtois Instance19 every short slot is on a weekend and everyone works their cap of
        weekends, so only a one-day weekend given up for a two-day one elsewhere fills it, a
        move no window of weeks holds."""
        count = max(1, round(cells / len(days)))
        first = self.random.randrange(len(self.people))
        mine = self.shifts_of[first]
        others = [p for p in range(len(self.people)) if p != first]
        self.random.shuffle(others)
        others.sort(key=lambda p: -len(mine & self.shifts_of[p]))
        return self._free([first, *others[: count - 1]], days)

    def _worst_days(self, cells: float) -> dict[Cell, list[Item]]:
        """Around one of the slots whose cover costs most, people who may work its shift."""
        day, shift = self._worst_slot()
        days = self._around(day, self.random.choice(WEEKS))
        count = max(1, round(cells / len(days)))
        return self._free(self._able(day, shift, count), days)

    def _worst_slot(self) -> tuple[int, str]:
        """The day and shift of one of the slots whose cover costs most (among the worst 5%)."""
        costs = [
            (sum(n.requirement.miss(self._count(slot, n)) for n in needs), slot)
            for slot, needs in self.needs.items()
        ]
        worst = heapq.nlargest(max(1, len(costs) // 20), costs, key=lambda cost: cost[0])
        _, (day, _, shift) = self.random.choice(worst)
        return day, shift

    def _able(self, day: int, shift: str, count: int) -> list[int]:
        """Up to `count` people at random who are not off on `day` and may work `shift`."""
        able = [
            p for p, rules in enumerate(self.people) if not rules.off_days[day] and shift in self.shifts_of[p]
        ]
        return self.random.sample(able, min(count, len(able)))

    def _trade(self, cells: float) -> dict[Cell, list[Item]]:
        """A week around one of the slots whose cover costs most, and for each of a few people
        who may work it a week around one of their own days of work on a slot covered over its
        target (or any of their days of work): their work may move between the two. Where
        people work their minimum minutes or their most weekends, a short slot far from any
        over-covered one is filled only so, and windows of a few weeks never hold both."""
        day, shift = self._worst_slot()
        count = max(1, round(cells / (2 * TRADE_DAYS)))
        chosen: dict[Cell, list[Item]] = {}
        for p in self._able(day, shift, count):
            elsewhere = [d for d in self.held[p] if abs(d - day) > TRADE_DAYS]
            if elsewhere:
                over = [d for d in elsewhere if self._over(self.held[p][d])]
                source = self.random.choice(over or elsewhere)
                chosen |= self._free([p], self._around(source, TRADE_DAYS))
            chosen |= self._free([p], self._around(day, TRADE_DAYS))
        return chosen

    def _around(self, day: int, length: int) -> range:
        """`length` days (at most the block) centred on `day` where the block allows."""
        length = min(length, self.days)
        first = min(max(0, day - length // 2), self.days - length)
        return range(first, first + length)

    def _over(self, item: Item) -> bool:
        """Whether the slot `item` works is covered above a target of its own."""
        slot = _slot(item)
        return any(
            n.requirement.target is not None and self._count(slot, n) > n.requirement.target
            for n in self.needs.get(slot, ())
        )

    def _shift_type(self, cells: float) -> dict[Cell, list[Item]]:
        """One shift type over the whole block, for people who may work it: each of their
        days off or on that type may change between the two."""
        shift = self.random.choice(self.program.shift_types).id
        able = [p for p in range(len(self.people)) if shift in self.shifts_of[p]] or list(
            range(len(self.people))
        )
        count = max(1, round(cells / max(self.days // 2, 1)))
        people = self.random.sample(able, min(count, len(able)))
        return self._free(people, range(self.days), shift)

    def _count(self, slot: Slot, need: Need) -> int:
        held = self.tally.get(slot)
        return 0 if held is None else sum(held[g] for g in need.grades)

    def step(self, kind: Kind, cells: dict[Cell, list[Item]]) -> int:
        """Frees `cells`, solves their small model and keeps the answer when it costs no more;
        returns what it gained (0 when nothing changed for the better)."""
        with self.lock:
            self.stats.steps += 1
            kind.steps += 1
            if not cells:
                return 0
            for p, d in cells:
                self._take(self.held[p].get(d), -1)
            small = _Small(self, cells)
            for p, d in cells:
                self._take(self.held[p].get(d), 1)
            seed = self.seed + self.stats.steps
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = seed
        solver.parameters.max_deterministic_time = STEP_DETERMINISTIC_S
        # The full linear relaxation proves most steps optimal at once (cover is linear);
        # without it, half the steps of 60 cells on Instance13 ran out of their budget.
        solver.parameters.linearization_level = 2
        status = solver.solve(small.model)
        with self.lock:
            gained = 0
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                # Equal moves drift across plateaus.
                gained = self._keep(small.chosen(solver), ties=True)
            self._learn(kind, status, solver.deterministic_time, gained)
        return gained

    def _keep(self, chosen: dict[Cell, Item | None], *, ties: bool) -> int:
        """Puts `chosen` in its cells when that lowers the penalty (or keeps it, with `ties`),
        judged on the roster as it is now: a step or replan beside this one may have changed
        the cover it took as constant. Returns what it gained."""
        change = self._change(chosen)
        if change is None or change > 0 or (change == 0 and not ties):
            return 0
        self._apply(chosen)
        return -change

    def _change(self, chosen: dict[Cell, Item | None]) -> int | None:
        """What putting `chosen` in the cells would change in the penalty (requests and cover
        of the slots it touches); None when it would break a hard cover bound further."""
        change = 0
        moved: dict[Slot, Counter[Grade]] = defaultdict(Counter)
        for (p, d), new in chosen.items():
            old, rules = self.held[p].get(d), self.people[p]
            if old is new:
                continue
            change += request_worth(rules, d, old) - request_worth(rules, d, new)
            grade = rules.person.grade
            if old is not None:
                moved[_slot(old)][grade] -= 1
            if new is not None:
                moved[_slot(new)][grade] += 1
        for slot, by_grade in moved.items():
            for need in self.needs.get(slot, ()):
                before = self._count(slot, need)
                after = before + sum(by_grade[g] for g in need.grades)
                bounds = need.requirement
                if (after < bounds.minimum and after < before) or (
                    bounds.maximum is not None and after > bounds.maximum and after > before
                ):
                    return None
                change += bounds.miss(after) - bounds.miss(before)
        return change

    def _apply(self, chosen: dict[Cell, Item | None]) -> None:
        for (p, d), new in chosen.items():
            self._take(self.held[p].get(d), -1)
            if new is None:
                self.held[p].pop(d, None)
            else:
                self.held[p][d] = new
            self._take(new, 1)

    def _take(self, item: Item | None, sign: int) -> None:
        if item is not None:
            self.tally[_slot(item)][self.program.people[item.person].grade] += sign

    def _learn(self, kind: Kind, status: cp_model.CpSolverStatus, spent: float, gained: int) -> None:
        self.stats.spent += spent
        self.stats.improved += gained > 0
        self.stats.gained += gained
        kind.kept += gained > 0
        fresh = gained / max(spent, 1e-3)
        kind.gain = fresh if kind.gain >= 1e9 else MEMORY * kind.gain + (1 - MEMORY) * fresh
        if status == cp_model.OPTIMAL and spent < QUICK * STEP_DETERMINISTIC_S:
            kind.cells = min(kind.cells * GROW, MOST_CELLS)
        elif status != cp_model.OPTIMAL:
            kind.cells = max(kind.cells * SHRINK, FEWEST_CELLS)


class _Small:
    """The CP-SAT model of the freed cells, everything else constant, hinted with the roster."""

    def __init__(self, search: LocalSearch, cells: dict[Cell, list[Item]]) -> None:
        self.search, self.model = search, cp_model.CpModel()
        self.hints: dict[int, int] = {}
        self.terms: list[tuple[int, cp_model.LinearExprT]] = []
        self.x: dict[Cell, list[tuple[Item, cp_model.IntVar]]] = {}
        self.works: dict[Cell, cp_model.IntVar] = {}
        by_person: dict[int, list[int]] = defaultdict(list)
        for p, d in cells:
            by_person[p].append(d)
        for p, days in by_person.items():
            self._person(p, sorted(days), cells)
        self._cover()
        expr = LinearExpr.weighted_sum([v for _, v in self.terms], [c for c, _ in self.terms])
        self.model.minimize(expr)
        self.model.proto.solution_hint.vars.extend(list(self.hints))
        self.model.proto.solution_hint.values.extend(list(self.hints.values()))

    def _hinted(self, var: cp_model.LinearExprT) -> int:
        assert isinstance(var, cp_model.IntVar)
        return self.hints[var.index]

    def _var(self, low: int, high: int, hint: int) -> cp_model.IntVar:
        var = self.model.new_int_var(low, high, "")
        self.hints[var.index] = hint
        return var

    def _bool(self, hint: bool) -> cp_model.IntVar:
        var = self.model.new_bool_var("")
        self.hints[var.index] = int(hint)
        return var

    # One person's rules, with their days outside the freed cells as constants.

    def _person(self, p: int, days: list[int], cells: dict[Cell, list[Item]]) -> None:
        search, rules = self.search, self.search.people[p]
        held, limits = search.held[p], rules.person.limits
        fixed_days = [d for d in held if (p, d) not in cells]
        fixed_counts = Counter(held[d].shift.id for d in fixed_days)
        room = {s: cap - fixed_counts[s] for s, cap in limits.max_shifts.items()}
        for d in days:
            options = [
                i for i in cells[p, d] if room.get(i.shift.id, NO_CAP) > 0 and self._fits_fixed(p, i, cells)
            ]
            current = held.get(d)
            if current is not None and current not in options:
                options.append(current)  # a step never loses the roster it starts from
            x = [(item, self._bool(item is current)) for item in options]
            work = self._bool(current is not None)
            self.model.add(LinearExpr.sum([v for _, v in x]) == work)
            self.x[p, d], self.works[p, d] = x, work
            none_cost = -request_worth(rules, d, None)  # the same whatever is chosen: left out
            for item, var in x:
                cost = -request_worth(rules, d, item) - none_cost
                if cost:
                    self.terms.append((cost, var))
        self._successions(p, days)
        for shift_id, left in room.items():
            free = [v for d in days for item, v in self.x[p, d] if item.shift.id == shift_id]
            if free and left < len(free):
                self.model.add(LinearExpr.sum(free) <= max(left, 0))
        self._minutes(p, days, fixed_days)
        self._runs(p, days)
        self._weekends(p, days)

    def _fits_fixed(self, p: int, item: Item, cells: dict[Cell, list[Item]]) -> bool:
        """The item neither overlaps nor wrongly follows or precedes held work of the person."""
        search, reach = self.search, self.search.space.reach
        forbidden = search.program.rules.forbidden_successions
        for e in range(max(0, item.day - reach), min(search.days, item.day + reach + 1)):
            other = search.held[p].get(e)
            if e == item.day or other is None or (p, e) in cells:
                continue
            first, second = (other, item) if e < item.day else (item, other)
            if _clash(first, second, forbidden):
                return False
        return True

    def _successions(self, p: int, days: list[int]) -> None:
        forbidden = self.search.program.rules.forbidden_successions
        reach = self.search.space.reach
        for d in days:
            for e in range(d + 1, d + reach + 1):
                if (p, e) not in self.x:
                    continue
                for first, var in self.x[p, d]:
                    later = [v for item, v in self.x[p, e] if _clash(first, item, forbidden)]
                    if later:
                        self.model.add_at_most_one([var, *later])

    def _minutes(self, p: int, days: list[int], fixed_days: list[int]) -> None:
        limits = self.search.people[p].person.limits
        low, high = limits.min_total_minutes or 0, limits.max_total_minutes or NO_MINUTE_CAP
        if low <= 0 and high >= NO_MINUTE_CAP:
            return
        fixed = sum(self.search.held[p][d].counted for d in fixed_days)
        chosen = [(item.counted, v) for d in days for item, v in self.x[p, d]]
        total = LinearExpr.weighted_sum([v for _, v in chosen], [c for c, _ in chosen])
        if low > 0:
            self.model.add(total >= low - fixed)
        if high < NO_MINUTE_CAP:
            self.model.add(total <= high - fixed)

    def _worked(self, p: int, d: int) -> cp_model.IntVar | bool:
        return self.works[p, d] if (p, d) in self.works else d in self.search.held[p]

    def _runs(self, p: int, days: list[int]) -> None:
        """Longest runs of work, and shortest runs of work and of days off (runs touching the
        block's ends are exempt), on the windows that hold a freed day."""
        limits, first, last = self.search.people[p].person.limits, days[0], days[-1]
        worked = [self._worked(p, d) for d in range(self.search.days)]
        cap = limits.max_consecutive_work
        if cap is not None and cap < self.search.days:
            for start in range(max(0, first - cap), min(last, self.search.days - cap - 1) + 1):
                window = worked[start : start + cap + 1]
                free = [w for w in window if not isinstance(w, bool)]
                if free:
                    self.model.add(LinearExpr.sum(free) <= cap - sum(1 for w in window if w is True))
        for minimum, inside in (
            (limits.min_consecutive_work, worked),
            (limits.min_consecutive_off, [_negated(w) for w in worked]),
        ):
            for length in range(1, (minimum or 0)):
                for start in range(max(1, first - length), min(last + 1, len(inside) - length - 1) + 1):
                    clause = [inside[start - 1], *map(_negated, inside[start : start + length])]
                    clause.append(inside[start + length])
                    if any(lit is True for lit in clause):
                        continue
                    literals = [lit for lit in clause if not isinstance(lit, bool)]
                    if literals:
                        self.model.add_bool_or(literals)

    def _weekends(self, p: int, days: list[int]) -> None:
        rules = self.search.people[p]
        cap = rules.person.limits.max_weekends
        if cap is None:
            return
        by_weekend: dict[int, list[int]] = defaultdict(list)
        for d, weekend in enumerate(rules.weekend_of):
            if weekend is not None:
                by_weekend[weekend].append(d)
        if cap >= len(by_weekend):
            return
        freed = {rules.weekend_of[d] for d in days} - {None}
        fixed, free = 0, []
        for weekend, weekend_days in by_weekend.items():
            worked = [self._worked(p, d) for d in weekend_days]
            if any(w is True for w in worked):
                fixed += 1
            elif weekend in freed:
                literals = [w for w in worked if not isinstance(w, bool)]
                var = self._bool(any(self.search.held[p].get(d) is not None for d in weekend_days))
                self.model.add_max_equality(var, literals)
                free.append(var)
        if free:
            self.model.add(LinearExpr.sum(free) <= cap - fixed)

    # Cover: the freed cells' items beside the constant work of everyone else.

    def _cover(self) -> None:
        search = self.search
        at: dict[Slot, list[tuple[Grade, cp_model.IntVar]]] = defaultdict(list)
        for (p, _), x in self.x.items():
            grade = search.program.people[p].grade
            for item, var in x:
                at[_slot(item)].append((grade, var))
        for slot, holders in at.items():
            for need in search.needs.get(slot, ()):
                free = [v for g, v in holders if g in need.grades]
                if free:
                    self._requirement(free, search._count(slot, need), need.requirement)

    def _requirement(self, free: list[cp_model.IntVar], fixed: int, need: CoverRequirement) -> None:
        count = LinearExpr.sum(free)
        now = fixed + sum(self._hinted(v) for v in free)
        if need.minimum > fixed:
            self.model.add(count >= need.minimum - fixed)
        if need.maximum is not None:
            self.model.add(count <= need.maximum - fixed)
        if need.target is None:
            return
        if need.weight_under > 0 and need.target > fixed:
            short = self._var(0, need.target - fixed, max(need.target - now, 0))
            self.model.add(short >= need.target - fixed - count)
            self.terms.append((need.weight_under, short))
        if need.weight_over > 0 and fixed + len(free) > need.target:
            extra = self._var(0, fixed + len(free) - need.target, max(now - need.target, 0))
            self.model.add(extra >= count + fixed - need.target)
            self.terms.append((need.weight_over, extra))

    def chosen(self, solver: cp_model.CpSolver) -> dict[Cell, Item | None]:
        """Each freed cell's item in the solver's answer (None: a day off)."""
        return {
            cell: next((item for item, var in x if solver.boolean_value(var)), None)
            for cell, x in self.x.items()
        }


def _slot(item: Item) -> Slot:
    return item.day, item.post.id, item.shift.id


def _clash(first: Item, second: Item, forbidden: frozenset[tuple[str, str]]) -> bool:
    """Whether `first` (the earlier day's) and `second` may not both be worked."""
    if second.day == first.day + 1 and (first.shift.id, second.shift.id) in forbidden:
        return True
    return second.start < first.end


def _negated(day: cp_model.IntVar | bool) -> cp_model.IntVar | bool:
    return not day if isinstance(day, bool) else day.Not()  # type: ignore[return-value]


def gain_summary(stats: Stats) -> str:
    """One line on what the search did, for notes and logs."""
    kinds = ", ".join(
        f"{k.name} {k.kept}/{k.steps} (size {math.floor(k.cells)})" for k in stats.kinds.values()
    )
    gained = f"gained {stats.gained} ({stats.replanned} by replanning)"
    return f"{stats.steps} steps, {stats.improved} improving, {gained}; {kinds}"
