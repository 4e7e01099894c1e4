"""Wall-clock shift times to UTC instants, DST-correct.

The rules (DESIGN.md, "Time"): a wall time that does not exist (the spring-forward gap) moves to
the next valid instant; an ambiguous start takes the first occurrence, an ambiguous end the last.
A shift ends at its wall-clock end, so a 07:00 "24-hour" call across the spring change ends at
07:00 the next day and lasts 23 hours. Durations are elapsed time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True, order=True)
class Interval:
    """A half-open span of time [start, end), both UTC and timezone-aware."""

    start: datetime
    end: datetime

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end


def _exists(naive: datetime, zone: ZoneInfo) -> bool:
    aware = naive.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive


def to_utc(naive: datetime, zone: ZoneInfo, *, last: bool = False) -> datetime:
    """The UTC instant of a local wall time; `last` picks the later of two ambiguous ones."""
    while not _exists(naive, zone):
        # In a spring-forward gap: step to the first wall minute that exists.
        naive = naive.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return naive.replace(tzinfo=zone, fold=1 if last else 0).astimezone(UTC)


def shift_interval(zone: ZoneInfo, day: date, start: time, duration_minutes: int) -> Interval:
    """The elapsed interval of a shift that starts at `start` on `day`, wall clock in `zone`."""
    wall_start = datetime.combine(day, start)
    wall_end = wall_start + timedelta(minutes=duration_minutes)
    return Interval(to_utc(wall_start, zone), to_utc(wall_end, zone, last=True))


def local_midnight(zone: ZoneInfo, day: date, at: time = time(0, 0)) -> datetime:
    """The UTC instant of a wall time on a date (a day boundary, by default midnight)."""
    return to_utc(datetime.combine(day, at), zone)
