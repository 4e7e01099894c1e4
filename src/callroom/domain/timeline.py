"""The block laid out in time: each (day, shift) as a UTC interval and as minutes from the start.

Rules and the solver both read shift times from here, so they agree to the minute, DST included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from callroom.domain.program import Program
from callroom.domain.roster import Assignment
from callroom.domain.wallclock import Interval, local_midnight, shift_interval


@dataclass(frozen=True)
class Placed:
    """An assignment laid out on the timeline: its day index and its minutes from the origin."""

    assignment: Assignment
    day: int
    start: int
    end: int


@dataclass(frozen=True)
class Timeline:
    program: Program

    MINUTES_PER_DAY = 24 * 60

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.program.hospital.timezone)

    @cached_property
    def origin(self) -> datetime:
        """Local midnight at the start of the block, in UTC."""
        return local_midnight(self.zone, self.program.block.start)

    def interval(self, day: date, shift_id: str) -> Interval:
        """When the shift runs if worked on `day` (any date, inside the block or not)."""
        return self._interval(day, shift_id)

    def _interval(self, day: date, shift_id: str) -> Interval:
        shift = self.program.shift[shift_id]
        return shift_interval(self.zone, day, shift.start, shift.duration_minutes)

    @cached_property
    def _minutes(self) -> dict[tuple[int, str], tuple[int, int]]:
        # Filled on demand: a check scoped to a few people (a what-if) places a few dozen
        # shifts, and laying out every day and shift type first cost more than the check.
        return {}

    def span(self, day_index: int, shift_id: str) -> tuple[int, int]:
        """Start and end of a block day's shift, in minutes from the block's origin."""
        found = self._minutes.get((day_index, shift_id))
        if found is None:
            if not 0 <= day_index < self.program.block.days:
                raise KeyError((day_index, shift_id))
            found = self.place(self.program.block.start + timedelta(days=day_index), shift_id)
            self._minutes[day_index, shift_id] = found
        return found

    def place(self, day: date, shift_id: str) -> tuple[int, int]:
        """Start and end of the shift worked on any date (before the block too), in minutes
        from the block's origin."""
        interval = self._interval(day, shift_id)
        return self.offset(interval.start), self.offset(interval.end)

    @cached_property
    def history(self) -> tuple[Placed, ...]:
        """The program's history laid out: each assignment from the history's start to the
        block's eve naming a shift and post of the program, with its (negative) day index, start
        and end."""
        return self.history_of(None)

    def history_of(self, people: frozenset[str] | None) -> tuple[Placed, ...]:
        """The history of `people` (None: everyone) laid out as `history` is. A check about a
        few people places only theirs: a year's history is thousands of shifts."""
        program, placed = self.program, []
        for assignment in program.history.assignments if program.history else ():
            if people is not None and assignment.person_id not in people:
                continue
            known = assignment.shift_id in program.shift and assignment.post_id in program.post
            if known and program.history_start <= assignment.day < program.block.start:
                start, end = self.place(assignment.day, assignment.shift_id)
                placed.append(Placed(assignment, (assignment.day - program.block.start).days, start, end))
        return tuple(placed)

    def offset(self, instant: datetime) -> int:
        return int((instant - self.origin).total_seconds() // 60)

    def day_window(self, day_index: int) -> tuple[int, int]:
        """The 24 hours a solver free day must leave empty, in minutes from the origin.

        Windows are exactly 24 elapsed hours and tile the block from the profile's
        `free_day_start` on the first day. Wall-clock days would be 23 hours long on the
        spring-forward day and could not then prove 24 free hours; after a DST change the
        windows keep elapsed time and so sit an hour off the wall clock.
        """
        at = self.program.rules.limits.free_day_start
        first = at.hour * 60 + at.minute + self.MINUTES_PER_DAY * day_index
        return first, first + self.MINUTES_PER_DAY

    @cached_property
    def end(self) -> int:
        """Minutes from the origin to local midnight after the last block day."""
        after = self.program.block.end + timedelta(days=1)
        return self.offset(local_midnight(self.zone, after))
