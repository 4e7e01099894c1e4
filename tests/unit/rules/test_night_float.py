"""The consecutive night-float limit (ACGME VI.F.6 / 6.26): set by a Review Committee, so it is
configurable and off by default (residency.md §1.3), worked by hand.

Ada is a PGY-2 on a 10-day block from Monday 2026-06-01 (no DST change) working 19:00-07:00
nights; the days after the run stay free for the one-day-in-seven rule.
"""

from __future__ import annotations

from datetime import date

from callroom.domain.program import AcgmeLimits, Program
from callroom.domain.roster import Roster
from callroom.rules import ids
from callroom.rules.check import check_all
from tests import factories as f
from tests.agreement import assert_model_agrees

JUNE = date(2026, 6, 1)


def _program(limits: AcgmeLimits = AcgmeLimits()) -> Program:
    return f.program([f.person("ada")], start=JUNE, days=10, limits=limits)


def _nights(days: range | list[int]) -> Roster:
    return f.roster(*f.every("ada", "night", days), start=JUNE)


def test_the_night_float_limit_is_off_by_default() -> None:
    assert AcgmeLimits().night_float_max_nights is None
    program, roster = _program(), _nights(range(7))
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)


def test_six_nights_in_a_row_meet_a_limit_of_six() -> None:
    program, roster = _program(AcgmeLimits(night_float_max_nights=6)), _nights(range(6))
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)


def test_a_seventh_night_in_a_row_breaks_a_limit_of_six() -> None:
    program, roster = _program(AcgmeLimits(night_float_max_nights=6)), _nights(range(7))
    found = check_all(program, roster)
    assert [(v.rule, v.measured, v.limit, v.day) for v in found] == [(ids.NIGHT_FLOAT, 7, 6, JUNE)]
    assert "7 consecutive nights from 2026-06-01; at most 6" in found[0].message
    assert_model_agrees(program, roster)


def test_a_night_off_starts_a_new_run() -> None:
    program, roster = _program(AcgmeLimits(night_float_max_nights=3)), _nights([0, 1, 2, 4, 5, 6])
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)


def test_a_run_that_ends_on_the_last_day_of_the_block_is_still_counted() -> None:
    program = _program(AcgmeLimits(night_float_max_nights=3))
    roster = _nights([6, 7, 8, 9])
    found = check_all(program, roster)
    assert [(v.rule, v.measured, v.limit, v.day) for v in found] == [(ids.NIGHT_FLOAT, 4, 3, f.day(6, JUNE))]
    assert_model_agrees(program, roster)
