"""Wall-clock times to UTC instants and back, DST-correct.

Shift times (DESIGN.md, "Time"): a wall time that does not exist (the spring-forward gap) moves
to the next valid instant; an ambiguous start takes the first occurrence, an ambiguous end the
last. A shift ends at its wall-clock end, so a 07:00 "24-hour" call across the spring change
ends at 07:00 the next day and lasts 23 hours. Durations are elapsed time.

Times a person types (`local_instant`) are read strictly instead: a time the clocks skip is
refused, and one they pass twice needs its offset, since guessing would log hours that were not
worked. Messages show instants as the hospital's wall clock (`local_text`), never as UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from callroom.errors import Invalid

EXAMPLE = "2027-03-01T07:00"


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


def days_interval(zone: ZoneInfo, first: date, last: date) -> Interval:
    """The days `first` to `last` as instants: local midnight of the first to local midnight
    after the last (23, 24 or 25 hours a day)."""
    return Interval(local_midnight(zone, first), local_midnight(zone, last + timedelta(days=1)))


def shift_interval(zone: ZoneInfo, day: date, start: time, duration_minutes: int) -> Interval:
    """The elapsed interval of a shift that starts at `start` on `day`, wall clock in `zone`."""
    wall_start = datetime.combine(day, start)
    wall_end = wall_start + timedelta(minutes=duration_minutes)
    return Interval(to_utc(wall_start, zone), to_utc(wall_end, zone, last=True))


def local_midnight(zone: ZoneInfo, day: date, at: time = time(0, 0)) -> datetime:
    """The UTC instant of a wall time on a date (a day boundary, by default midnight)."""
    return to_utc(datetime.combine(day, at), zone)


def local_text(instant: datetime, zone: ZoneInfo) -> str:
    """An instant as the wall clock in `zone` shows it, with the zone's abbreviation (which
    tells the two 01:30s of the fall-back night apart): `2026-11-01 01:30 EDT`."""
    return instant.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def local_instant(text: str, zone: ZoneInfo, field: str) -> datetime:
    """The UTC instant of an ISO 8601 date-time a person typed: with an offset, as given;
    without one, a wall time in `zone`. Raises `Invalid` naming `field` when the text is no
    date-time, when the wall time does not exist (the clocks skip it that night), and when it
    happens twice (the clocks go back over it): that message names both offsets to give."""
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise Invalid(field, f"{text!r} is not an ISO date-time ({EXAMPLE})") from None
    try:
        return _strict(parsed, zone, field)
    except OverflowError:  # at the very ends of the calendar, where UTC is a day away
        raise Invalid(field, f"{text!r} lies beyond the calendar's first or last day") from None


def _strict(parsed: datetime, zone: ZoneInfo, field: str) -> datetime:
    if parsed.tzinfo is not None:
        return parsed.astimezone(UTC)
    if not _exists(parsed, zone):
        raise Invalid(field, _skipped(parsed, zone))
    first, second = (parsed.replace(tzinfo=zone, fold=fold) for fold in (0, 1))
    if first.utcoffset() != second.utcoffset():
        raise Invalid(field, _repeated(first, second, zone))
    return first.astimezone(UTC)


def _wall(naive: datetime) -> str:
    return naive.strftime("%Y-%m-%d %H:%M")


def _skipped(naive: datetime, zone: ZoneInfo) -> str:
    """Why a wall time in a spring-forward gap is refused: where the clocks jump from and to."""
    gap_start = naive.replace(second=0, microsecond=0)
    while not _exists(gap_start - timedelta(minutes=1), zone):
        gap_start -= timedelta(minutes=1)
    before = (gap_start - timedelta(minutes=1)).replace(tzinfo=zone)
    after = gap_start.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
    return (
        f"{_wall(naive)} does not exist in {zone.key}: that night the clocks go forward from "
        f"{gap_start:%H:%M} {before.tzname()} to {after:%H:%M} {after.tzname()}; give a time before "
        f"{gap_start:%H:%M} or from {after:%H:%M}"
    )


def _repeated(first: datetime, second: datetime, zone: ZoneInfo) -> str:
    """Why a wall time the clocks pass twice needs its offset, naming both."""
    return (
        f"{_wall(first)} happens twice in {zone.key} that night, as the clocks go back: give its "
        f"offset, {first.isoformat(timespec='minutes')} ({first.tzname()}, the first time) or "
        f"{second.isoformat(timespec='minutes')} ({second.tzname()}, the second)"
    )
