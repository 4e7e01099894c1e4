"""A first roster built person by person, given to CP-SAT as a hint.

On large general-rostering problems (the Curtois benchmark's Instance17-24: up to 150 people
over a year) CP-SAT can spend the whole time limit looking for any roster at all, because each
person's own rules (total minutes within a narrow band, runs of work and rest, weekends,
successions) interlock over hundreds of days. Those rules concern one person at a time, so a
depth-first search per person finds a schedule that keeps them in milliseconds, steering
towards uncovered shifts and granted requests as it goes; the people before already hold their
shifts, so the cover left to fill guides the next one.

The search keeps the general rules only (ACGME rules and cover minimums span people and are left
to CP-SAT), so `solve` uses it for programs without ACGME rules. A person the search cannot
schedule within its node budget, after every attempt in ATTEMPTS, is handed to CP-SAT alone
(their own rules as a model of one person); if that fails too, the hint names shifts only.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from functools import cached_property

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model

from callroom.domain.program import Person, PersonLimits, Request
from callroom.rules.cover import demand_days
from callroom.solver.model import build_model
from callroom.solver.space import Item, Space

NODE_BUDGET = 20_000  # backtracking steps per person before giving up on them
BEHIND_PACE = 10_000  # the pull towards work when the minimum total is at risk
REPASSES = 1  # rounds of replanning each person against all the others
ALONE_SECONDS, ALONE_WORKERS = 10.0, 2  # CP-SAT on one person's rules, when the search fails
_NONE = -10_000  # no way on keeps the rules (far below any count of days)


@dataclasses.dataclass(frozen=True)
class Attempt:
    """How one search is steered: by cover and requests or by the person's rules alone, and
    the total it paces towards (0: the bottom of the allowed band, 1: the top)."""

    steer: bool
    band: float

    def goal(self, limits: PersonLimits) -> float:
        low = limits.min_total_minutes or 0
        high = max(low, limits.max_total_minutes or low)
        return low + self.band * (high - low)


# Cover and requests can lead the search into a corner it cannot back out of within the budget,
# and so can pacing too close to either end of the band; each attempt after the first trades
# some of the roster's quality for a better chance of finishing.
ATTEMPTS = (Attempt(True, 1.0), Attempt(True, 0.5), Attempt(False, 1.0), Attempt(False, 0.5),
            Attempt(False, 0.0))


@dataclasses.dataclass
class _State:
    """A person's schedule so far: the facts the rules look at on the next day."""

    last: Item | None = None  # yesterday's work, None when off
    run: int = 0  # length of the current run of work (last is set) or of days off
    run_from_start: bool = True  # the run began on the block's first day (exempt from minimums)
    minutes: int = 0
    counts: dict[str, int] = dataclasses.field(default_factory=lambda: defaultdict(int))
    weekends: set[int] = dataclasses.field(default_factory=set)


