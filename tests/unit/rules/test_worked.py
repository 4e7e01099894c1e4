"""Every ACGME rule on hours as logged, each case worked by hand (see worked_helpers for times).

The checkers are the roster's own (`rules.acgme`); these tests pin down how logged periods are
placed for them: elapsed time, leave out of both sides of the average, links to scheduled call.
"""

from __future__ import annotations

from datetime import date

from callroom.domain.grades import Grade
from callroom.domain.program import Leave
from callroom.domain.worklog import WorkKind
from callroom.rules import ids
from callroom.rules.worked import blocks_weekly_hours, check_worked, compliance, early_warnings, weekly_hours
from tests import factories as f
from tests.unit.rules.worked_helpers import days, of_rule, period, wall

ADA = f.person("ada")
NOT_SUNDAY = [d for d in range(28) if d % 7 != 6]


def test_a_call_worked_across_the_spring_change_counts_23_hours_and_still_earns_14_hours_rest() -> None:
    program = f.program([ADA])
    call = wall("ada", (5, "07:00"), (6, "07:00"), shift="call")  # Saturday to Sunday: 23 h
    back_at_seven = period("ada", 6, "19:00", 12)  # 12 h after the call ends
    found = of_rule(check_worked(program, [call, back_at_seven]), ids.REST_AFTER_CALL)
    assert [(v.measured, v.limit) for v in found] == [(12.0, 14)]
    week = weekly_hours(program, [call, back_at_seven])[0]
    assert week.worked_minutes == (23 + 12) * 60


def test_an_unlinked_23_hour_period_is_not_a_24_hour_call_and_earns_no_rest() -> None:
    program = f.program([ADA])
    stretch = wall("ada", (5, "07:00"), (6, "07:00"))
    assert of_rule(check_worked(program, [stretch, period("ada", 6, "19:00", 12)]), ids.REST_AFTER_CALL) == []


def test_a_leave_week_leaves_the_average_so_246_hours_in_21_days_is_82_a_week() -> None:
    worked = days("ada", [d for d in NOT_SUNDAY if not 7 <= d <= 13], hours=13 + 40 / 60)
    on_leave = f.program([f.person("ada", leave=[Leave(f.day(7), f.day(13))])])
    found = of_rule(check_worked(on_leave, worked), ids.WEEKLY_HOURS)
    assert [(round(v.measured or 0, 2), v.limit) for v in found] == [(82.0, 80)]
    assert of_rule(check_worked(f.program([ADA]), worked), ids.WEEKLY_HOURS) == []  # 61.5 over 28 days


def test_a_29_hour_shift_breaks_24_plus_4_and_a_28_hour_one_does_not() -> None:
    program = f.program([ADA])
    found = of_rule(check_worked(program, [period("ada", 1, "07:00", 29)]), ids.CONTINUOUS_HOURS)
    assert [(v.measured, v.limit, v.day) for v in found] == [(29.0, 28.0, f.day(1))]
    assert of_rule(check_worked(program, [period("ada", 1, "07:00", 28)]), ids.CONTINUOUS_HOURS) == []


def test_back_to_back_periods_merge_so_splitting_a_long_stretch_hides_nothing() -> None:
    program = f.program([ADA])
    halves = [period("ada", 1, "07:00", 20), period("ada", 2, "03:00", 9)]
    found = of_rule(check_worked(program, halves), ids.CONTINUOUS_HOURS)
    assert [v.measured for v in found] == [29.0]


def test_13_hours_off_after_a_24_hour_call_breaks_the_rest_rule_and_14_does_not() -> None:
    program = f.program([ADA])
    call = period("ada", 1, "07:00", 24)
    found = of_rule(check_worked(program, [call, period("ada", 2, "20:00", 8)]), ids.REST_AFTER_CALL)
    assert [(v.measured, v.limit) for v in found] == [(13.0, 14)]
    assert of_rule(check_worked(program, [call, period("ada", 2, "21:00", 8)]), ids.REST_AFTER_CALL) == []


