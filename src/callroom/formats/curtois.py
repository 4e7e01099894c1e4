"""The Curtois & Qu staff-scheduling benchmark (Instance1..24) as a callroom program.

The benchmark's rules are a subset of the roster model (bench/curtois/FORMAT.md), so
an instance becomes an ordinary `Program`: one ward post running every shift type, people with
per-type maximums, total-minute bounds, run lengths and weekend limits, fixed days off, weighted
on/off requests, and one soft cover target per day and shift. ACGME rules are off; day 0 is a
Monday. The solver, the checkers and the evaluator are the ones residency programs use.

Roster files hold one line per employee: the id, then one token per day (a shift id or `-`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from pathlib import Path

from callroom.domain.grades import Grade, GradeRange
from callroom.domain.program import (
    Block,
    CoverDemand,
    CoverRequirement,
    DayPattern,
    Hospital,
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
from callroom.formats.program_file import FileIssue, ProgramFileError

MONDAY = date(2024, 1, 1)  # the benchmark's day 0 is a Monday; any Monday will do
WARD = "ward"
OFF = "-"
SECTIONS = (
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
)
REQUIRED = ("SECTION_HORIZON", "SECTION_SHIFTS", "SECTION_STAFF", "SECTION_COVER")
STAFF_FIELDS = (
    "ID",
    "MaxShifts",
    "MaxTotalMinutes",
    "MinTotalMinutes",
    "MaxConsecutiveShifts",
    "MinConsecutiveShifts",
    "MinConsecutiveDaysOff",
    "MaxWeekends",
)


@dataclass(frozen=True)
class Line:
    number: int
    fields: list[str]


class _BadLine(Exception):
    def __init__(self, line: Line, field: str, message: str) -> None:
        super().__init__(message)
        self.line, self.field, self.message = line, field, message


@dataclass
class _Instance:
    """The parsed sections, in benchmark terms, before they become a Program."""

    filename: str
    horizon: int = 0
    shifts: dict[str, tuple[int, list[str], Line]] = field(default_factory=dict)
    staff: dict[str, PersonLimits] = field(default_factory=dict)
    days_off: dict[str, list[date]] = field(default_factory=dict)
    requests: dict[str, list[Request]] = field(default_factory=dict)
    cover: list[CoverDemand] = field(default_factory=list)

    def day(self, line: Line, column: int, name: str = "Day") -> date:
        index = _int(line, column, name)
        if not 0 <= index < self.horizon:
            raise _BadLine(line, name, f"day {index} is outside the horizon 0..{self.horizon - 1}")
        return MONDAY + timedelta(days=index)

    def shift(self, line: Line, column: int) -> str:
        shift_id = _text(line, column, "ShiftID")
        if shift_id not in self.shifts:
            raise _BadLine(line, "ShiftID", f"unknown shift {shift_id!r}")
        return shift_id

    def employee(self, line: Line) -> str:
        employee = _text(line, 0, "EmployeeID")
        if employee not in self.staff:
            raise _BadLine(line, "EmployeeID", f"unknown employee {employee!r}")
        return employee


def load_instance(path: Path) -> Program:
    """Read an instance file; ProgramFileError names the file and line of any problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ProgramFileError([FileIssue(str(path), None, "", f"cannot read the file: {error}")]) from error
    return parse_instance(text, str(path), name=path.stem)


def parse_instance(text: str, filename: str = "<instance>", name: str = "Curtois instance") -> Program:
    instance = _Instance(filename)
    sections = _sections(text, filename)
    try:
        _read(instance, sections)
    except _BadLine as bad:
        raise ProgramFileError([FileIssue(filename, bad.line.number, bad.field, bad.message)]) from bad
    return _program(instance, name)


def _sections(text: str, filename: str) -> dict[str, list[Line]]:
    """Lines of each section; a blank line ends a section, `#` lines are comments."""
    sections: dict[str, list[Line]] = {}
    current: list[Line] | None = None
    for number, raw in enumerate(text.replace("\r", "").split("\n"), start=1):
        stripped = raw.strip()
        if stripped.startswith("#"):
            continue
        if not stripped:
            current = None
        elif stripped in SECTIONS:
            current = sections.setdefault(stripped, [])
        elif current is None:
            raise ProgramFileError(
                [
                    FileIssue(
                        filename,
                        number,
                        "",
                        f"{stripped[:40]!r} is outside any section (expected one of {', '.join(SECTIONS)})",
                    )
                ]
            )
        else:
            current.append(Line(number, [f.strip() for f in stripped.split(",")]))
    missing = [name for name in REQUIRED if name not in sections]
    if missing:
        raise ProgramFileError([FileIssue(filename, None, "", f"missing {', '.join(missing)}")])
    return sections


