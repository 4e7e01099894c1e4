"""Hypothesis strategies: small random programs and rosters that stress every rule.

Shift times and lengths are random, blocks straddle DST changes, and ACGME limits are varied, so
the chain, rest and free-day logic meet cases nobody thought to write down.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from callroom.domain.absence import AbsenceKind, ApprovedAbsence
from callroom.domain.grades import Grade, GradeRange
from callroom.domain.program import (
    AcgmeLimits,
    Conflict,
    CoverDemand,
    CoverRequirement,
    DayPattern,
    Leave,
    Person,
    PersonLimits,
    Post,
    Program,
    Request,
    Weights,
)
from callroom.domain.roster import Assignment, Roster
from callroom.domain.shifts import ShiftKind, ShiftType
from tests import factories

STARTS = (date(2026, 3, 2), date(2026, 3, 5), date(2026, 10, 26), date(2026, 10, 29), date(2026, 6, 1))


@st.composite
def shift_types(draw: st.DrawFn) -> tuple[ShiftType, ...]:
    count = draw(st.integers(1, 4))
    shifts = []
    for i in range(count):
        kind = draw(st.sampled_from(list(ShiftKind)))
        hours = 24 if kind is ShiftKind.IN_HOUSE_CALL else draw(st.sampled_from([4, 8, 12, 12, 14]))
        # Mostly handover times, so back-to-back chains (07:00 + 12 h = 19:00) are common.
        start = draw(st.sampled_from([time(7), time(7), time(19), time(8), time(1, 30), time(17)]))
        minutes = hours * 60 + draw(st.sampled_from([0, 0, 0, 60, 240]))
        counted = 0 if kind is ShiftKind.HOME_CALL else minutes
        shifts.append(ShiftType(f"s{i}", f"S{i}", start, minutes, kind, counted))
    return tuple(shifts)


@st.composite
def programs(draw: st.DrawFn, loose: bool = False) -> Program:
    """A small program; `loose` ones have few general limits, so ACGME chains decide."""
    shifts = draw(shift_types())
    ids = [s.id for s in shifts]
    start = draw(st.sampled_from(STARTS))
    days = draw(st.integers(5, 12))
    posts = (
        Post("a", "A", "gs", tuple(ids), "gs", True),
        Post(
            "b",
            "B",
            "gs",
            tuple(draw(st.lists(st.sampled_from(ids), min_size=1, unique=True))),
            draw(st.sampled_from(["gs", "other"])),
            draw(st.booleans()),
        ),
    )
    people = tuple(draw(_person(i, start, days, ids, loose)) for i in range(draw(st.integers(2, 4))))
    absences = draw(st.lists(_absence(len(people), start, days), max_size=2))
    return factories.program(
        people,
        shifts=shifts,
        posts=posts,
        start=start,
        days=days,
        demands=draw(st.lists(_demand(ids, start, days), max_size=0 if loose else 3)),
        conflicts=[] if loose else draw(_conflicts(people)),
        limits=draw(_limits()),
        forbidden=draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=2)),
        weights=Weights(*draw(st.tuples(*[st.integers(0, 3)] * 4))),
    ).with_absences(absences)


@st.composite
def _absence(draw: st.DrawFn, people: int, start: date, days: int) -> ApprovedAbsence:
    """An approved absence of one of the people, from any hour of the block for 1 to 48 hours."""
    origin = datetime.combine(start, time(0), ZoneInfo("America/New_York")).astimezone(UTC)
    begins = origin + timedelta(hours=draw(st.integers(-12, days * 24)))
    return ApprovedAbsence(
        f"p{draw(st.integers(0, people - 1))}",
        begins,
        begins + timedelta(hours=draw(st.integers(1, 48))),
        draw(st.sampled_from(list(AbsenceKind))),
        draw(st.integers(1, 9)),
    )


@st.composite
def _person(draw: st.DrawFn, i: int, start: date, days: int, ids: list[str], loose: bool) -> Person:
    grade = draw(st.sampled_from(list(Grade)))
    offset = draw(st.integers(0, days - 1))
    leave = (
        ()
        if draw(st.booleans())
        else (
            Leave(start + timedelta(days=offset), start + timedelta(days=offset + draw(st.integers(0, 3)))),
        )
    )
    requests = draw(
        st.lists(
            st.builds(
                Request,
                st.integers(0, days - 1).map(lambda d: start + timedelta(days=d)),
                st.booleans(),
                st.integers(1, 5),
                st.none() | st.sampled_from(ids),
                st.none() | st.sampled_from(["a", "b"]),
            ),
            max_size=3,
        )
    )
    limits = (
        PersonLimits()
        if loose and draw(st.booleans())
        else PersonLimits(
            max_shifts={
                s: draw(st.integers(0, days)) for s in draw(st.lists(st.sampled_from(ids), unique=True))
            },
            min_total_minutes=draw(st.none() | st.integers(0, 1200)),
            max_total_minutes=draw(st.none() | st.integers(1200, 6000)),
            min_consecutive_work=draw(st.none() | st.integers(1, 3)),
            max_consecutive_work=draw(st.none() | st.integers(2, 6)),
            min_consecutive_off=draw(st.none() | st.integers(1, 3)),
            max_weekends=draw(st.none() | st.integers(0, 2)),
        )
    )
    off = draw(st.lists(st.integers(0, days - 1), max_size=2))
    days_off = frozenset(start + timedelta(days=d) for d in off)
    return Person(
        f"p{i}",
        f"P{i}",
        grade,
        tuple(draw(st.lists(st.sampled_from(["a", "b"]), min_size=1, unique=True))),
        None,
        leave,
        days_off,
        tuple(requests),
        limits,
    )


@st.composite
def _demand(draw: st.DrawFn, ids: list[str], start: date, days: int) -> CoverDemand:
    grades = draw(st.sampled_from(["any", "PGY-3+", "PGY-1..PGY-2", "attending"]))
    minimum = draw(st.integers(0, 1))
    target = draw(st.none() | st.integers(minimum, 2))
    maximum = draw(st.none() | st.integers(max(minimum, target or 0), 3))
    requirement = CoverRequirement(
        GradeRange.parse(grades), minimum, target, maximum, draw(st.integers(0, 50)), draw(st.integers(0, 5))
    )
    weekdays = frozenset(draw(st.lists(st.integers(0, 6), min_size=1, unique=True)))
    return CoverDemand(
        f"d{draw(st.integers(0, 10**6))}",
        draw(st.sampled_from(["a", "b"])),
        draw(st.sampled_from(ids)),
        DayPattern(weekdays),
        (requirement,),
    )


@st.composite
def _conflicts(draw: st.DrawFn, people: tuple[Person, ...]) -> list[Conflict]:
    if len(people) < 2 or draw(st.booleans()):
        return []
    first, second = draw(st.lists(st.sampled_from(people), min_size=2, max_size=2, unique_by=lambda p: p.id))
    return [Conflict(first.id, second.id, "test")]


@st.composite
def _limits(draw: st.DrawFn) -> AcgmeLimits:
    return AcgmeLimits(
        weekly_hours=draw(st.sampled_from([40, 60, 80])),
        free_days_per_seven=draw(st.integers(0, 2)),
        max_continuous_hours=draw(st.sampled_from([16, 24])),
        transition_hours=draw(st.sampled_from([0, 4])),
        rest_after_call_hours=draw(st.sampled_from([10, 14])),
        call_every_nth_night=draw(st.integers(2, 4)),
        min_rest_hours=draw(st.sampled_from([8, 10])),
        night_float_max_nights=draw(st.none() | st.integers(1, 3)),
        free_day_start=draw(st.sampled_from([time(0), time(7)])),
    )


@st.composite
def rosters(draw: st.DrawFn, program: Program, density: float = 0.4) -> Roster:
    """Any roster of eligible options, at most one a day, nobody on leave; often breaking rules."""
    assignments = []
    for person in program.people:
        options = program.options(person)
        for day in program.block.dates():
            if options and not person.unavailable(day) and draw(st.floats(0, 1)) < density:
                post_id, shift_id = draw(st.sampled_from(options))
                assignments.append(Assignment(person.id, day, shift_id, post_id))
    return Roster.of(assignments)


@st.composite
def edits(draw: st.DrawFn, program: Program, roster: Roster) -> Roster:
    """The roster with one assignment added, removed or changed: a step across a rule's edge."""
    assignments = list(roster.assignments)
    person = draw(st.sampled_from(program.people))
    options = program.options(person)
    day = draw(st.sampled_from(program.block.dates()))
    assignments = [a for a in assignments if not (a.person_id == person.id and a.day == day)]
    if len(options) > 0 and draw(st.booleans()):
        post_id, shift_id = draw(st.sampled_from(options))
        assignments.append(Assignment(person.id, day, shift_id, post_id))
    return Roster.of(assignments)
