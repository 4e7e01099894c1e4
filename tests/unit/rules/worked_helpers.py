"""Logged periods for the worked-hours tests, written in New York wall time on block days.

The block is the factories' default: 28 days from Monday 2026-03-02; day 6 is Sunday
2026-03-08, when 02:00 EST jumps to 03:00 EDT.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from callroom.domain.wallclock import to_utc
from callroom.domain.worklog import LoggedPeriod, WorkKind
from callroom.rules.ids import RuleId
from callroom.rules.violations import Violation
from tests import factories as f

NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 6, 1, tzinfo=UTC)  # after every block these tests log


def at(day: int, clock: str, start: date = f.MONDAY) -> datetime:
    """A wall time on a block day (day 0 is `start`, by default Monday 2026-03-02), in UTC."""
    hh, mm = (int(x) for x in clock.split(":"))
    return to_utc(
        datetime.combine(f.day(day, start), datetime.min.time()) + timedelta(hours=hh, minutes=mm), NEW_YORK
    )


def period(
    person: str,
    day: int,
    clock: str,
    hours: float,
    kind: WorkKind = WorkKind.IN_HOUSE,
    *,
    shift: str | None = None,
    post: str | None = None,
    block: date = f.MONDAY,
) -> LoggedPeriod:
    """A period of `hours` elapsed hours starting at a wall time on a block day."""
    start = at(day, clock, block)
    return LoggedPeriod(person, start, start + timedelta(minutes=round(hours * 60)), kind, shift, post)


def wall(
    person: str,
    start: tuple[int, str],
    end: tuple[int, str],
    kind: WorkKind = WorkKind.IN_HOUSE,
    *,
    shift: str | None = None,
    block: date = f.MONDAY,
) -> LoggedPeriod:
    """A period between two wall times: across a DST change it is an hour shorter or longer."""
    return LoggedPeriod(person, at(*start, block), at(*end, block), kind, shift)


def days(
    person: str,
    offsets: Iterable[int],
    clock: str = "07:00",
    hours: float = 12,
    kind: WorkKind = WorkKind.IN_HOUSE,
    shift: str | None = None,
) -> list[LoggedPeriod]:
    return [period(person, d, clock, hours, kind, shift=shift) for d in offsets]


def of_rule(found: Iterable[Violation], rule: RuleId) -> list[Violation]:
    return [v for v in found if v.rule == rule]
