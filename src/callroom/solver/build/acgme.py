"""CP-SAT builders for the ACGME rules (mirrors callroom.rules.acgme), residents only.

Interval rules (24 + 4 continuous, no new patients in the transition, 14 hours after call) become
forbidden successions derived from the shift times: every chain of back-to-back shifts that
breaks one is enumerated for the person's own options and forbidden as a clause. Chains and runs
may begin in the history before the block (`Space.past`, fixed work), so the limits that carry
across a boundary hold at the seam; averages count the block's own days only.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterator

from ortools.sat.python import cp_model
from ortools.sat.python.cp_model import LinearExpr

from callroom.domain.program import AcgmeLimits, Person
from callroom.rules import ids
from callroom.rules.acgme import max_call_nights, required_free_days
from callroom.rules.context import leave_spans
from callroom.rules.periods import earns_rest
from callroom.solver.build.guards import GuardKey, Guards
from callroom.solver.build.space import Item, Space, weighted

WINDOW_AHEAD = 2  # a free-day window starts on day d and ends on d + 1, an hour later after a DST change


def _residents(space: Space) -> Iterator[tuple[int, Person, AcgmeLimits]]:
    for p, person in enumerate(space.program.people):
        limits = space.program.rules.limits_for(person)
        if limits is not None:
            yield p, person, limits


def _available(space: Space, person: Person) -> int:
    return sum(1 for day in space.program.block.dates() if day not in person.leave_dates)


def add_weekly_hours(space: Space, guard: Guards) -> None:
    for p, person, limits in _residents(space):
        budget = limits.weekly_hours * 60 * _available(space, person) // 7
        total = weighted(space.person_items(p))
        space.model.add(total <= budget).only_enforce_if(guard(GuardKey.of(ids.WEEKLY_HOURS, person.id)))


def add_call_frequency(space: Space, guard: Guards) -> None:
    for p, person, limits in _residents(space):
        calls = [item.var for item in space.person_items(p) if item.shift.is_in_house_call]
        cap = max_call_nights(_available(space, person), limits)
        if len(calls) > cap:
            key = guard(GuardKey.of(ids.CALL_FREQUENCY, person.id))
            space.model.add(sum(calls) <= cap).only_enforce_if(key)


def add_free_days(space: Space, guard: Guards) -> None:
    """Free day d: nothing (home call included) touches the d-th 24-hour window, which must not
    overlap leave. Disjoint whole windows are a sound lower bound on the checker's count."""
    for p, person, limits in _residents(space):
        need = required_free_days(_available(space, person), limits)
        if need == 0:
            continue
        frees = [
            v for d in range(space.program.block.days) if (v := _free_day(space, p, person, d)) is not None
        ]
        key = guard(GuardKey.of(ids.FREE_DAYS, person.id))
        space.model.add(sum(frees) >= need).only_enforce_if(key)


def _free_day(space: Space, p: int, person: Person, d: int) -> cp_model.IntVar | None:
    start, end = space.timeline.day_window(d)
    if any(s < end and start < e for s, e in leave_spans(space.timeline, person)):
        return None
    if any(i.start < end and start < i.end for i in space.past[p]):
        return None  # still at work from before the block
    free = space.model.new_bool_var(f"free_{p}_{d}")
    # Items that may run into the window: those of the days before it as far as shifts reach,
    # and those of the next WINDOW_AHEAD days (a window from late on day d, see Timeline.day_window).
    for day in range(max(0, d - space.reach), min(space.program.block.days, d + WINDOW_AHEAD + 1)):
        touching = [i.var for i in space.items[p][day] if i.start < end and start < i.end]
        if touching:
            space.model.add(free + sum(touching) <= 1)
    return free


