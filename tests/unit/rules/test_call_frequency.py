"""In-house call no more often than every third night, averaged over the block (ACGME VI.F.7 /
6.27), worked by hand: at most floor(available days / 3) calls, so 9 in 28 days and 7 in 21.

Ada is a PGY-2 on a 28-day block from Monday 2026-06-01 (no DST change); "call" is a 07:00
24-hour in-house call and "home" a 17:00 home call.
"""

from __future__ import annotations

from datetime import date

from callroom.domain.program import Leave, Person, Program
from callroom.domain.roster import Roster
from callroom.rules import ids
from callroom.rules.check import check_all
from tests import factories as f
from tests.agreement import assert_model_agrees

JUNE = date(2026, 6, 1)
FIRST_WEEK = Leave(JUNE, f.day(6, JUNE))


def _program(ada: Person) -> Program:
    return f.program([ada], start=JUNE, days=28)


def _calls(days: range | list[int], *extra: tuple[str, int, str]) -> Roster:
    return f.roster(*f.every("ada", "call", days), *extra, start=JUNE)


def test_nine_calls_every_third_night_in_28_days_are_allowed() -> None:
    program, roster = _program(f.person("ada")), _calls(range(0, 25, 3))
    assert len(roster.assignments) == 9
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)


def test_a_tenth_call_in_28_days_breaks_every_third_night() -> None:
    program, roster = _program(f.person("ada")), _calls(range(0, 28, 3))
    found = check_all(program, roster)
    assert [(v.rule, v.measured, v.limit) for v in found] == [(ids.CALL_FREQUENCY, 10, 9)]
    assert "10 in-house call nights in 28 days off leave; at most 9 (every third night)" in found[0].message
    assert_model_agrees(program, roster)


def test_seven_calls_in_the_21_days_around_a_week_of_leave_are_allowed() -> None:
    program, roster = _program(f.person("ada", leave=[FIRST_WEEK])), _calls(range(7, 26, 3))
    assert len(roster.assignments) == 7
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)


def test_an_eighth_call_in_the_21_days_around_a_week_of_leave_breaks_every_third_night() -> None:
    program, roster = _program(f.person("ada", leave=[FIRST_WEEK])), _calls([*range(7, 26, 3), 27])
    found = check_all(program, roster)
    assert [(v.rule, v.measured, v.limit) for v in found] == [(ids.CALL_FREQUENCY, 8, 7)]
    assert "8 in-house call nights in 21 days off leave; at most 7" in found[0].message
    assert_model_agrees(program, roster)


def test_home_call_does_not_count_toward_every_third_night() -> None:
    program = _program(f.person("ada"))
    roster = _calls(range(0, 25, 3), ("ada", 26, "home"))
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)
