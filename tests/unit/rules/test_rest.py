"""Rest: 14 hours after 24 hours of in-house call (ACGME VI.F.2.b / 6.21.a, a must) and 8 hours
between work periods (VI.F.2.a / 6.21, a should: an advisory scored as a penalty), by hand.

Ada is a PGY-2 on four-day blocks from Monday 2026-06-01 (no DST change) unless a case says
otherwise; the last day stays free for the one-day-in-seven rule. Shift ids name their start.
"""

from __future__ import annotations

from datetime import date

import pytest

from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.domain.shifts import ShiftKind
from callroom.rules import ids
from callroom.rules.check import check_all, hard_violations
from callroom.rules.penalties import score
from tests import factories as f
from tests.agreement import assert_model_agrees

JUNE = date(2026, 6, 1)
SATURDAY_BEFORE_SPRING = date(2026, 3, 7)  # 02:00 EST on Sunday 8 March jumps to 03:00 EDT
HOME = ShiftKind.HOME_CALL
SHIFTS = (
    f.CALL,
    f.DAY,
    f.NIGHT,
    f.HOME,
    f.shift_type("post4", "07:00", 4),
    f.shift_type("late20", "20:00", 8),
    f.shift_type("late21", "21:00", 8),
    f.shift_type("mid00", "00:00", 8),
    f.shift_type("mid01", "01:00", 8),
    f.shift_type("home07", "07:00", 10, HOME, 0),
    f.shift_type("home20", "20:00", 10, HOME, 0),
    f.shift_type("home21", "21:00", 10, HOME, 0),
    f.shift_type("home01", "01:00", 4, HOME, 0),
    f.shift_type("long23", "07:00", 23),
    f.shift_type("early0259", "02:59", 4),
    f.shift_type("early0300", "03:00", 4),
    f.shift_type("a22", "22:00", 20),
    f.shift_type("b22", "22:00", 1),
    f.shift_type("c01", "01:00", 2),
)


def _program(start: date = JUNE) -> Program:
    every = [s.id for s in SHIFTS]
    posts = [f.post("ward", every), f.post("handover", every, new_patients=False)]
    return f.program(
        [f.person("ada", posts=("ward", "handover"))], shifts=SHIFTS, posts=posts, start=start, days=4
    )


def _roster(*shifts: str, start: date = JUNE) -> Roster:
    """Ada works the given shifts on days 0, 1, 2, ... on the ward."""
    return f.roster(*(("ada", d, s) for d, s in enumerate(shifts)), start=start)


# 14 hours after 24 hours of in-house call.


def test_a_shift_14_hours_after_a_24_hour_call_ends_respects_the_rest() -> None:
    program, roster = _program(), _roster("call", "late21")
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)


def test_a_shift_13_hours_after_a_24_hour_call_ends_breaks_the_14_hour_rest() -> None:
    program, roster = _program(), _roster("call", "late20")
    found = check_all(program, roster)
    assert [(v.rule, v.measured, v.limit, v.day) for v in found] == [
        (ids.REST_AFTER_CALL, 13.0, 14, f.day(1, JUNE))
    ]
    assert "13 h free after 24 h of in-house work" in found[0].message
    assert "at least 14" in found[0].message
    assert_model_agrees(program, roster)


@pytest.mark.parametrize(("home", "hours_free"), [("home07", 0.0), ("home20", 13.0)])
def test_home_call_within_14_hours_of_a_24_hour_call_breaks_the_rest(home: str, hours_free: float) -> None:
    program, roster = _program(), _roster("call", home)
    found = check_all(program, roster)
    assert [(v.rule, v.measured, v.limit) for v in found] == [(ids.REST_AFTER_CALL, hours_free, 14)]
    assert_model_agrees(program, roster)


def test_home_call_14_hours_after_a_24_hour_call_respects_the_rest() -> None:
    program, roster = _program(), _roster("call", "home21")
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)


