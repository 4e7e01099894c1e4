"""A first roster built person by person, given to CP-SAT as a hint.

On large general-rostering problems (the Curtois benchmark's largest: up to 150 people over a
year) CP-SAT can spend the whole time limit looking for any roster at all, because each
person's own rules (total minutes within a narrow band, runs of work and rest, weekends,
successions) interlock over hundreds of days. Those rules concern one person at a time, so a
depth-first search per person finds a schedule that keeps them in milliseconds, steering
towards uncovered shifts and granted requests as it goes; the people before already hold their
shifts, so the cover left to fill guides the next one.

Then everyone is replanned in rounds against everyone else's shifts: the best of what the person
holds, the search's schedule and a whole-block plan (see replan), valued by exactly what it
changes in requests and cover. The same rounds polish the search's answer when its time is up
(`Constructor.polish`), so neither can raise the penalty.

The search keeps the general rules only (ACGME rules and cover minimums span people and are left
to CP-SAT), so `solve` uses it for programs without ACGME rules. A person the search cannot
schedule within its node budget, after every attempt in ATTEMPTS, is handed to CP-SAT alone
(their own rules as a model of one person); if that fails too, the hint names shifts only.
"""

from __future__ import annotations

import dataclasses
import time
from collections import defaultdict
from functools import cached_property

from ortools.sat.python import cp_model

from callroom.domain.program import PersonLimits, Program
from callroom.rules.cover import demand_days
from callroom.rules.penalties import request_names
from callroom.solver.build.model import build_model
from callroom.solver.build.space import Item, Space
from callroom.solver.heuristics.person_rules import PersonRules, State, step
from callroom.solver.heuristics.replan import best_plan

NODE_BUDGET = 20_000  # backtracking steps per person before giving up on them
BEHIND_PACE = 10_000  # the pull towards work when the minimum total is at risk
# Rounds of replanning each person against all the others: each round still gains (the second
# and third by a lot on the largest instances), but a round costs a whole-block plan per person,
# so the largest instances get fewer.
MOST_ROUNDS, ROUND_PERSON_DAYS = 5, 50_000
ALONE_SECONDS, ALONE_WORKERS = 10.0, 2  # CP-SAT on one person's rules, when the search fails


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
ATTEMPTS = (
    Attempt(True, 1.0),
    Attempt(True, 0.5),
    Attempt(False, 1.0),
    Attempt(False, 0.5),
    Attempt(False, 0.0),
)


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
        people = self.people
        held = [self._place(person) for person in people]
        # Whoever came first chose before the cover was known; replanning each person against
        # everyone else's final shifts moves their work to where it is still wanted.
        self._improve(people, held, _rounds(self.space.program), None)
        return [item for items in held for item in items]

    def polish(self, items: list[Item], deadline: float | None) -> list[Item]:
        """Replan everyone against everyone else, starting from a whole roster (the search's
        answer), until a round changes no one, MOST_ROUNDS rounds, or the monotonic deadline.
        A person's replan is valued by exactly what it changes in requests and cover, and keeps
        their schedule when nothing is better, so the roster's penalty never rises."""
        people = self.people
        held: list[list[Item]] = [[] for _ in people]
        for item in items:
            held[item.person].append(item)
        for mine in held:
            self._take(mine, 1)
        self._improve(people, held, MOST_ROUNDS, deadline)
        return [item for items in held for item in items]

    @cached_property
    def people(self) -> list[PersonRules]:
        """Everyone's rules, read once (their tables are worked out on first use)."""
        return [
            PersonRules(self.space, index, person) for index, person in enumerate(self.space.program.people)
        ]

    def _improve(
        self, people: list[PersonRules], held: list[list[Item]], rounds: int, deadline: float | None
    ) -> None:
        for _ in range(rounds):
            changed = False
            for index, person in enumerate(people):
                if deadline is not None and time.monotonic() > deadline:
                    return
                self._take(held[index], -1)
                before, held[index] = held[index], self._replan(person, held[index])
                changed |= held[index] != before
                self._take(held[index], 1)
            if not changed:
                return

    def _replan(self, person: PersonRules, held: list[Item]) -> list[Item]:
        """The best of what the person holds, the search's schedule and the whole-block plan,
        valued against the cover everyone else leaves."""
        complete, found = self._schedule(person, ATTEMPTS[0])
        choices = [
            held,
            *([found] if complete else []),
            *filter(None, [best_plan(person, lambda d, item: self._worth(person, d, item))]),
        ]
        return max(choices, key=lambda items: self._total_worth(person, items))

    def _total_worth(self, person: PersonRules, items: list[Item]) -> int:
        worked = {item.day: item for item in items}
        return sum(self._worth(person, d, worked.get(d)) for d in range(len(person.off_days)))

    def _place(self, person: PersonRules) -> list[Item]:
        complete, found = False, list[Item]()
        for attempt in ATTEMPTS:
            complete, found = max(
                self._schedule(person, attempt),
                (complete, found),
                key=lambda tried: (tried[0], len(tried[1])),
            )
            if complete:
                break
        if not complete:
            found = _alone(self.space, person.index, found) or found
        self._take(found, 1)
        return found

    def _take(self, items: list[Item], sign: int) -> None:
        for item in items:
            self.wanted[item.day, item.post.id, item.shift.id][0] -= sign

    def _worth(self, person: PersonRules, d: int, item: Item | None, granted: int = 0) -> int:
        """What working `item` on day d (None: a day off) changes in the penalty for requests
        and cover, negated; `granted` is what a granted request adds on top (the search is
        steered better when it is pulled towards requests as hard as it is pushed off refusals)."""
        value = request_worth(person, d, item, granted)
        if item is not None:
            wanted, under, over = self.wanted[d, item.post.id, item.shift.id]
            value += under if wanted > 0 else -over
        return value

    def _value(self, person: PersonRules, state: State, d: int, item: Item | None, attempt: Attempt) -> int:
        value = self._worth(person, d, item, granted=1) if attempt.steer else 0
        if item is None:
            return value
        limits, days = person.person.limits, len(person.off_days)
        if limits.min_total_minutes is not None and state.minutes < attempt.goal(limits) * (d + 1) / days:
            value += BEHIND_PACE
        if self._weekend_too_soon(person, state, d):
            value -= 2 * BEHIND_PACE
        return value

    @staticmethod
    def _weekend_too_soon(person: PersonRules, state: State, d: int) -> bool:
        """A new weekend ahead of the allowance's pace would leave later ones unworkable."""
        cap, weekend = person.person.limits.max_weekends, person.weekend_of[d]
        if cap is None or weekend is None or weekend in state.weekends:
            return False
        return len(state.weekends) + 1 > cap * (d + 2) / len(person.off_days)

    def _options(self, person: PersonRules, state: State, d: int, attempt: Attempt) -> list[Item | None]:
        options: list[Item | None] = [None, *self.space.items[person.index][d]]
        allowed = [o for o in options if person.allows(state, d, o)]
        return sorted(allowed, key=lambda o: -self._value(person, state, d, o, attempt))

    def _schedule(self, person: PersonRules, attempt: Attempt) -> tuple[bool, list[Item]]:
        """Depth-first over days, best option first, backtracking within the node budget.
        Returns whether the schedule is complete, and it (or the deepest partial one found)."""
        days = len(person.off_days)
        states, stack = [State()], [self._options(person, State(), 0, attempt)]
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
            state = step(states[-1], option, person, d)
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