def _read(instance: _Instance, sections: dict[str, list[Line]]) -> None:
    _horizon(instance, sections["SECTION_HORIZON"])
    for line in sections["SECTION_SHIFTS"]:
        _shift(instance, line)
    for line in sections["SECTION_SHIFTS"]:
        for forbidden in instance.shifts[line.fields[0]][1]:
            if forbidden not in instance.shifts:
                raise _BadLine(line, "cannot follow", f"unknown shift {forbidden!r}")
    for line in sections["SECTION_STAFF"]:
        _staff(instance, line)
    for line in sections.get("SECTION_DAYS_OFF", []):
        days = [instance.day(line, i, "DayIndex") for i in range(1, len(line.fields)) if line.fields[i]]
        instance.days_off.setdefault(instance.employee(line), []).extend(days)
    for on, key in ((True, "SECTION_SHIFT_ON_REQUESTS"), (False, "SECTION_SHIFT_OFF_REQUESTS")):
        for line in sections.get(key, []):
            _request(instance, line, on)
    for line in sections["SECTION_COVER"]:
        _cover(instance, line)


def _horizon(instance: _Instance, lines: list[Line]) -> None:
    if len(lines) != 1:
        raise _BadLine(lines[0] if lines else Line(0, []), "horizon", "expected one number of days")
    instance.horizon = _int(lines[0], 0, "horizon")
    if instance.horizon <= 0 or instance.horizon % 7:
        raise _BadLine(lines[0], "horizon", f"{instance.horizon} is not a positive multiple of 7")


def _shift(instance: _Instance, line: Line) -> None:
    _width(line, 3, 3, "ShiftID, Length, cannot follow")
    shift_id, length = _text(line, 0, "ShiftID"), _int(line, 1, "Length")
    if shift_id in instance.shifts:
        raise _BadLine(line, "ShiftID", f"shift {shift_id!r} is defined twice")
    if length <= 0:
        raise _BadLine(line, "Length", f"shift length must be positive, not {length}")
    forbidden = [s for s in line.fields[2].split("|") if s]
    instance.shifts[shift_id] = (length, forbidden, line)


def _staff(instance: _Instance, line: Line) -> None:
    _width(line, len(STAFF_FIELDS), len(STAFF_FIELDS), ", ".join(STAFF_FIELDS))
    employee = _text(line, 0, "ID")
    if employee in instance.staff:
        raise _BadLine(line, "ID", f"employee {employee!r} is defined twice")
    numbers = [_int(line, i, STAFF_FIELDS[i]) for i in range(2, len(STAFF_FIELDS))]
    max_total, min_total, max_run, min_run, min_off, weekends = numbers
    instance.staff[employee] = PersonLimits(
        max_shifts=dict(_max_shifts(instance, line)),
        min_total_minutes=min_total,
        max_total_minutes=max_total,
        min_consecutive_work=min_run,
        max_consecutive_work=max_run,
        min_consecutive_off=min_off,
        max_weekends=weekends,
    )


def _max_shifts(instance: _Instance, line: Line) -> Iterator[tuple[str, int]]:
    for part in filter(None, line.fields[1].split("|")):
        shift_id, _, cap = part.partition("=")
        if shift_id not in instance.shifts:
            raise _BadLine(line, "MaxShifts", f"unknown shift {shift_id!r}")
        if not cap.isdigit():
            raise _BadLine(line, "MaxShifts", f"{part!r} is not ShiftID=number")
        yield shift_id, int(cap)


def _request(instance: _Instance, line: Line, on: bool) -> None:
    _width(line, 4, 4, "EmployeeID, Day, ShiftID, Weight")
    employee, day, shift_id = instance.employee(line), instance.day(line, 1), instance.shift(line, 2)
    weight = _int(line, 3, "Weight")
    instance.requests.setdefault(employee, []).append(Request(day, on, weight, shift_id, WARD))