@dataclasses.dataclass
class _Person:
    """One person's rules, read once."""

    space: Space
    index: int
    person: Person

    @cached_property
    def requests(self) -> dict[int, list[Request]]:
        by_day: dict[int, list[Request]] = defaultdict(list)
        for request in self.person.requests:
            by_day[self.space.program.block.index(request.day)].append(request)
        return by_day

    @cached_property
    def off_days(self) -> list[bool]:
        return [self.person.unavailable(d) for d in self.space.program.block.dates()]

    @cached_property
    def weekend_of(self) -> list[int | None]:
        dates = self.space.program.block.dates()
        return [d - (dates[d].weekday() == 6) if dates[d].weekday() >= 5 else None
                for d in range(len(dates))]

    @cached_property
    def run_cap(self) -> int:
        """Runs longer than every run limit are all alike to the rules."""
        limits = self.person.limits
        return max(limits.max_consecutive_work or 1, limits.min_consecutive_work or 1,
                   limits.min_consecutive_off or 1)

    @cached_property
    def weekend_slots(self) -> int:
        """How many weekend counts the table tells apart: 0..max_weekends, or one without a cap."""
        cap = self.person.limits.max_weekends
        return 1 if cap is None else cap + 1

    @cached_property
    def most_work_days(self) -> npt.NDArray[np.int16]:
        """most_work_days[d, row, k]: the most days one can still work from day d on, where row
        is yesterday's run (see _row) and k the weekends already worked; negative when no way
        on keeps the run rules, days off and the weekend cap.

        Exact for those three rules together, which is what lets the search back out of a
        corner at once (Instance22: 232 of 364 days in runs of 2-5, at most 26 weekends and
        36 fixed days off); shift caps and successions are left out, so it is an upper bound."""
        days, rows, slots = len(self.off_days), 2 * (self.run_cap + 1), self.weekend_slots
        table = np.full((days + 1, rows, slots), _NONE, dtype=np.int16)
        table[days] = 0
        rest_to, rest_ok, work_to, work_ok = self._transitions()
        for d in range(days - 1, -1, -1):
            after = table[d + 1]
            rest = np.where(rest_ok[:, None], after[rest_to], _NONE)
            work = after[work_to]
            counted = self._weekend_counted(d)
            if counted is not None:
                shifted = np.concatenate((work[:, 1:], np.full((rows, 1), _NONE)), axis=1)
                work = np.where(counted[:, None], shifted, work)
            work = np.where(work_ok[:, None] & (not self.off_days[d]), work + 1, _NONE)
            table[d] = np.maximum(np.maximum(rest, work), _NONE)
        return table

    def _row(self, working: bool, run: int) -> int:
        return int(working) * (self.run_cap + 1) + min(run, self.run_cap)

    def _transitions(self) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.bool_],
                                    npt.NDArray[np.intp], npt.NDArray[np.bool_]]:
        """For each row: the row after a day off and whether it is allowed, and the same for
        a day of work (row 0, off with no run, is the block's start)."""
        limits, cap = self.person.limits, self.run_cap
        rest_to, rest_ok, work_to, work_ok = [], [], [], []
        for working in (False, True):
            for run in range(cap + 1):
                rest_to.append(self._row(False, run + 1 if not working else 1))
                rest_ok.append(not working or (limits.min_consecutive_work or 0) <= run)
                work_to.append(self._row(True, run + 1 if working else 1))
                work_ok.append(run < (limits.max_consecutive_work or cap + 1) if working
                               else run == 0 or (limits.min_consecutive_off or 0) <= run)
        return (np.array(rest_to), np.array(rest_ok), np.array(work_to), np.array(work_ok))

    def _weekend_counted(self, d: int) -> npt.NDArray[np.bool_] | None:
        """Per row, whether working on day d starts a weekend (None: d is a weekday, or there
        is no cap). A Sunday after a worked Saturday belongs to a weekend already counted."""
        weekend = self.weekend_of[d]
        if weekend is None or self.person.limits.max_weekends is None:
            return None
        after_saturday = weekend != d and d > 0
        rows = 2 * (self.run_cap + 1)
        return np.array([not (after_saturday and row > self.run_cap) for row in range(rows)])

    def allows(self, state: _State, d: int, item: Item | None) -> bool:
        limits = self.person.limits
        exempt = state.run_from_start
        if item is None:
            short = state.last is not None and state.run < (limits.min_consecutive_work or 0)
            return not (short and not exempt)
        if self.off_days[d] or state.counts[item.shift.id] >= limits.max_shifts.get(item.shift.id, 10 ** 9):
            return False
        if state.minutes + item.counted > (limits.max_total_minutes or 10 ** 12):
            return False
        if state.last is not None:
            pair = (state.last.shift.id, item.shift.id)
            if pair in self.space.program.rules.forbidden_successions or state.last.end > item.start:
                return False
            if state.run >= (limits.max_consecutive_work or 10 ** 9):
                return False
        elif d > 0 and not exempt and state.run < (limits.min_consecutive_off or 0):
            return False
        weekend = self.weekend_of[d]
        if weekend is not None and weekend not in state.weekends:
            return len(state.weekends) < (limits.max_weekends if limits.max_weekends is not None else 10 ** 9)
        return True

    def may_finish(self, state: _State, d: int) -> bool:
        """Whether some way on from day d + 1 keeps the run rules, days off and weekend cap and
        can still reach the minimum total (a first run is exempt from the minimums, so it is
        never cut short here)."""
        if state.run_from_start:
            return True
        slot = min(len(state.weekends), self.weekend_slots - 1)
        most = int(self.most_work_days[d + 1, self._row(state.last is not None, state.run), slot])
        low = self.person.limits.min_total_minutes or 0
        return most >= 0 and state.minutes + most * self.longest_shift >= low

    @cached_property
    def longest_shift(self) -> int:
        return max((item.counted for row in self.space.items[self.index] for item in row), default=0)