def add_night_float(space: Space, guard: Guards) -> None:
    for p, person, limits in _residents(space):
        cap = limits.night_float_max_nights
        if cap is None:
            continue
        before = [int(night) for night in space.past_flags(p, _night)]
        nights: list[cp_model.LinearExprT] = [*before]
        nights.extend(LinearExpr.sum([i.var for i in row if i.shift.is_night]) for row in space.items[p])
        key = guard(GuardKey.of(ids.NIGHT_FLOAT, person.id))
        for first in range(max(0, len(before) - cap), len(nights) - cap):
            space.model.add(LinearExpr.sum(nights[first : first + cap + 1]) <= cap).only_enforce_if(key)


def _night(item: Item) -> bool:
    return item.shift.is_night


class _Timed:
    """A person's items indexed by start minute, for chain and rest look-ups."""

    def __init__(self, items: list[Item]) -> None:
        self.items = sorted(items, key=lambda i: i.start)
        self.starts = [i.start for i in self.items]
        self.in_house_at: dict[int, list[Item]] = defaultdict(list)
        for item in self.items:
            if item.in_house:
                self.in_house_at[item.start].append(item)

    def starting_between(self, low: int, high: int, *, closed_low: bool) -> list[Item]:
        first = bisect_left(self.starts, low) if closed_low else bisect_right(self.starts, low)
        return self.items[first : bisect_left(self.starts, high)]


def add_continuous_work(space: Space, guard: Guards) -> None:
    """Forbid every chain of back-to-back in-house shifts that is too long, that takes new
    patients in the transition hours, or that is followed too soon by more work."""
    for p, person, limits in _residents(space):
        timed = _Timed([*space.past[p], *space.person_items(p)])
        keys = {
            rule: guard(GuardKey.of(rule, person.id))
            for rule in (ids.CONTINUOUS_HOURS, ids.TRANSITION, ids.REST_AFTER_CALL)
        }
        for item in timed.items:
            if item.in_house:
                for rule, chain in _bad_chains([item], timed, limits):
                    # History items are facts: the clause is on the block's part of the chain.
                    chosen = [i.var.Not() for i in chain if i.in_block]
                    if chosen:
                        space.model.add_bool_or(chosen).only_enforce_if(keys[rule])


def _bad_chains(
    chain: list[Item], timed: _Timed, limits: AcgmeLimits
) -> Iterator[tuple[ids.RuleId, list[Item]]]:
    start, end, last = chain[0].start, chain[-1].end, chain[-1]
    # A chain still in the history is not the block's to forbid, but what the block adds to it
    # may be: such chains are extended rather than reported.
    if end - start > (limits.max_continuous_hours + limits.transition_hours) * 60:
        if last.in_block:
            yield ids.CONTINUOUS_HOURS, chain
            return
    elif (
        len(chain) > 1
        and last.end > start + limits.max_continuous_hours * 60
        and last.post.new_patients
        and last.in_block
    ):
        yield ids.TRANSITION, chain
        return
    if earns_rest(end - start, (i.shift for i in chain), limits):
        soon = timed.starting_between(end, end + limits.rest_after_call_hours * 60, closed_low=True)
        for later in soon:
            if later.day > last.day and (later.start > end or not later.in_house):
                yield ids.REST_AFTER_CALL, [*chain, later]
    for following in timed.in_house_at.get(end, []):
        if following.day > last.day:
            yield from _bad_chains([*chain, following], timed, limits)


def short_rest_penalties(space: Space) -> list[cp_model.IntVar]:
    """One Boolean per (period end, next period start) closer than the advised rest: it is 1
    when both are worked and no in-house shift starts between them (which would make them
    something other than consecutive periods)."""
    penalties = []
    for p, _, limits in _residents(space):
        in_house = _Timed([i for i in [*space.past[p], *space.person_items(p)] if i.in_house])
        for first in in_house.items:
            window = in_house.starting_between(
                first.end, first.end + limits.min_rest_hours * 60, closed_low=True
            )
            for second in window:
                if second.in_block and second.start > first.end and second.day > first.day:
                    between = [i.var for i in window if i.start < second.start and i.day != second.day]
                    pen = space.model.new_bool_var(f"short_rest_{p}_{first.day}_{second.day}")
                    space.model.add(pen >= first.var + second.var - 1 - sum(between))
                    penalties.append(pen)
    return penalties