def _cover(instance: _Instance, line: Line) -> None:
    _width(line, 5, 5, "Day, ShiftID, Requirement, WeightUnder, WeightOver")
    day, shift_id = instance.day(line, 0), instance.shift(line, 1)
    target, under, over = (
        _int(line, i, n) for i, n in ((2, "Requirement"), (3, "WeightUnder"), (4, "WeightOver"))
    )
    need = CoverRequirement(GradeRange(), 0, target, None, under, over)
    pattern = DayPattern(weekdays=frozenset(), include=frozenset({day}))
    # Ids as the program file numbers its cover entries, so an import round-trips exactly.
    demand_id = f"{WARD}/{shift_id}#{len(instance.cover)}"
    instance.cover.append(CoverDemand(demand_id, WARD, shift_id, pattern, (need,)))


def _width(line: Line, low: int, high: int, expected: str) -> None:
    if not low <= len(line.fields) <= high:
        raise _BadLine(line, "", f"expected {expected} ({low} fields), found {len(line.fields)}")


def _text(line: Line, column: int, name: str) -> str:
    value = line.fields[column] if column < len(line.fields) else ""
    if not value:
        raise _BadLine(line, name, f"{name} is missing")
    return value


def _int(line: Line, column: int, name: str) -> int:
    value = _text(line, column, name)
    try:
        number = int(value)
    except ValueError:
        raise _BadLine(line, name, f"{name} must be a whole number, not {value!r}") from None
    if number < 0:
        raise _BadLine(line, name, f"{name} must not be negative ({number})")
    return number


def _program(instance: _Instance, name: str) -> Program:
    shift_ids = tuple(instance.shifts)
    shifts = tuple(
        ShiftType(s, s, time(0, 0), length, ShiftKind.DAY, length)
        for s, (length, _, _) in instance.shifts.items()
    )
    forbidden = frozenset((s, t) for s, (_, after, _) in instance.shifts.items() for t in after)
    people = tuple(
        Person(
            e,
            e,
            Grade.ATTENDING,
            (WARD,),
            limits=limits,
            days_off=frozenset(instance.days_off.get(e, [])),
            requests=tuple(instance.requests.get(e, ())),
        )
        for e, limits in instance.staff.items()
    )
    return Program(
        hospital=Hospital(name, "UTC"),
        block=Block(MONDAY, instance.horizon),
        services=(Service(WARD, "Ward"),),
        shift_types=shifts,
        posts=(Post(WARD, "Ward", WARD, shift_ids, WARD),),
        demands=tuple(instance.cover),
        people=people,
        rules=RuleProfile(acgme=False, forbidden_successions=forbidden),
        weights=Weights(0, 0, 0, 0),
    )


def parse_roster(text: str, program: Program, filename: str = "<roster>") -> Roster:
    """Read a roster file for an imported instance; ProgramFileError on any bad line."""
    issues, assignments = [], []
    for number, raw in enumerate(text.replace("\r", "").split("\n"), start=1):
        tokens = raw.split()
        if not tokens or tokens[0].startswith("#"):
            continue
        problem = _roster_line_problem(tokens, program)
        if problem:
            issues.append(FileIssue(filename, number, tokens[0], problem))
            continue
        assignments += [
            Assignment(tokens[0], program.block.start + timedelta(days=d), token, WARD)
            for d, token in enumerate(tokens[1:])
            if token != OFF
        ]
    if issues:
        raise ProgramFileError(issues)
    return Roster.of(assignments)


def _roster_line_problem(tokens: list[str], program: Program) -> str | None:
    if tokens[0] not in program.person:
        return f"unknown employee {tokens[0]!r}"
    if len(tokens) - 1 != program.block.days:
        return f"{len(tokens) - 1} days, expected {program.block.days}"
    unknown = sorted({t for t in tokens[1:] if t != OFF and t not in program.shift})
    return f"unknown shift {unknown[0]!r}" if unknown else None


def format_roster(program: Program, roster: Roster, comment: str = "") -> str:
    """The roster in the benchmark's format, one line per employee in program order."""
    lines = [f"# {line}" for line in comment.splitlines()]
    for person in program.people:
        by_day = {a.day: a.shift_id for a in roster.for_person(person.id)}
        tokens = [by_day.get(day, OFF) for day in program.block.dates()]
        lines.append(" ".join([person.id, *tokens]))
    return "\n".join(lines) + "\n"
