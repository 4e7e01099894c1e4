"""Approved absences: time off a published roster that the chief has granted (a sick call
repaired, a day off approved). From then on it is a fact of the program, like leave: the person
works no shift that overlaps it, in this roster version or any later one.

Unlike leave (whole days from the program file), an absence runs from one instant to another,
because a sick call may start at any hour; a shift overlaps it when it runs at any moment of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class AbsenceKind(StrEnum):
    SICK = "sick"  # a sick call (or any absence) the chief repaired the roster for
    DAY_OFF = "day_off"  # a day off the chief granted


@dataclass(frozen=True)
class ApprovedAbsence:
    """`person_id` works no shift that overlaps [start, end) (UTC, timezone-aware), because the
    chief approved proposal `proposal_id`, of kind `granted_with` ("repair" or "day_off")."""

    person_id: str
    start: datetime
    end: datetime
    kind: AbsenceKind = AbsenceKind.SICK
    proposal_id: int | None = None
    granted_with: str = "repair"

    def overlaps(self, start: datetime, end: datetime) -> bool:
        """Whether anything running from `start` to `end` runs at a moment of the absence."""
        return start < self.end and self.start < end

    def describe(self, zone: ZoneInfo) -> str:
        """The absence as a predicate on its person, on the hospital's wall clock: "is off sick
        10–12 Mar (approved with repair #4)", "has 10 Mar off (day off #5 approved)"."""
        span = wall_span(self.start, self.end, zone)
        what = f"is off sick {span}" if self.kind is AbsenceKind.SICK else f"has {span} off"
        return f"{what} ({self._granted()})"

    def _granted(self) -> str:
        number = "" if self.proposal_id is None else f" #{self.proposal_id}"
        if self.granted_with == "day_off":
            return f"day off{number} approved"
        if self.kind is AbsenceKind.DAY_OFF:
            return f"granted with {self.granted_with}{number}"
        return f"approved with {self.granted_with}{number}"


def wall_span(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    """[start, end) in words on the wall clock: whole days as "10–12 Mar" (one day: "10 Mar";
    across months: "30 Mar–2 Apr"), anything else with its times ("10 Mar 07:00–12 Mar 19:00")."""
    first, last = start.astimezone(zone), end.astimezone(zone)
    if first.time() == last.time() == time(0):
        final = (last - timedelta(days=1)).date()
        if final == first.date():
            return f"{first.day} {first:%b}"
        if (final.year, final.month) == (first.year, first.month):
            return f"{first.day}–{final.day} {final:%b}"
        return f"{first.day} {first:%b}–{final.day} {final:%b}"
    if first.date() == last.date():
        return f"{first.day} {first:%b %H:%M}–{last:%H:%M}"
    return f"{first.day} {first:%b %H:%M}–{last.day} {last:%b %H:%M}"
