"""A 07:00 "24-hour" call across a DST change, in America/New_York, worked by hand.

Saturday 2026-03-07 07:00 EST to Sunday 07:00 EDT is 23 elapsed hours; Saturday 2026-10-31 07:00
EDT to Sunday 07:00 EST is 25. DESIGN.md ("Time"): duty hours are elapsed time, so these calls
are 23 and 25 hours "and counted as such". The rest-after-call cases across the spring change are
in test_rest.py.
"""

from __future__ import annotations

from datetime import date

from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.rules import ids
from callroom.rules.check import check_all
from callroom.rules.ids import RuleId
from callroom.rules.violations import Violation
from tests import factories as f
from tests.agreement import assert_model_agrees

SPRING_SATURDAY = date(2026, 3, 7)
FALL_SATURDAY = date(2026, 10, 31)
SHIFTS = (
    f.CALL,
    f.shift_type("long", "07:00", 16),
    f.shift_type("eight", "07:00", 8),
    f.shift_type("nine", "07:00", 9),
    *(f.shift_type(f"post{h}", "07:00", h) for h in (3, 4, 5, 6)),
)


def _program(start: date, days: int) -> Program:
    every = [s.id for s in SHIFTS]
    posts = [f.post("ward", every), f.post("handover", every, new_patients=False)]
    return f.program(
        [f.person("ada", posts=("ward", "handover"))], shifts=SHIFTS, posts=posts, start=start, days=days
    )


def _call_then_handover(saturday: date, hours: int) -> tuple[Program, Roster]:
    """The Saturday call, then `hours` of handover on a post without new patients."""
    roster = f.roster(("ada", 0, "call", "ward"), ("ada", 1, f"post{hours}", "handover"), start=saturday)
    return _program(saturday, days=4), roster


def _figures(found: list[Violation]) -> list[tuple[RuleId, float | None, float | None]]:
    return [(v.rule, v.measured, v.limit) for v in found]


def test_the_23_hour_spring_call_leaves_room_for_5_hours_of_handover() -> None:
    program, roster = _call_then_handover(SPRING_SATURDAY, 5)
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)


def test_the_23_hour_spring_call_and_6_hours_of_handover_make_29_continuous_hours() -> None:
    program, roster = _call_then_handover(SPRING_SATURDAY, 6)
    found = check_all(program, roster)
    assert _figures(found) == [(ids.CONTINUOUS_HOURS, 29.0, 28.0)]
    assert "29 h continuous from 2026-03-07" in found[0].message
    assert_model_agrees(program, roster)


def test_the_25_hour_fall_call_leaves_room_for_only_3_hours_of_handover() -> None:
    program, roster = _call_then_handover(FALL_SATURDAY, 3)
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)


def test_the_25_hour_fall_call_and_4_hours_of_handover_make_29_continuous_hours() -> None:
    program, roster = _call_then_handover(FALL_SATURDAY, 4)
    found = check_all(program, roster)
    assert _figures(found) == [(ids.CONTINUOUS_HOURS, 29.0, 28.0)]
    assert "29 h continuous from 2026-10-31" in found[0].message
    assert_model_agrees(program, roster)


def _week_ending_with_a_saturday_call(monday: date, friday_shift: str) -> tuple[Program, Roster]:
    """Monday to Wednesday 16 hours, Thursday off, Friday 8 or 9 hours, the call on Saturday."""
    rows = [*f.every("ada", "long", [0, 1, 2]), ("ada", 4, friday_shift, "ward"), ("ada", 5, "call", "ward")]
    return _program(monday, days=7), f.roster(*rows, start=monday)


def test_the_25_hour_fall_call_counts_25_hours_toward_the_80() -> None:
    program, roster = _week_ending_with_a_saturday_call(date(2026, 10, 26), "eight")
    found = check_all(program, roster)
    assert _figures(found) == [(ids.WEEKLY_HOURS, 81.0, 80)]
    assert_model_agrees(program, roster)


def test_the_23_hour_spring_call_counts_23_hours_toward_the_80() -> None:
    program, roster = _week_ending_with_a_saturday_call(date(2026, 3, 2), "nine")
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)