@pytest.mark.parametrize(("after", "hours_free"), [("mid00", 13.0), ("mid01", None)])
def test_the_14_hours_count_from_the_end_of_the_transition_hours(
    after: str, hours_free: float | None
) -> None:
    program = _program()
    roster = f.roster(("ada", 0, "call"), ("ada", 1, "post4", "handover"), ("ada", 2, after), start=JUNE)
    found = check_all(program, roster)
    expected = [] if hours_free is None else [(ids.REST_AFTER_CALL, hours_free, 14)]
    assert [(v.rule, v.measured, v.limit) for v in found] == expected
    assert_model_agrees(program, roster)


def test_a_night_and_day_chain_of_24_hours_also_earns_the_14_hour_rest() -> None:
    program, roster = _program(), _roster("night", "day", "day")
    found = check_all(program, roster)
    assert [(v.rule, v.measured, v.limit) for v in found] == [(ids.REST_AFTER_CALL, 12.0, 14)]
    assert_model_agrees(program, roster)


def test_a_23_hour_shift_that_is_not_a_call_earns_no_14_hour_rest() -> None:
    program, roster = _program(), _roster("long23", "home")  # home call 11 hours later
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)


@pytest.mark.parametrize(("after", "hours_free"), [("late20", 13.0), ("late21", None)])
def test_the_23_hour_call_across_the_spring_change_still_earns_the_14_hour_rest(
    after: str, hours_free: float | None
) -> None:
    program = _program(SATURDAY_BEFORE_SPRING)
    roster = _roster("call", after, start=SATURDAY_BEFORE_SPRING)
    found = check_all(program, roster)
    expected = [] if hours_free is None else [(ids.REST_AFTER_CALL, hours_free, 14)]
    assert [(v.rule, v.measured, v.limit) for v in found] == expected
    assert all("after 23 h of in-house work" in v.message for v in found)
    assert_model_agrees(program, roster)


# Eight hours between work periods: an advisory, never a hard violation.


def test_7_hours_59_minutes_off_between_shifts_is_an_advisory_scored_at_the_short_rest_weight() -> None:
    program, roster = _program(), _roster("day", "early0259")
    found = check_all(program, roster)
    assert [(v.rule, v.measured, v.limit) for v in found] == [(ids.SHORT_REST, 479 / 60, 8)]
    assert found[0].rule.severity is ids.Severity.ADVISORY
    assert hard_violations(program, roster) == []
    assert score(program, roster).by_rule() == {ids.SHORT_REST.code: program.weights.short_rest}
    assert program.weights.short_rest == 20
    assert_model_agrees(program, roster)


def test_the_advisory_for_7_hours_59_minutes_does_not_claim_8_hours_off() -> None:
    program, roster = _program(), _roster("day", "early0259")
    (found,) = check_all(program, roster)
    assert not found.message.startswith("Ada: 8 hours off")


def test_exactly_8_hours_off_between_shifts_is_no_advisory_and_costs_nothing() -> None:
    program, roster = _program(), _roster("day", "early0300")
    assert check_all(program, roster) == []
    assert score(program, roster).total == 0
    assert_model_agrees(program, roster)


def test_only_consecutive_work_periods_are_compared_for_the_8_hours() -> None:
    # A 22:00-18:00, B 22:00-23:00, C 01:00-03:00: C starts 7 hours after A ends, but B lies
    # between, so the short rests are A-B (4 hours) and B-C (2 hours), not A-C.
    program, roster = _program(), _roster("a22", "b22", "c01")
    found = check_all(program, roster)
    assert [(v.rule, v.measured, v.day) for v in found] == [
        (ids.SHORT_REST, 4.0, f.day(1, JUNE)),
        (ids.SHORT_REST, 2.0, f.day(2, JUNE)),
    ]
    assert score(program, roster).total == 2 * 20
    assert_model_agrees(program, roster)


def test_home_call_soon_after_a_shift_is_not_a_short_rest() -> None:
    program, roster = _program(), _roster("day", "home01")
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)
