"""What a repair is asked to do, checked before any solving: the absence and the limits.

A repair takes a published roster and an absence (a person who cannot work from one instant to
another) and looks for the smallest change that keeps every hard rule. The chief may narrow it:
change only days inside a window, or move only people on a backup ("jeopardy") list or who
volunteered. Everything here is pure; a `RepairError` names the field that is wrong, so the CLI
exits 2 and the API answers 422 before anything is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from callroom.domain.program import Program
from callroom.domain.wallclock import local_instant, local_text
from callroom.errors import Invalid


class RepairError(Invalid):
    """Bad repair input; `field` names what is wrong (absent, from, to, window_from, only...)."""


@dataclass(frozen=True)
class Absence:
    """`person_id` cannot work any shift that overlaps [start, end); both UTC, timezone-aware."""

    person_id: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class RepairLimits:
    """Optional narrowing. `window` (first, last day inclusive): only those days may change.
    `movable`: only these people may be moved (the absent person always loses their shifts)."""

    window: tuple[date, date] | None = None
    movable: frozenset[str] | None = None


def parse_instant(text: str, program: Program, field: str, *, end: bool = False) -> datetime:
    """An ISO date or datetime in UTC. A date alone means local midnight starting that day, or
    for an end, the midnight after it (so `--to 2027-03-07` includes the 7th). A datetime with
    no offset is wall-clock time in the hospital's zone."""
    zone, typed = ZoneInfo(program.hospital.timezone), text.strip()
    try:
        if len(typed) == 10:
            day = date.fromisoformat(typed) + timedelta(days=1 if end else 0)
            return datetime.combine(day, time(0), zone).astimezone(ZoneInfo("UTC"))
        datetime.fromisoformat(typed)
    except (ValueError, OverflowError) as error:  # OverflowError: a day past 9999-12-31
        raise RepairError(
            field, f"{text!r} is not a date (YYYY-MM-DD) or an ISO datetime (YYYY-MM-DDTHH:MM[+HH:MM])"
        ) from error
    # The one strict reading of a typed wall time: one the clocks skip is refused, one they
    # pass twice needs its offset.
    return local_instant(typed, zone, field)


def check_repair(program: Program, absence: Absence, limits: RepairLimits) -> None:
    """RepairError naming the first wrong field; silent when the request makes sense."""
    _check_person(program, absence.person_id)
    _check_span(program, absence)
    _check_leave(program, absence)
    _check_window(program, absence, limits.window)
    for person_id in sorted(limits.movable or ()):
        if person_id not in program.person:
            raise RepairError("only", f"no person {person_id!r} in {program.hospital.name}")


def absence_span(program: Program, absence: Absence) -> tuple[date, date]:
    """The first and last local dates the absence touches (ending at midnight stops the day
    before)."""
    zone = ZoneInfo(program.hospital.timezone)
    return (
        absence.start.astimezone(zone).date(),
        (absence.end - timedelta(microseconds=1)).astimezone(zone).date(),
    )


def absence_days(program: Program, absence: Absence) -> list[date]:
    """The local dates the absence touches, from the day before the block to the day after it
    (nothing further away matters, and a mistyped year would otherwise list thousands)."""
    first, last = absence_span(program, absence)
    first = max(first, program.block.start - timedelta(days=1))
    last = min(last, program.block.end + timedelta(days=1))
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _check_person(program: Program, person_id: str) -> None:
    if person_id not in program.person:
        known = ", ".join(sorted(p.id for p in program.people if person_id.lower() in p.id.lower())[:5])
        hint = f"; did you mean {known}?" if known else ""
        raise RepairError("absent", f"no person {person_id!r} in {program.hospital.name}{hint}")


def _check_span(program: Program, absence: Absence) -> None:
    if absence.end <= absence.start:
        zone = ZoneInfo(program.hospital.timezone)
        span = f"from {local_text(absence.start, zone)} to {local_text(absence.end, zone)}"
        raise RepairError(
            "to",
            f"the absence must end after it starts ({span}; a date as the end means the end of that day)",
        )
    first, last = absence_span(program, absence)
    block = program.block
    if last < block.start or first > block.end:
        raise RepairError(
            "from", f"the absence {first}..{last} lies outside the block {block.start}..{block.end}"
        )


def _check_leave(program: Program, absence: Absence) -> None:
    person = program.person[absence.person_id]
    overlap = sorted(set(absence_days(program, absence)) & person.leave_dates)
    if overlap:
        raise RepairError(
            "from",
            f"{person.name} is already on leave on "
            f"{', '.join(d.isoformat() for d in overlap)}; the absence "
            "overlaps leave, which the roster already respects",
        )


def _check_window(program: Program, absence: Absence, window: tuple[date, date] | None) -> None:
    if window is None:
        return
    first, last = window
    block = program.block
    for field, day in (("window_from", first), ("window_to", last)):
        if day not in block:
            raise RepairError(field, f"{day} is outside the block {block.start}..{block.end}")
    if last < first:
        raise RepairError("window_to", f"{last} is before window_from {first}")
    days = [d for d in absence_days(program, absence) if d in block]
    if not any(first <= d <= last for d in days):
        raise RepairError(
            "window_from", f"the window {first}..{last} does not include any day of the absence"
        )