def rounds_cut_short(program: Program) -> bool:
    """Whether the constructed roster gets fewer rounds of replanning than MOST_ROUNDS."""
    return _rounds(program) < MOST_ROUNDS


def _rounds(program: Program) -> int:
    person_days = len(program.people) * program.block.days
    return max(1, min(MOST_ROUNDS, ROUND_PERSON_DAYS // max(person_days, 1)))


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
    chosen = {
        (item.day, item.post.id, item.shift.id)
        for item in built.space.person_items(0)
        if solver.boolean_value(item.var)
    }
    return [item for item in space.person_items(index) if (item.day, item.post.id, item.shift.id) in chosen]


def request_worth(person: PersonRules, d: int, item: Item | None, granted: int = 0) -> int:
    """What working `item` on day d (None: a day off) is worth in the person's requests: minus
    each refused request's weight, plus `granted` times each granted one's."""
    value = 0
    for request in person.requests.get(d, ()):
        hits = item is not None and request_names(request, item.shift.id, item.post.id)
        value += granted * request.weight if hits == request.on else -request.weight
    return value


def hint(space: Space, roster: list[Item]) -> None:
    """Give CP-SAT a roster (the constructed one, or better) as a hint.

    The hint names every variable of the model, not just the shifts: CP-SAT takes a complete,
    feasible hint as its first solution at once, while a hint on the shifts alone is only a
    preference its search may lose. The other variables' values come from a solve with the
    shifts fixed to their hinted values, which propagation settles quickly even on a model of a
    million variables. The hint is written into the model's proto in
    bulk, as per-variable calls take longer than that solve on the largest models."""
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


def _set_hint(model: cp_model.CpModel, indices: list[int], values: list[int]) -> None:
    model.clear_hints()  # type: ignore[no-untyped-call]
    model.proto.solution_hint.vars.extend(indices)
    model.proto.solution_hint.values.extend(values)
