"""The general rostering rules, for everyone and for the Curtois benchmark, worked by hand.

The ACGME rules are switched off so that each case shows one general rule alone. Blocks start on
Monday 2026-06-01 unless a case says otherwise: day 5 is Saturday 6 June, day 6 Sunday 7 June.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date

import pytest

from callroom.domain.grades import Grade, GradeRange
from callroom.domain.program import Conflict, Leave, Person, PersonLimits, Program
from callroom.domain.roster import Assignment, Roster
from callroom.rules import ids
from callroom.rules.check import check_all
from callroom.rules.ids import RuleId
from callroom.rules.violations import Violation
from tests import factories as f
from tests.agreement import assert_model_agrees

JUNE = date(2026, 6, 1)
SHIFTS = (*f.STANDARD_SHIFTS, f.shift_type("early06", "06:00", 4))
POSTS = (
    f.post("ward", [s.id for s in SHIFTS]),
    f.post("clinic", ["clinic", "day"], team="clinic"),
    dataclasses.replace(f.post("theatre", ["day"]), grades=GradeRange.parse("PGY-4+")),
)
Row = tuple[str, int, str] | tuple[str, int, str, str]


def _program(
    *people: Person,
    days: int = 7,
    start: date = JUNE,
    forbidden: Iterable[tuple[str, str]] = (),
    conflicts: Iterable[Conflict] = (),
) -> Program:
    return f.program(
        people,
        shifts=SHIFTS,
        posts=POSTS,
        days=days,
        start=start,
        acgme=False,
        forbidden=forbidden,
        conflicts=conflicts,
    )


def _ada(
    limits: PersonLimits = PersonLimits(), *, leave: Iterable[Leave] = (), days_off: Iterable[date] = ()
) -> Person:
    return f.person("ada", posts=("ward", "clinic", "theatre"), limits=limits, leave=leave, days_off=days_off)


def _roster(*rows: Row, start: date = JUNE) -> Roster:
    return f.roster(*rows, start=start)


def _works(shift: str, days: Iterable[int]) -> Roster:
    return _roster(*f.every("ada", shift, days))


def _summary(found: list[Violation]) -> list[tuple[RuleId, float | None, float | None, date | None]]:
    return [(v.rule, v.measured, v.limit, v.day) for v in found]


def _day(offset: int) -> date:
    return f.day(offset, JUNE)


# Forbidden successions: a shift type on one day, another on the next.

NO_DAY_AFTER_NIGHT = [("night", "day")]


def test_a_day_shift_the_day_after_a_night_is_a_forbidden_succession() -> None:
    program = _program(_ada(), forbidden=NO_DAY_AFTER_NIGHT)
    roster = _roster(("ada", 0, "night"), ("ada", 1, "day"))
    found = check_all(program, roster)
    assert _summary(found) == [(ids.SUCCESSION, None, None, _day(1))]
    assert "Ada: Day on 2026-06-02 may not follow Night" in found[0].message
    assert_model_agrees(program, roster)


@pytest.mark.parametrize(
    "rows",
    [
        [("ada", 0, "day"), ("ada", 1, "night")],  # the other order
        [("ada", 0, "night"), ("ada", 2, "day")],  # a day between
    ],
    ids=["the-other-order", "a-day-between"],
)
def test_a_night_and_a_day_not_in_forbidden_succession_are_fine(rows: list[Row]) -> None:
    program = _program(_ada(), forbidden=NO_DAY_AFTER_NIGHT)
    roster = _roster(*rows)
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)


# Counts and totals.


def test_two_nights_meet_a_maximum_of_two_and_a_third_breaks_it() -> None:
    program = _program(_ada(PersonLimits(max_shifts={"night": 2})))
    assert check_all(program, _works("night", [0, 2])) == []
    assert_model_agrees(program, _works("night", [0, 2]))
    roster = _works("night", [0, 2, 4])
    found = check_all(program, roster)
    assert _summary(found) == [(ids.MAX_SHIFTS, 3, 2, None)]
    assert "Ada: 3 night shifts; at most 2" in found[0].message
    assert_model_agrees(program, roster)


def test_a_maximum_of_zero_nights_makes_a_night_both_ineligible_and_over_the_maximum() -> None:
    program = _program(_ada(PersonLimits(max_shifts={"night": 0})))
    roster = _works("night", [0])
    assert [v.rule for v in check_all(program, roster)] == [ids.ELIGIBILITY, ids.MAX_SHIFTS]
    assert_model_agrees(program, roster)


@pytest.mark.parametrize(
    ("limits", "rows", "measured", "limit"),
    [
        (PersonLimits(min_total_minutes=1440), [("ada", 0, "day"), ("ada", 1, "day")], None, None),
        (PersonLimits(min_total_minutes=1440), [("ada", 0, "day")], 720, 1440),
        (PersonLimits(min_total_minutes=1440), [("ada", 0, "day"), ("ada", 1, "home")], 720, 1440),
        (PersonLimits(max_total_minutes=1440), [("ada", 0, "day"), ("ada", 1, "day")], None, None),
        (PersonLimits(max_total_minutes=1440), [("ada", d, "day") for d in range(3)], 2160, 1440),
    ],
    ids=[
        "two-days-meet-the-minimum",
        "one-day-is-under-it",
        "home-call-counts-nothing",
        "two-days-meet-the-maximum",
        "three-days-are-over-it",
    ],
)
def test_total_minutes_are_held_between_their_minimum_and_maximum(
    limits: PersonLimits, rows: list[Row], measured: int | None, limit: int | None
) -> None:
    program, roster = _program(_ada(limits)), _roster(*rows)
    found = check_all(program, roster)
    expected = [] if measured is None else [(ids.TOTAL_MINUTES, measured, limit, None)]
    assert _summary(found) == expected
    assert all(f"{measured} minutes in total" in v.message for v in found)
    assert_model_agrees(program, roster)


# Runs of working days and days off.


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ([0, 1, 2], []),
        ([1, 2, 3, 4], [(ids.MAX_CONSECUTIVE, 4, 3, _day(1))]),
        ([3, 4, 5, 6], [(ids.MAX_CONSECUTIVE, 4, 3, _day(3))]),
    ],
    ids=["three-in-a-row-meet-a-maximum-of-three", "four-break-it", "even-at-the-end-of-the-block"],
)
def test_at_most_three_working_days_in_a_row(days: list[int], expected: list[object]) -> None:
    program, roster = _program(_ada(PersonLimits(max_consecutive_work=3))), _works("day", days)
    assert _summary(check_all(program, roster)) == expected
    assert_model_agrees(program, roster)


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ([2, 3], []),
        ([3], [(ids.MIN_CONSECUTIVE, 1, 2, _day(3))]),
        ([0], []),
        ([6], []),
    ],
    ids=[
        "two-in-a-row-meet-a-minimum-of-two",
        "a-lone-inner-day-breaks-it",
        "a-lone-first-day-is-exempt",
        "a-lone-last-day-is-exempt",
    ],
)
def test_at_least_two_working_days_in_a_row_except_at_the_block_ends(
    days: list[int], expected: list[object]
) -> None:
    program, roster = _program(_ada(PersonLimits(min_consecutive_work=2))), _works("day", days)
    assert _summary(check_all(program, roster)) == expected
    assert_model_agrees(program, roster)


@pytest.mark.parametrize(
    ("off", "expected"),
    [
        ([3, 4], []),
        ([3], [(ids.MIN_DAYS_OFF, 1, 2, _day(3))]),
        ([0], []),
        ([6], []),
    ],
    ids=[
        "two-days-off-meet-a-minimum-of-two",
        "a-lone-inner-day-off-breaks-it",
        "a-lone-first-day-off-is-exempt",
        "a-lone-last-day-off-is-exempt",
    ],
)
def test_at_least_two_days_off_in_a_row_except_at_the_block_ends(
    off: list[int], expected: list[object]
) -> None:
    program = _program(_ada(PersonLimits(min_consecutive_off=2)))
    roster = _works("day", [d for d in range(7) if d not in off])
    assert _summary(check_all(program, roster)) == expected
    assert_model_agrees(program, roster)


# Weekends: a Saturday and the Sunday after it; working either day works the weekend.


@pytest.mark.parametrize(
    ("start", "days", "worked"),
    [
        (JUNE, [5, 6], 1),
        (JUNE, [5, 13], 2),
        (JUNE, [6, 12], 2),
        (date(2026, 6, 7), [0, 6], 2),
    ],
    ids=[
        "saturday-and-sunday-are-one-weekend",
        "a-saturday-and-the-next-sunday-are-two",
        "a-sunday-and-the-next-saturday-are-two",
        "a-sunday-opening-the-block-is-a-weekend",
    ],
)
def test_at_most_one_working_weekend(start: date, days: list[int], worked: int) -> None:
    program = _program(_ada(PersonLimits(max_weekends=1)), days=14, start=start)
    roster = _roster(*f.every("ada", "day", days), start=start)
    found = check_all(program, roster)
    expected = [] if worked == 1 else [(ids.MAX_WEEKENDS, worked, 1, None)]
    assert _summary(found) == expected
    assert_model_agrees(program, roster)


# Fixed days off and leave.


def test_working_a_fixed_day_off_breaks_it() -> None:
    program, roster = _program(_ada(days_off=[_day(2)])), _works("day", [2])
    found = check_all(program, roster)
    assert _summary(found) == [(ids.UNAVAILABLE, None, None, _day(2))]
    assert "Ada works Day on 2026-06-03 while on a fixed day off" in found[0].message
    assert_model_agrees(program, roster)


def test_working_on_leave_breaks_it_but_the_day_after_is_fine() -> None:
    program = _program(_ada(leave=[Leave(_day(2), _day(3))]))
    found = check_all(program, _works("day", [3]))
    assert _summary(found) == [(ids.UNAVAILABLE, None, None, _day(3))]
    assert "while on leave" in found[0].message
    assert_model_agrees(program, _works("day", [3]))
    assert check_all(program, _works("day", [4])) == []
    assert_model_agrees(program, _works("day", [4]))


# One shift a day, and no overlaps.


@pytest.mark.parametrize(
    ("rows", "also"),
    [
        ([("ada", 0, "day"), ("ada", 0, "night")], []),
        ([("ada", 0, "day"), ("ada", 0, "day")], [ids.OVERLAP]),  # a shift overlaps itself
    ],
    ids=["a-day-and-a-night", "the-same-shift-listed-twice"],
)
def test_two_shifts_on_one_day_break_one_shift_a_day(rows: list[Row], also: list[RuleId]) -> None:
    program, roster = _program(_ada()), _roster(*rows)
    found = check_all(program, roster)
    assert [v.rule for v in found] == [ids.ONE_SHIFT_A_DAY, *also]
    assert (found[0].measured, found[0].limit, found[0].day) == (2, 1, JUNE)
    assert "Ada: 2 shifts on 2026-06-01" in found[0].message
    assert_model_agrees(program, roster)


def test_a_shift_starting_before_the_last_one_ends_is_an_overlap() -> None:
    program, roster = _program(_ada()), _roster(("ada", 0, "call"), ("ada", 1, "early06"))
    found = check_all(program, roster)
    assert _summary(found) == [(ids.OVERLAP, None, None, _day(1))]
    assert "Early06 on 2026-06-02 starts before Call on 2026-06-01 ends" in found[0].message
    assert_model_agrees(program, roster)


def test_a_shift_starting_when_the_last_one_ends_is_no_overlap() -> None:
    program, roster = _program(_ada()), _roster(("ada", 0, "call"), ("ada", 1, "day"))
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)


# Eligibility: the person lists the post, their grade fits it, and it runs the shift.


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        (Assignment("ada", JUNE, "day", "theatre"), "Ada (PGY-2) may not work Day on Theatre (2026-06-01)"),
        (
            Assignment("bob", JUNE, "clinic", "clinic"),
            "Bob (PGY-2) may not work Clinic on Clinic (2026-06-01)",
        ),
        (Assignment("ada", JUNE, "night", "clinic"), "Ada (PGY-2) may not work Night on Clinic (2026-06-01)"),
        (Assignment("ada", JUNE, "swing", "ward"), "Ada: unknown shift 'swing' or post 'ward' on 2026-06-01"),
        (Assignment("ada", _day(7), "day", "ward"), "Ada: 2026-06-08 is outside the block"),
        (Assignment("ghost", JUNE, "day", "ward"), "unknown person 'ghost'"),
    ],
    ids=[
        "a-grade-below-the-post",
        "a-post-not-listed",
        "a-shift-the-post-does-not-run",
        "an-unknown-shift",
        "a-day-outside-the-block",
        "an-unknown-person",
    ],
)
def test_an_assignment_nobody_may_work_is_ineligible(assignment: Assignment, message: str) -> None:
    program, roster = _program(_ada(), f.person("bob")), Roster.of([assignment])
    found = check_all(program, roster)
    assert [(v.rule, v.message) for v in found] == [(ids.ELIGIBILITY, message)]
    assert_model_agrees(program, roster)


def test_a_pgy4_may_work_a_pgy4_plus_post() -> None:
    program = _program(f.person("cy", Grade.PGY4, posts=("theatre",)))
    roster = _roster(("cy", 0, "day", "theatre"))
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)


# Declared conflicts: never on one team at overlapping times.


@pytest.mark.parametrize(
    ("ada_shift", "bob_row", "clash"),
    [
        ("day", ("bob", 0, "day", "ward"), True),
        ("day", ("bob", 0, "day", "clinic"), False),
        ("day", ("bob", 0, "night", "ward"), False),
        ("night", ("bob", 1, "early06", "ward"), True),
    ],
    ids=[
        "same-team-same-hours",
        "another-team",
        "same-team-from-when-ada-leaves",
        "same-team-an-hour-before-ada-leaves-next-morning",
    ],
)
def test_people_in_a_declared_conflict_never_share_a_team_at_once(
    ada_shift: str, bob_row: Row, clash: bool
) -> None:
    bob = f.person("bob", posts=("ward", "clinic"))
    program = _program(_ada(), bob, conflicts=[Conflict("ada", "bob", "not on speaking terms")])
    roster = _roster(("ada", 0, ada_shift, "ward"), bob_row)
    found = check_all(program, roster)
    assert _summary(found) == ([(ids.CONFLICT, None, None, JUNE)] if clash else [])
    assert all("Ada and Bob share the gs team on 2026-06-01 (declared conflict)" in v.message for v in found)
    assert_model_agrees(program, roster)