def test_the_tenth_call_night_in_28_days_breaks_every_third_night() -> None:
    program = f.program([ADA])
    nine = days("ada", range(0, 25, 3), hours=24, shift="call")
    tenth = period("ada", 27, "07:00", 24, shift="call")
    assert of_rule(check_worked(program, nine), ids.CALL_FREQUENCY) == []
    found = of_rule(check_worked(program, [*nine, tenth]), ids.CALL_FREQUENCY)
    assert [(v.measured, v.limit) for v in found] == [(10, 9)]


def test_calls_count_as_call_nights_only_when_linked_to_a_call_shift() -> None:
    unlinked = days("ada", range(0, 28, 3), hours=24)
    assert of_rule(check_worked(f.program([ADA]), unlinked), ids.CALL_FREQUENCY) == []


def test_two_hours_of_home_call_work_push_an_80_hour_month_over_the_limit() -> None:
    program = f.program([ADA])
    in_house = days("ada", NOT_SUNDAY, hours=13 + 20 / 60)  # 24 x 13 h 20 min = 320 h: exactly 80
    assert of_rule(check_worked(program, in_house), ids.WEEKLY_HOURS) == []
    from_home = period("ada", 2, "21:00", 2, WorkKind.FROM_HOME)
    found = of_rule(check_worked(program, [*in_house, from_home]), ids.WEEKLY_HOURS)
    assert [(v.measured, v.limit) for v in found] == [(80.5, 80)]


def test_moonlighting_counts_toward_the_80_hours() -> None:
    program = f.program([ADA])
    in_house = days("ada", NOT_SUNDAY, hours=13 + 20 / 60)
    moonlighting = period("ada", 6, "08:00", 4, WorkKind.MOONLIGHTING_EXTERNAL)
    assert [
        v.measured for v in of_rule(check_worked(program, [*in_house, moonlighting]), ids.WEEKLY_HOURS)
    ] == [81.0]


def test_an_hour_of_work_from_home_breaks_the_free_day_that_week() -> None:
    program = f.program([ADA])
    six_days = days("ada", NOT_SUNDAY)  # Sundays free: four free days, four needed
    assert of_rule(check_worked(program, six_days), ids.FREE_DAYS) == []
    phone_call = period("ada", 13, "10:00", 1, WorkKind.FROM_HOME)
    found = of_rule(check_worked(program, [*six_days, phone_call]), ids.FREE_DAYS)
    assert [(v.measured, v.limit) for v in found] == [(3, 4)]


def test_home_call_on_the_roster_breaks_the_free_day_even_when_no_call_came() -> None:
    program = f.program([ADA])
    six_days = days("ada", NOT_SUNDAY)
    on_home_call = f.roster(("ada", 13, "home"))
    found = of_rule(check_worked(program, six_days, on_home_call), ids.FREE_DAYS)
    assert [(v.measured, v.limit) for v in found] == [(3, 4)]
    assert weekly_hours(program, six_days, on_home_call)[1].worked_minutes == 6 * 12 * 60


def test_attendings_are_not_held_to_resident_limits() -> None:
    attending = f.program([f.person("dora", Grade.ATTENDING)])
    assert check_worked(attending, [period("dora", 1, "07:00", 29)]) == []


def test_a_period_starting_outside_the_block_belongs_to_another_block() -> None:
    program = f.program([ADA])
    assert check_worked(program, [period("ada", 30, "07:00", 29)]) == []
    second = compliance(program, [period("ada", 30, "07:00", 29)], [1, 2])
    assert [v.rule for v in second[0].violations] == []
    assert ids.CONTINUOUS_HOURS in [v.rule for v in second[1].violations]


def test_a_heavy_month_straddling_two_blocks_is_an_early_warning_not_a_violation() -> None:
    program = f.program([ADA])
    straddling = days("ada", range(14, 42), hours=14)  # 98 h/week in days 14..41
    reports = compliance(program, straddling, [1, 2])
    assert [of_rule(r.violations, ids.WEEKLY_HOURS) for r in reports] == [[], []]  # 49 h/week each
    assert of_rule(reports[0].warnings, ids.ROLLING_WINDOW) == []
    warned = of_rule(reports[1].warnings, ids.ROLLING_WINDOW)
    assert len(warned) == 1 and "98.00 h/week" in warned[0].message
    assert warned[0].rule.severity is ids.Severity.WARNING


