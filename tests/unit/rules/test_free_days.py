"""One day in seven free, averaged over the block (ACGME VI.F.2.c / 6.21.b), worked by hand.

A free day is 24 hours free of all work, home call included, and not on leave; ceil(available / 7)
are needed, so 28 days need 4. Ada works 07:00-19:00 day shifts on every day not listed as off, so
each single day off is one free period (36 hours: 19:00 to 07:00 two days later). The block starts
Monday 2026-06-01, far from any DST change.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time

from callroom.domain.program import AcgmeLimits, Leave, Person, Program
from callroom.domain.roster import Roster
from callroom.rules import ids
from callroom.rules.acgme import free_days
from callroom.rules.check import check_all
from callroom.rules.context import CheckContext
from tests import factories as f
from tests.agreement import assert_model_agrees

JUNE = date(2026, 6, 1)


def _program(ada: Person, limits: AcgmeLimits = AcgmeLimits()) -> Program:
    return f.program([ada], start=JUNE, days=28, limits=limits)


def _roster(
    off: Iterable[int], *, special: dict[int, str] | None = None, leave: Iterable[int] = ()
) -> Roster:
    """Day shifts on every day that is neither off nor leave; `special` days work another shift."""
    special = special or {}
    skipped = set(off) | set(leave)
    rows = [("ada", d, special.get(d, "day")) for d in range(28) if d not in skipped or d in special]
    return f.roster(*rows, start=JUNE)


def _leave(first: int, last: int) -> Leave:
    return Leave(f.day(first, JUNE), f.day(last, JUNE))


def test_four_single_days_off_in_28_days_are_exactly_the_four_free_days_needed() -> None:
    program, roster = _program(f.person("ada")), _roster(off=[3, 10, 17, 24])
    assert free_days(CheckContext(program, roster), program.people[0]) == 4
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)


def test_three_free_days_in_28_break_the_one_day_in_seven() -> None:
    program, roster = _program(f.person("ada")), _roster(off=[3, 10, 17])
    found = check_all(program, roster)
    assert [(v.rule, v.measured, v.limit) for v in found] == [(ids.FREE_DAYS, 3, 4)]
    assert "3 free days" in found[0].message
    assert "in 28 days off leave; at least 4 needed" in found[0].message
    assert_model_agrees(program, roster)


# A night on day 0 ends at 07:00 on day 1, and the day shift on day 2 starts at 07:00: the 24
# hours between are free, but no midnight-to-midnight day is.


def test_the_24_hours_after_a_night_count_as_a_free_day_for_the_checker() -> None:
    program = _program(f.person("ada"))
    roster = _roster(off=[1, 8, 15, 22], special={0: "night"})
    assert free_days(CheckContext(program, roster), program.people[0]) == 4
    assert check_all(program, roster) == []
    # The solver counts midnight-to-midnight windows, finds 3, and refuses: its sound lower bound.
    assert_model_agrees(program, roster, solver_undercounts_free_days=True)


def test_free_days_counted_from_seven_let_the_solver_see_the_post_night_day() -> None:
    program = _program(f.person("ada"), AcgmeLimits(free_day_start=time(7)))
    roster = _roster(off=[1, 8, 15, 22], special={0: "night"})
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)


def test_home_call_on_an_otherwise_free_day_takes_the_free_day_away() -> None:
    program = _program(f.person("ada"))
    roster = _roster(off=[3, 10, 17, 24], special={24: "home"})
    found = check_all(program, roster)
    assert [(v.rule, v.measured, v.limit) for v in found] == [(ids.FREE_DAYS, 3, 4)]
    assert "home call included" in found[0].message
    assert_model_agrees(program, roster)


def test_a_week_of_leave_needs_three_free_days_in_the_21_left() -> None:
    program = _program(f.person("ada", leave=[_leave(21, 27)]))
    roster = _roster(off=[3, 10, 17], leave=range(21, 28))
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)


def test_a_week_of_leave_is_not_a_free_day() -> None:
    program = _program(f.person("ada", leave=[_leave(21, 27)]))
    roster = _roster(off=[3, 10], leave=range(21, 28))
    found = check_all(program, roster)
    assert [(v.rule, v.measured, v.limit) for v in found] == [(ids.FREE_DAYS, 2, 3)]
    assert "in 21 days off leave; at least 3 needed" in found[0].message
    assert_model_agrees(program, roster)


def test_25_available_days_round_up_to_four_free_days_needed() -> None:
    program = _program(f.person("ada", leave=[_leave(25, 27)]))
    roster = _roster(off=[3, 10, 17], leave=range(25, 28))
    found = check_all(program, roster)
    assert [(v.rule, v.measured, v.limit) for v in found] == [(ids.FREE_DAYS, 3, 4)]
    assert "in 25 days off leave; at least 4 needed" in found[0].message
    assert_model_agrees(program, roster)


def test_a_day_off_just_before_leave_is_a_free_day() -> None:
    program = _program(f.person("ada", leave=[_leave(25, 27)]))
    roster = _roster(off=[3, 10, 17, 24], leave=range(25, 28))
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)
