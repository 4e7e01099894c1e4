"""Plain factory functions for the roster model; every test builds its programs from these.

Defaults describe a tiny general-surgery service in New York, block starting Monday 2026-03-02
(the spring DST change is Sunday 2026-03-08).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time, timedelta
from pathlib import Path

from callroom.domain.grades import Grade, GradeRange
from callroom.domain.program import (
    AcgmeLimits,
    Block,
    Conflict,
    CoverDemand,
    CoverRequirement,
    DayPattern,
    Hospital,
    Leave,
    Person,
    PersonLimits,
    Post,
    Program,
    Request,
    RuleProfile,
    Service,
    Weights,
)
from callroom.domain.roster import Assignment, Roster
from callroom.domain.shifts import ShiftKind, ShiftType
from callroom.formats.program_file import parse_program

MONDAY = date(2026, 3, 2)
SPRING_FORWARD = date(2026, 3, 8)  # a Sunday: 02:00 EST jumps to 03:00 EDT


def day(offset: int, start: date = MONDAY) -> date:
    return start + timedelta(days=offset)


def shift_type(
    id: str,
    start: str = "07:00",
    hours: float = 12,
    kind: ShiftKind = ShiftKind.DAY,
    counted_hours: float | None = None,
) -> ShiftType:
    minutes = int(hours * 60)
    counted = minutes if counted_hours is None else int(counted_hours * 60)
    hh, mm = (int(x) for x in start.split(":"))
    return ShiftType(id, id.title(), time(hh, mm), minutes, kind, counted)


DAY = shift_type("day", "07:00", 12)
NIGHT = shift_type("night", "19:00", 12, ShiftKind.NIGHT)
CALL = shift_type("call", "07:00", 24, ShiftKind.IN_HOUSE_CALL)
HOME = shift_type("home", "17:00", 14, ShiftKind.HOME_CALL, counted_hours=0)
CLINIC = shift_type("clinic", "08:00", 4, ShiftKind.CLINIC)
STANDARD_SHIFTS = (DAY, NIGHT, CALL, HOME, CLINIC)


def post(
    id: str = "ward",
    shifts: Iterable[str] = ("day", "night", "call", "home", "clinic"),
    service: str = "gs",
    team: str | None = None,
    new_patients: bool = True,
) -> Post:
    return Post(id, id.title(), service, tuple(shifts), team or service, new_patients)


def person(
    id: str,
    grade: Grade = Grade.PGY2,
    posts: Iterable[str] = ("ward",),
    *,
    leave: Iterable[Leave] = (),
    days_off: Iterable[date] = (),
    requests: Iterable[Request] = (),
    limits: PersonLimits = PersonLimits(),
    rotation: str | None = None,
) -> Person:
    return Person(
        id,
        id.title(),
        grade,
        tuple(posts),
        rotation,
        tuple(leave),
        frozenset(days_off),
        tuple(requests),
        limits,
    )


def demand(
    post_id: str = "ward",
    shift_id: str = "day",
    *requirements: CoverRequirement,
    days: DayPattern = DayPattern(),
    id: str | None = None,
) -> CoverDemand:
    reqs = requirements or (CoverRequirement(minimum=1),)
    return CoverDemand(id or f"{post_id}/{shift_id}", post_id, shift_id, days, reqs)


def need(
    minimum: int = 0,
    target: int | None = None,
    maximum: int | None = None,
    grades: str = "any",
    under: int = 100,
    over: int = 1,
) -> CoverRequirement:
    return CoverRequirement(GradeRange.parse(grades), minimum, target, maximum, under, over)


def program(
    people: Iterable[Person] = (),
    *,
    shifts: Iterable[ShiftType] = STANDARD_SHIFTS,
    posts: Iterable[Post] = (),
    demands: Iterable[CoverDemand] = (),
    conflicts: Iterable[Conflict] = (),
    start: date = MONDAY,
    days: int = 28,
    acgme: bool = True,
    limits: AcgmeLimits = AcgmeLimits(),
    rotation_limits: dict[str, AcgmeLimits] | None = None,
    forbidden: Iterable[tuple[str, str]] = (),
    weights: Weights = Weights(),
    timezone: str = "America/New_York",
) -> Program:
    return Program(
        hospital=Hospital("Test General", timezone),
        block=Block(start, days),
        services=(Service("gs", "General Surgery"),),
        shift_types=tuple(shifts),
        posts=tuple(posts) or (post(),),
        demands=tuple(demands),
        people=tuple(people),
        conflicts=tuple(conflicts),
        rules=RuleProfile(acgme, limits, rotation_limits or {}, frozenset(forbidden)),
        weights=weights,
    )


def roster(*rows: tuple[str, int, str] | tuple[str, int, str, str], start: date = MONDAY) -> Roster:
    """Rows of (person, day offset, shift[, post]); the post defaults to "ward"."""
    items = []
    for row in rows:
        post_id = row[3] if len(row) == 4 else "ward"
        items.append(Assignment(row[0], day(row[1], start), row[2], post_id))
    return Roster.of(items)


def every(
    person_id: str, shift_id: str, offsets: Iterable[int], post_id: str = "ward"
) -> list[tuple[str, int, str, str]]:
    """The same shift on many days, as roster rows."""
    return [(person_id, offset, shift_id, post_id) for offset in offsets]


SMALL_YEAR = Path(__file__).parent / "fixtures" / "programs" / "year_small.yaml"


def small_year_text(*edits: tuple[str, str]) -> str:
    """The small year file's text with each (old, new) replaced; every old must be in it."""
    text = SMALL_YEAR.read_text()
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    return text


def small_year(*edits: tuple[str, str]) -> Program:
    """The small year file, edited as `small_year_text` edits it, parsed."""
    return parse_program(small_year_text(*edits), "year.yaml")


FULL_PROGRAM = Path(__file__).parent / "fixtures" / "programs" / "full.yaml"


def future_program_file(directory: Path) -> Path:
    """The full test program moved 28 years ahead (the same weekdays), written to `directory`:
    a block not yet begun on today's clock, so publishing any roster of it changes no past day."""
    path = directory / "future.yaml"
    path.write_text(FULL_PROGRAM.read_text().replace("2026-", "2054-"))
    return path


# The new-program form filled in as a chief would: a one-week ward with one day shift.
NEW_PROGRAM_FORM = {
    "hospital": "Small General",
    "timezone": "Europe/Dublin",
    "start": "2027-03-01",
    "days": "7",
    "service": "Ward",
    "shift": "Day",
    "shift_start": "07:00",
    "shift_hours": "12",
    "shift_kind": "day",
}
