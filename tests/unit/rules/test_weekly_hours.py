"""80 hours a week averaged over the block (ACGME VI.F.1 / 6.20), worked by hand.

The budget is limit × available days / 7, in minutes: 28 days give 320 h, 21 days (a week of
leave) 240 h. Blocks start Monday 2026-06-01, far from any DST change; "long" is 07:00-23:00.
"""

from __future__ import annotations

from datetime import date

import pytest

from callroom.domain.grades import Grade
from callroom.domain.program import AcgmeLimits, Leave, Person, Program
from callroom.domain.roster import Roster
from callroom.domain.shifts import ShiftKind, ShiftType
from callroom.rules import ids
from callroom.rules.check import check_all
from callroom.rules.violations import Violation
from tests import factories as f
from tests.agreement import assert_model_agrees

JUNE = date(2026, 6, 1)
LONG = f.shift_type("long", "07:00", 16)
LONG17 = f.shift_type("long17", "07:00", 17)
EIGHT = f.shift_type("eight", "07:00", 8)
NINE = f.shift_type("nine", "07:00", 9)
SHIFTS = (LONG, LONG17, EIGHT, NINE)


def _program(
    people: list[Person], *, days: int = 28, rotation_limits: dict[str, AcgmeLimits] | None = None
) -> Program:
    ward = f.post("ward", [s.id for s in SHIFTS])
    return f.program(
        people, shifts=SHIFTS, posts=[ward], start=JUNE, days=days, rotation_limits=rotation_limits
    )


def _weekdays(weeks: int) -> list[int]:
    return [7 * week + weekday for week in range(weeks) for weekday in range(5)]


def _roster(rows: list[tuple[str, int, str, str]]) -> Roster:
    return f.roster(*rows, start=JUNE)


def _long_days_one_an_hour_longer(days: list[int], longer: int) -> Roster:
    """Long days on `days`, the one on `longer` (a Friday, so 8 hours off still follow) 17 hours."""
    usual = [d for d in days if d != longer]
    return _roster(f.every("ada", "long", usual) + f.every("ada", "long17", [longer]))


def _figures(found: list[Violation]) -> list[tuple[str, float | None, float | None]]:
    return [(v.rule.code, v.measured, v.limit) for v in found]


def test_twenty_sixteen_hour_days_in_four_weeks_sit_exactly_on_the_320_hour_budget() -> None:
    program = _program([f.person("ada")])
    roster = _roster(f.every("ada", "long", _weekdays(4)))
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)


def test_one_hour_over_320_in_four_weeks_averages_80_and_a_quarter() -> None:
    program = _program([f.person("ada")])
    roster = _long_days_one_an_hour_longer(_weekdays(4), longer=4)
    found = check_all(program, roster)
    assert _figures(found) == [(ids.WEEKLY_HOURS.code, 80.25, 80)]
    assert "(321 h worked in 28 days off leave; budget 320 h); limit 80" in found[0].message
    assert_model_agrees(program, roster)


LEAVE_WEEK = Leave(f.day(21, JUNE), f.day(27, JUNE))


def test_a_week_of_leave_leaves_a_240_hour_budget_that_fifteen_long_days_fill() -> None:
    program = _program([f.person("ada", leave=[LEAVE_WEEK])])
    roster = _roster(f.every("ada", "long", _weekdays(3)))
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)


def test_241_hours_around_a_week_of_leave_break_the_limit_that_28_days_would_allow() -> None:
    program = _program([f.person("ada", leave=[LEAVE_WEEK])])
    roster = _long_days_one_an_hour_longer(_weekdays(3), longer=18)
    found = check_all(program, roster)
    [(rule, measured, limit)] = _figures(found)
    assert (rule, limit) == (ids.WEEKLY_HOURS.code, 80)
    assert measured == pytest.approx(80.33, abs=0.005)
    assert (
        "80.33 h/week averaged over the block (241 h worked in 21 days off leave; budget 240 h)"
        in found[0].message
    )
    assert_model_agrees(program, roster)


def _minutes_shift(minutes: int) -> ShiftType:
    return ShiftType(f"m{minutes}", f"{minutes} minutes", LONG.start, minutes, ShiftKind.DAY, minutes)


def _three_days_of_leave(last_minutes: int) -> tuple[Program, Roster]:
    """25 available days: the budget is 80 × 60 × 25 / 7 = 17142.86 minutes, so 17142 fit.
    Seventeen long days (16320 minutes) and one more shift of `last_minutes`."""
    odd = _minutes_shift(last_minutes)
    ward = f.post("ward", ["long", odd.id])
    leave = Leave(f.day(25, JUNE), f.day(27, JUNE))
    program = f.program(
        [f.person("ada", leave=[leave])], shifts=[LONG, odd], posts=[ward], start=JUNE, days=28
    )
    days = [*_weekdays(3), 21, 22, 23]
    rows = f.every("ada", "long", days[:-1]) + f.every("ada", odd.id, days[-1:])
    return program, _roster(rows)


