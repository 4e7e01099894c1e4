"""One person's own rules, read once, as the constructor's searches need them.

`State` is a schedule so far as the rules see it on the next day; `PersonRules.allows` says whether
a day's choice keeps the rules, and `PersonRules.most_work_days` how much work the run rules, days
off and weekend cap still leave room for.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from callroom.domain import days
from callroom.domain.program import Person, Request
from callroom.solver.build.space import Item, Space

_NONE = -10_000  # no way on keeps the rules (far below any count of days)
NO_CAP = 10**9  # a count no rule reaches: no limit on shifts of a type, a run or weekends
NO_MINUTE_CAP = 10**12  # minutes no roster reaches: no limit on total minutes


@dataclasses.dataclass
class State:
    """A person's schedule so far: the facts the rules look at on the next day."""

    last: Item | None = None  # yesterday's work, None when off
    run: int = 0  # length of the current run of work (last is set) or of days off
    run_from_start: bool = True  # the run began on the block's first day (exempt from minimums)
    minutes: int = 0
    counts: dict[str, int] = dataclasses.field(default_factory=lambda: defaultdict(int))
    weekends: set[int] = dataclasses.field(default_factory=set)


@dataclasses.dataclass
class PersonRules:
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
        """For each day of the block in a weekend, the index of that weekend's Saturday."""
        dates = self.space.program.block.dates()
        return [
            d - (day - days.weekend_of(day)).days if days.is_weekend(day) else None
            for d, day in enumerate(dates)
        ]

    @cached_property
    def run_cap(self) -> int:
        """Runs longer than every run limit are all alike to the rules."""
        limits = self.person.limits
        return max(
            limits.max_consecutive_work or 1,
            limits.min_consecutive_work or 1,
            limits.min_consecutive_off or 1,
        )

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
        corner at once (a year in runs of 2-5 days, with a weekend cap and fixed days off);
        shift caps and successions are left out, so it is an upper bound."""
        days, rows, slots = len(self.off_days), 2 * (self.run_cap + 1), self.weekend_slots
        table = np.full((days + 1, rows, slots), _NONE, dtype=np.int16)
        table[days] = 0
        for d in range(days - 1, -1, -1):
            table[d], _ = self.day_before(d, table[d + 1], np.ones(1), _NONE)
        return table

    def day_before(
        self, d: int, after: npt.NDArray[Any], earned: npt.NDArray[np.float64], floor: float
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
        """One step back of the recurrence over (row, weekends worked, ...): from the best totals
        from day d + 1 on, after[row, slot, ...], to those from day d on, where a day of work
        earns `earned` (broadcast along the trailing axes; -inf: no shift to work) and `floor`
        marks no way on. Also returns where working day d is the better choice. Used by
        most_work_days (a day of work earns 1) and by replan (earnings per price)."""
        rest_to, rest_ok, work_to, work_ok = self.transitions
        by_row = (slice(None),) + (None,) * (after.ndim - 1)
        rest = np.where(rest_ok[by_row], after[rest_to], floor)
        work = after[work_to]
        counted = self.weekend_counted(d)
        if counted is not None:  # a new weekend moves the slot up; past the cap, no way on
            shifted = np.concatenate((work[:, 1:], np.full_like(work[:, :1], floor)), axis=1)
            work = np.where(counted[by_row], shifted, work)
        workable = np.isfinite(earned)
        allowed = work_ok[by_row] & (not self.off_days[d]) & workable
        work = np.where(allowed, work + np.where(workable, earned, 0.0), floor)
        return np.maximum(np.maximum(rest, work), floor), work > rest

    def row(self, working: bool, run: int) -> int:
        return int(working) * (self.run_cap + 1) + min(run, self.run_cap)

    @cached_property
    def transitions(
        self,
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.bool_], npt.NDArray[np.intp], npt.NDArray[np.bool_]]:
        """For each row: the row after a day off and whether it is allowed, and the same for
        a day of work (row 0, off with no run, is the block's start)."""
        limits, cap = self.person.limits, self.run_cap
        rest_to, rest_ok, work_to, work_ok = [], [], [], []
        for working in (False, True):
            for run in range(cap + 1):
                rest_to.append(self.row(False, run + 1 if not working else 1))
                rest_ok.append(not working or (limits.min_consecutive_work or 0) <= run)
                work_to.append(self.row(True, run + 1 if working else 1))
                work_ok.append(
                    run < (limits.max_consecutive_work or cap + 1)
                    if working
                    else run == 0 or (limits.min_consecutive_off or 0) <= run
                )
        return (np.array(rest_to), np.array(rest_ok), np.array(work_to), np.array(work_ok))

    def weekend_counted(self, d: int) -> npt.NDArray[np.bool_] | None:
        """Per row, whether working on day d starts a weekend (None: d is a weekday, or there
        is no cap). A Sunday after a worked Saturday belongs to a weekend already counted."""
        return self._weekend_counts[d]

    @cached_property
    def _weekend_counts(self) -> list[npt.NDArray[np.bool_] | None]:
        rows = np.arange(2 * (self.run_cap + 1))
        counts: list[npt.NDArray[np.bool_] | None] = []
        for d, weekend in enumerate(self.weekend_of):
            if weekend is None or self.person.limits.max_weekends is None:
                counts.append(None)
            else:
                after_saturday = weekend != d and d > 0
                counts.append(~(after_saturday & (rows > self.run_cap)))
        return counts

    def allows(self, state: State, d: int, item: Item | None) -> bool:
        limits = self.person.limits
        exempt = state.run_from_start
        if item is None:
            short = state.last is not None and state.run < (limits.min_consecutive_work or 0)
            return not (short and not exempt)
        if self.off_days[d] or state.counts[item.shift.id] >= limits.max_shifts.get(item.shift.id, NO_CAP):
            return False
        if state.minutes + item.counted > (limits.max_total_minutes or NO_MINUTE_CAP):
            return False
        if state.last is not None:
            pair = (state.last.shift.id, item.shift.id)
            if pair in self.space.program.rules.forbidden_successions or state.last.end > item.start:
                return False
            if state.run >= (limits.max_consecutive_work or NO_CAP):
                return False
        elif d > 0 and not exempt and state.run < (limits.min_consecutive_off or 0):
            return False
        weekend = self.weekend_of[d]
        if weekend is not None and weekend not in state.weekends:
            return len(state.weekends) < (limits.max_weekends if limits.max_weekends is not None else NO_CAP)
        return True

    def may_finish(self, state: State, d: int) -> bool:
        """Whether some way on from day d + 1 keeps the run rules, days off and weekend cap and
        can still reach the minimum total (a first run is exempt from the minimums, so it is
        never cut short here)."""
        if state.run_from_start:
            return True
        slot = min(len(state.weekends), self.weekend_slots - 1)
        most = int(self.most_work_days[d + 1, self.row(state.last is not None, state.run), slot])
        low = self.person.limits.min_total_minutes or 0
        return most >= 0 and state.minutes + most * self.longest_shift >= low

    @cached_property
    def longest_shift(self) -> int:
        return max((item.counted for row in self.space.items[self.index] for item in row), default=0)


def step(state: State, item: Item | None, person: PersonRules, d: int) -> State:
    working = item is not None
    continues = working == (state.last is not None)
    counts = state.counts.copy()
    weekends = set(state.weekends)
    if item is not None:
        counts[item.shift.id] += 1
        weekend = person.weekend_of[d]
        if weekend is not None:
            weekends.add(weekend)
    return State(
        item,
        state.run + 1 if continues else 1,
        state.run_from_start and continues,
        state.minutes + (item.counted if item else 0),
        counts,
        weekends,
    )