def test_the_early_warning_looks_back_into_the_previous_block() -> None:
    later = f.program([ADA], start=f.day(28))
    straddling = days("ada", range(14, 42), hours=14)
    assert of_rule(early_warnings(later, straddling), ids.ROLLING_WINDOW) != []
    assert of_rule(early_warnings(later, straddling[14:]), ids.ROLLING_WINDOW) == []


def test_scheduled_against_worked_shows_the_hours_stayed_late_each_week() -> None:
    program = f.program([ADA])
    roster = f.roster(*f.every("ada", "day", range(5)))  # five 12-hour days in week 1
    stayed = days("ada", range(5), hours=13)
    weeks = weekly_hours(program, stayed, roster)
    assert [(w.week_start, w.scheduled_minutes, w.worked_minutes, w.difference_minutes) for w in weeks] == [
        (f.day(0), 5 * 12 * 60, 5 * 13 * 60, 5 * 60),
        (f.day(7), 0, 0, 0),
        (f.day(14), 0, 0, 0),
        (f.day(21), 0, 0, 0),
    ]
    assert weeks[0].by_kind == {WorkKind.IN_HOUSE: 5 * 13 * 60}


def test_the_weeks_of_a_later_block_hold_its_hours_and_nothing_scheduled() -> None:
    program = f.program([ADA])
    roster = f.roster(*f.every("ada", "day", range(5)))  # block 1's first week
    logged = days("ada", [0, 28, 29], hours=13)  # block 1's first Monday, block 2's first two days
    weeks = blocks_weekly_hours(program, logged, [2], roster)
    assert [(w.week_start, w.scheduled_minutes, w.worked_minutes) for w in weeks] == [
        (f.day(28), 0, 2 * 13 * 60),
        (f.day(35), 0, 0),
        (f.day(42), 0, 0),
        (f.day(49), 0, 0),
    ]
    both = blocks_weekly_hours(program, logged, [1, 2], roster)
    assert [w.week_start for w in both] == [f.day(7 * week) for week in range(8)]
    assert (both[0].scheduled_minutes, both[0].worked_minutes) == (5 * 12 * 60, 13 * 60)


def test_a_call_across_the_fall_back_night_counts_25_hours_and_still_needs_14_hours_rest() -> None:
    monday = date(2026, 10, 26)  # Sunday 2026-11-01 (day 6): 02:00 EDT falls back to 01:00 EST
    program = f.program([ADA], start=monday)
    call = wall("ada", (5, "07:00"), (6, "07:00"), shift="call", block=monday)
    assert call.minutes == 25 * 60
    back = period("ada", 6, "20:00", 4, block=monday)  # 13 h after the call
    assert [v.measured for v in of_rule(check_worked(program, [call, back]), ids.REST_AFTER_CALL)] == [13.0]
    assert of_rule(check_worked(program, [call]), ids.CONTINUOUS_HOURS) == []  # 25 h: within 24 + 4
    assert weekly_hours(program, [call])[0].worked_minutes == 25 * 60


def test_a_pgy1_may_not_moonlight_but_a_pgy2_may() -> None:
    intern, senior = f.person("ivy", Grade.PGY1), f.person("ada", Grade.PGY2)
    program = f.program([intern, senior])
    shifts = [period(p, 5, "08:00", 6, WorkKind.MOONLIGHTING_EXTERNAL) for p in ("ivy", "ada")]
    found = of_rule(check_worked(program, shifts), ids.MOONLIGHTING)
    assert [(v.person_id, v.day) for v in found] == [("ivy", f.day(5))]
    assert "VI.F.5" in found[0].rule.cited
    by_block = compliance(program, shifts, [1])[0].violations
    assert [v.person_id for v in of_rule(by_block, ids.MOONLIGHTING)] == ["ivy"]