def _step(state: _State, item: Item | None, person: _Person, d: int) -> _State:
    working = item is not None
    continues = working == (state.last is not None)
    counts = state.counts.copy()
    weekends = set(state.weekends)
    if item is not None:
        counts[item.shift.id] += 1
        weekend = person.weekend_of[d]
        if weekend is not None:
            weekends.add(weekend)
    return _State(item, state.run + 1 if continues else 1,
                  state.run_from_start and continues, state.minutes + (item.counted if item else 0),
                  counts, weekends)


class Constructor:
    """Builds the hint person by person, tracking the cover still wanted."""

    def __init__(self, space: Space) -> None:
        self.space = space
        program = space.program
        self.wanted: dict[tuple[int, str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
        for demand in program.demands:
            for day in demand_days(program, demand):
                for need in demand.requirements:
                    slot = self.wanted[program.block.index(day), demand.post_id, demand.shift_id]
                    slot[0] += need.target or need.minimum
                    slot[1] = max(slot[1], need.weight_under)
                    slot[2] = max(slot[2], need.weight_over)

    def roster(self) -> list[Item]:
        people = [_Person(self.space, index, person)
                  for index, person in enumerate(self.space.program.people)]
        held = [self._place(person) for person in people]
        for _ in range(REPASSES):
            # Whoever came first chose before the cover was known; replanning each person against
            # everyone else's final shifts moves their work to where it is still wanted.
            for index, person in enumerate(people):
                self._take(held[index], -1)
                complete, found = self._schedule(person, ATTEMPTS[0])
                held[index] = found if complete else held[index]
                self._take(held[index], 1)
        return [item for items in held for item in items]

    def _place(self, person: _Person) -> list[Item]:
        complete, found = False, list[Item]()
        for attempt in ATTEMPTS:
            complete, found = max(self._schedule(person, attempt), (complete, found),
                                  key=lambda tried: (tried[0], len(tried[1])))
            if complete:
                break
        if not complete:
            found = _alone(self.space, person.index, found) or found
        self._take(found, 1)
        return found

    def _take(self, items: list[Item], sign: int) -> None:
        for item in items:
            self.wanted[item.day, item.post.id, item.shift.id][0] -= sign

    def _value(self, person: _Person, state: _State, d: int, item: Item | None, attempt: Attempt) -> int:
        value = 0
        for request in person.requests.get(d, ()) if attempt.steer else ():
            hits = item is not None and request.shift_id in (None, item.shift.id)
            value += request.weight if hits == request.on else -request.weight
        if item is None:
            return value
        wanted, under, over = self.wanted[d, item.post.id, item.shift.id]
        value += (under if wanted > 0 else -over) if attempt.steer else 0
        limits, days = person.person.limits, len(person.off_days)
        if limits.min_total_minutes is not None and state.minutes < attempt.goal(limits) * (d + 1) / days:
            value += BEHIND_PACE
        if self._weekend_too_soon(person, state, d):
            value -= 2 * BEHIND_PACE
        return value

    @staticmethod
    def _weekend_too_soon(person: _Person, state: _State, d: int) -> bool:
        """A new weekend ahead of the allowance's pace would leave later ones unworkable."""
        cap, weekend = person.person.limits.max_weekends, person.weekend_of[d]
        if cap is None or weekend is None or weekend in state.weekends:
            return False
        return len(state.weekends) + 1 > cap * (d + 2) / len(person.off_days)

    def _options(self, person: _Person, state: _State, d: int, attempt: Attempt) -> list[Item | None]:
        options: list[Item | None] = [None, *self.space.items[person.index][d]]
        allowed = [o for o in options if person.allows(state, d, o)]
        return sorted(allowed, key=lambda o: -self._value(person, state, d, o, attempt))

    def _schedule(self, person: _Person, attempt: Attempt) -> tuple[bool, list[Item]]:
        """Depth-first over days, best option first, backtracking within the node budget.
        Returns whether the schedule is complete, and it (or the deepest partial one found)."""
        days = len(person.off_days)
        states, stack = [_State()], [self._options(person, _State(), 0, attempt)]
        chosen: list[Item | None] = []
        deepest: list[Item | None] = []
        for _ in range(NODE_BUDGET):
            if not stack[-1]:
                stack.pop()
                states.pop()
                if not chosen:
                    break
                chosen.pop()
                continue
            d = len(chosen)
            option = stack[-1].pop(0)
            state = _step(states[-1], option, person, d)
            if not person.may_finish(state, d):
                continue
            chosen.append(option)
            if d + 1 == days:
                return True, [item for item in chosen if item is not None]
            states.append(state)
            stack.append(self._options(person, state, d + 1, attempt))
            if len(chosen) > len(deepest):
                deepest = list(chosen)
        return False, [item for item in deepest if item is not None]


def _alone(space: Space, index: int, partial: list[Item]) -> list[Item] | None:
    """The person's own rules as a small CP-SAT model, for those the search could not place."""
    person = space.program.people[index]
    built = build_model(dataclasses.replace(space.program, people=(person,), demands=(), conflicts=()))
    built.model.clear_objective()  # type: ignore[no-untyped-call]
    near = {(item.day, item.post.id, item.shift.id) for item in partial}
    for item in built.space.person_items(0):
        built.model.add_hint(item.var, (item.day, item.post.id, item.shift.id) in near)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = ALONE_WORKERS
    solver.parameters.max_time_in_seconds = ALONE_SECONDS
    if solver.solve(built.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    chosen = {(item.day, item.post.id, item.shift.id) for item in built.space.person_items(0)
              if solver.boolean_value(item.var)}
    return [item for item in space.person_items(index)
            if (item.day, item.post.id, item.shift.id) in chosen]


def hint(space: Space) -> list[Item]:
    """Give CP-SAT the constructed roster as a hint; returns the roster's items.

    The hint names every variable of the model, not just the shifts: CP-SAT takes a complete,
    feasible hint as its first solution at once, while a hint on the shifts alone is only a
    preference its search may lose. The other variables' values come from a solve with the
    shifts fixed to their hinted values, which propagation settles in a fraction of a second
    (Instance24, 1.2 million variables: 12 s). The hint is written into the model's proto in
    bulk, as per-variable calls take longer than that solve on the largest models."""
    roster = Constructor(space).roster()
    chosen = {id(item) for item in roster}
    items = [item for days in space.items for day in days for item in day]
    model = space.model
    _set_hint(model, [item.var.index for item in items], [int(id(item) in chosen) for item in items])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = ALONE_WORKERS
    solver.parameters.max_time_in_seconds = ALONE_SECONDS
    solver.parameters.fix_variables_to_their_hinted_value = True
    if solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        _set_hint(model, list(range(len(model.proto.variables))), list(solver.response_proto.solution))
    # otherwise some person has no schedule keeping their rules: the hint names shifts only
    return roster


def _set_hint(model: cp_model.CpModel, indices: list[int], values: list[int]) -> None:
    model.clear_hints()  # type: ignore[no-untyped-call]
    model.proto.solution_hint.vars.extend(indices)
    model.proto.solution_hint.values.extend(values)