def test_three_days_of_leave_leave_a_budget_of_17142_whole_minutes() -> None:
    program, roster = _three_days_of_leave(822)
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)


def test_one_minute_over_the_17142_minute_budget_breaks_the_limit() -> None:
    program, roster = _three_days_of_leave(823)
    found = check_all(program, roster)
    assert [(v.rule, v.limit) for v in found] == [(ids.WEEKLY_HOURS, 80)]
    assert "(285 h 43 min worked in 25 days off leave; budget 285 h 42 min)" in found[0].message
    assert_model_agrees(program, roster)


def test_one_minute_over_the_budget_is_reported_as_more_than_the_limit() -> None:
    program, roster = _three_days_of_leave(823)
    (found,) = check_all(program, roster)
    assert found.measured is not None and found.limit is not None
    assert found.measured > found.limit
    assert not found.message.startswith("Ada: 80 h/week")


def _home_call_week(counted_hours: float) -> tuple[Program, Roster]:
    """Day 0 off, four long days (64 h), then two home calls of 14 hours that count `counted_hours`."""
    home = f.shift_type("home", "17:00", 14, ShiftKind.HOME_CALL, counted_hours=counted_hours)
    ward = f.post("ward", ["long", "home"])
    program = f.program([f.person("ada")], shifts=[LONG, home], posts=[ward], start=JUNE, days=7)
    return program, _roster(f.every("ada", "long", [1, 2, 3, 4]) + f.every("ada", "home", [5, 6]))


def test_home_calls_count_their_counted_minutes_not_their_fourteen_hours() -> None:
    program, roster = _home_call_week(counted_hours=8)
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)


def test_an_extra_hour_of_work_from_home_on_each_home_call_breaks_the_80() -> None:
    program, roster = _home_call_week(counted_hours=9)
    found = check_all(program, roster)
    assert _figures(found) == [(ids.WEEKLY_HOURS.code, 82.0, 80)]
    assert "82.00 h/week averaged over the block (82 h worked in 7 days off leave" in found[0].message
    assert_model_agrees(program, roster)


NEURO = {"neuro": AcgmeLimits(weekly_hours=88)}


def _week_ending_with(last: str, rotation: str | None) -> tuple[Program, Roster]:
    """Day 0 off, five long days (80 h), then `last` (8 or 9 hours) on day 6."""
    program = _program([f.person("ada", rotation=rotation)], days=7, rotation_limits=NEURO)
    return program, _roster(f.every("ada", "long", [1, 2, 3, 4, 5]) + f.every("ada", last, [6]))


def test_an_88_hour_rotation_exception_allows_88_hours() -> None:
    program, roster = _week_ending_with("eight", rotation="neuro")
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)


def test_the_88_hour_exception_is_broken_at_89_hours() -> None:
    program, roster = _week_ending_with("nine", rotation="neuro")
    found = check_all(program, roster)
    assert _figures(found) == [(ids.WEEKLY_HOURS.code, 89.0, 88)]
    assert "limit 88" in found[0].message
    assert_model_agrees(program, roster)


@pytest.mark.parametrize("rotation", [None, "general"])
def test_88_hours_break_the_80_off_an_excepted_rotation(rotation: str | None) -> None:
    program, roster = _week_ending_with("eight", rotation=rotation)
    found = check_all(program, roster)
    assert _figures(found) == [(ids.WEEKLY_HOURS.code, 88.0, 80)]
    assert_model_agrees(program, roster)


def test_an_attending_working_112_hours_breaks_no_acgme_rule() -> None:
    program = _program([f.person("zed", Grade.ATTENDING)], days=7)
    roster = _roster(f.every("zed", "long", range(7)))
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)


def test_a_heavy_four_weeks_inside_a_longer_block_is_an_early_warning_not_a_violation() -> None:
    # 35-day block: 4 x 84 h in days 0..27, then a light week. The block averages
    # 336 h / 5 weeks = 67.2 h, within the limit, but days 0..27 average 84 h.
    heavy = f.shift_type("heavy", "07:00", 14)
    rows = [("ada", d, "heavy", "ward") for d in range(28) if d % 7 != 6]
    program = f.program([f.person("ada")], shifts=[heavy], posts=[f.post(shifts=["heavy"])], days=35)
    found = check_all(program, f.roster(*rows))
    warnings = [v for v in found if v.rule is ids.ROLLING_WINDOW]
    assert [v.rule.severity for v in found] == [ids.Severity.WARNING]
    assert len(warnings) == 1 and "84.00 h/week in the 28 days from 2026-03-02" in warnings[0].message
