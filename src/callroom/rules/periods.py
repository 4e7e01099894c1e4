"""Continuous work periods: in-house shifts that follow each other with no break merge into one.

ACGME limits continuous *scheduled in-house* work (24 hours plus 4 of transition) and asks for 14
free hours after 24 hours of in-house call. Home call is not in-house work, so it never extends a
period, but it does break rest and free days.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from callroom.domain.program import AcgmeLimits
from callroom.domain.shifts import ShiftType
from callroom.rules.context import Work


@dataclass(frozen=True)
class Period:
    items: tuple[Work, ...]

    @property
    def start(self) -> int:
        return self.items[0].start

    @property
    def end(self) -> int:
        return max(item.end for item in self.items)

    @property
    def minutes(self) -> int:
        return self.end - self.start


def continuous_periods(work: Iterable[Work]) -> list[Period]:
    """Merge in-house work whose next piece starts at or before the previous one ends."""
    periods: list[list[Work]] = []
    for item in work:
        if not item.in_house:
            continue
        if periods and item.start <= max(w.end for w in periods[-1]):
            periods[-1].append(item)
        else:
            periods.append([item])
    return [Period(tuple(items)) for items in periods]


def needs_rest_after(period: Period, limits: AcgmeLimits) -> bool:
    return earns_rest(period.minutes, (item.shift for item in period.items), limits)


def earns_rest(minutes: int, shifts: Iterable[ShiftType], limits: AcgmeLimits) -> bool:
    """A period earns the 14-hour rest when it lasts the continuous maximum (24 h) or holds a
    24-hour in-house call, which on the spring-forward night lasts only 23 elapsed hours."""
    full = limits.max_continuous_hours * 60
    return minutes >= full or any(
        shift.is_in_house_call and shift.duration_minutes >= full for shift in shifts
    )


def gaps(spans: Iterable[tuple[int, int]], start: int, end: int) -> list[int]:
    """Lengths of the free stretches inside [start, end) left by the busy spans."""
    free: list[int] = []
    cursor = start
    for span_start, span_end in sorted(spans):
        if span_start > cursor:
            free.append(min(span_start, end) - cursor)
        cursor = max(cursor, span_end)
        if cursor >= end:
            break
    if cursor < end:
        free.append(end - cursor)
    return [g for g in free if g > 0]
