"""24 hours continuous plus 4 of transition, with no new patients in the transition (ACGME VI.F.3.a
and VI.F.3.a.(1) / 6.22, 6.22.a), worked by hand.

Ada is a PGY-2 on three-day blocks from Monday 2026-06-01 (no DST change), short enough that the
one free day the block needs is the last one. The ward takes new patients; the handover post does
not. "call" is a 07:00 24-hour in-house call; "post4"/"post5" start at 07:00 and last 4/5 hours.
"""

from __future__ import annotations

from datetime import date

import pytest

from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.domain.shifts import ShiftKind
from callroom.rules import ids
from callroom.rules.check import check_all
from tests import factories as f
from tests.agreement import assert_model_agrees

JUNE = date(2026, 6, 1)
SHIFTS = (
    f.CALL,
    f.DAY,
    f.NIGHT,
    f.shift_type("post4", "07:00", 4),
    f.shift_type("post5", "07:00", 5),
    f.shift_type("long20", "07:00", 20),
    f.shift_type("home03", "03:00", 12, ShiftKind.HOME_CALL, 0),
    f.shift_type("long23", "07:00", 23),
    f.shift_type("post06", "06:00", 4),
    f.shift_type("call28", "07:00", 28, ShiftKind.IN_HOUSE_CALL),
)


def _program() -> Program:
    every = [s.id for s in SHIFTS]
    posts = [f.post("ward", every), f.post("handover", every, new_patients=False)]
    return f.program(
        [f.person("ada", posts=("ward", "handover"))], shifts=SHIFTS, posts=posts, start=JUNE, days=3
    )


def _roster(*rows: tuple[str, int, str, str]) -> Roster:
    return f.roster(*rows, start=JUNE)


def test_a_24_hour_call_then_4_hours_on_a_post_without_new_patients_make_28_allowed_hours() -> None:
    program = _program()
    roster = _roster(("ada", 0, "call", "ward"), ("ada", 1, "post4", "handover"))
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)


def test_a_24_hour_call_exceeded_by_one_hour_breaks_the_24_plus_4_limit() -> None:
    program = _program()
    roster = _roster(("ada", 0, "call", "ward"), ("ada", 1, "post5", "handover"))
    found = check_all(program, roster)
    assert [(v.rule, v.measured, v.limit, v.day) for v in found] == [(ids.CONTINUOUS_HOURS, 29.0, 28.0, JUNE)]
    assert "29 h continuous from 2026-06-01; limit 24 + 4 transition" in found[0].message
    assert_model_agrees(program, roster)


def test_a_night_then_the_next_day_shift_chain_to_exactly_24_allowed_hours() -> None:
    # A day shift then a night on the same date would chain too, but break one shift a day.
    program = _program()
    roster = _roster(("ada", 0, "night", "ward"), ("ada", 1, "day", "ward"))
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)


def test_a_single_shift_running_past_24_hours_hands_over_in_its_own_tail() -> None:
    # The first shift's hours past 24 are its handover (a call on the fall-back night lasts 25):
    # only work added after it may not take new patients.
    program = _program()
    roster = _roster(("ada", 0, "call28", "ward"))
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)


def test_a_new_patient_post_starting_24_hours_into_continuous_work_breaks_the_transition_rule() -> None:
    program = _program()
    roster = _roster(("ada", 0, "call", "ward"), ("ada", 1, "post4", "ward"))
    found = check_all(program, roster)
    assert [(v.rule, v.measured, v.limit, v.day) for v in found] == [
        (ids.TRANSITION, 28.0, 24, f.day(1, JUNE))
    ]
    assert (
        "Ward (Post4) on 2026-06-02 runs to 28 h of continuous work and takes new patients"
        in found[0].message
    )
    assert_model_agrees(program, roster)


@pytest.mark.parametrize(
    "rows",
    [
        [("ada", 0, "long23", "ward"), ("ada", 1, "post06", "ward")],  # 06:00-10:00: hours 23 to 27
    ],
    ids=["a-shift-starting-23-hours-in"],
)
def test_new_patient_work_running_into_the_transition_hours_breaks_the_transition_rule(
    rows: list[tuple[str, int, str, str]],
) -> None:
    program, roster = _program(), _roster(*rows)
    assert [v.rule for v in check_all(program, roster)] == [ids.TRANSITION]
    assert_model_agrees(program, roster)


def test_home_call_straight_after_a_20_hour_shift_does_not_extend_the_continuous_period() -> None:
    # Counted as in-house work, 03:00-15:00 would make 32 hours continuous.
    program = _program()
    roster = _roster(("ada", 0, "long20", "ward"), ("ada", 1, "home03", "ward"))
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)
