"""What-if: taking one more shift, judged on the roster and on the hours already logged."""

from __future__ import annotations

import pytest

from callroom.domain.roster import Assignment
from callroom.errors import Invalid
from callroom.rules import ids
from callroom.rules.whatif import parse_take, whatif
from tests import factories as f
from tests.unit.rules.worked_helpers import days

PROGRAM = f.program([f.person("ada"), f.person("ben")])
SATURDAYS_OFF = [d for d in range(20) if d % 7 != 6]  # days 0..19 without Sundays: 18 days
ROSTER = f.roster(*f.every("ada", "day", SATURDAYS_OFF))  # 18 x 12 h = 216 h scheduled
CALL_ON_22 = Assignment("ada", f.day(22), "call", "ward")


def test_on_the_schedule_alone_one_more_call_is_within_the_limits() -> None:
    answer = whatif(PROGRAM, ROSTER, CALL_ON_22)
    assert answer.acceptable and answer.logged_through is None
    assert [x.violation.rule for x in answer.findings if x.violation.rule == ids.WEEKLY_HOURS] == []


def test_hours_logged_beyond_the_schedule_make_the_same_call_break_80_hours() -> None:
    logged = days("ada", SATURDAYS_OFF, hours=17)  # 306 h logged where 216 were scheduled
    answer = whatif(PROGRAM, ROSTER, CALL_ON_22, logged)
    weekly = [x for x in answer.findings if x.violation.rule == ids.WEEKLY_HOURS]
    assert [(x.violation.measured, x.violation.limit, x.when) for x in weekly] == [
        (82.5, 80, "over the block")
    ]
    assert not answer.acceptable and answer.logged_through == f.day(19)
    assert "82.50 h/week averaged over the block" in weekly[0].text and "VI.F.1" in weekly[0].text


def test_a_shift_too_soon_after_a_logged_call_is_caught_with_this_shift() -> None:
    logged = days("ada", [18], hours=24, shift="call")  # Friday 07:00 to Saturday 07:00
    take = Assignment("ada", f.day(19), "night", "ward")  # Saturday 19:00: 12 h after
    answer = whatif(PROGRAM, f.roster(), take, logged)
    rest = [x for x in answer.findings if x.violation.rule == ids.REST_AFTER_CALL]
    assert [(x.violation.measured, x.when) for x in rest] == [(12.0, "with this shift")]


def test_a_what_if_about_a_day_already_logged_is_refused() -> None:
    logged = days("ada", [18], hours=12)
    with pytest.raises(Invalid) as raised:
        whatif(PROGRAM, ROSTER, Assignment("ada", f.day(18), "night", "ward"), logged)
    assert raised.value.field == "take"


def test_taking_a_shift_one_already_holds_is_a_second_shift_that_day_not_a_merge() -> None:
    answer = whatif(PROGRAM, ROSTER, Assignment("ada", f.day(0), "day", "ward"))
    assert not answer.acceptable
    assert [(x.violation.rule, x.violation.measured) for x in answer.hard][:1] == [(ids.ONE_SHIFT_A_DAY, 2)]


def test_someone_elses_log_does_not_change_the_answer() -> None:
    assert whatif(PROGRAM, ROSTER, CALL_ON_22, days("ben", range(10), hours=20)).logged_through is None


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("2026-03-24", "expected DATE:SHIFT"),
        ("24/03/2026:call", "is not a date"),
        ("2026-03-24:brunch", "unknown shift 'brunch'"),
        ("2026-03-24:call:roof", "unknown post 'roof'"),
        ("2026-05-01:call", "outside the block"),
    ],
)
def test_a_badly_written_take_is_refused_on_take(text: str, fragment: str) -> None:
    with pytest.raises(Invalid) as raised:
        parse_take(PROGRAM, "ada", text)
    assert raised.value.field == "take" and fragment in raised.value.message


def test_a_take_without_a_post_uses_the_only_post_running_that_shift() -> None:
    assert parse_take(PROGRAM, "ada", "2026-03-24:call") == Assignment("ada", f.day(22), "call", "ward")


def test_an_unknown_person_is_refused_on_person() -> None:
    with pytest.raises(Invalid) as raised:
        parse_take(PROGRAM, "zed", "2026-03-24:call")
    assert raised.value.field == "person"


def test_a_rule_broken_by_a_shift_already_on_the_roster_after_it_is_later_in_the_block() -> None:
    clinic_next_morning = f.roster(("ada", 11, "clinic"))  # 08:00, one hour after the call ends
    answer = whatif(PROGRAM, clinic_next_morning, Assignment("ada", f.day(10), "call", "ward"))
    rest = [x for x in answer.findings if x.violation.rule == ids.REST_AFTER_CALL]
    assert [(x.violation.measured, x.violation.day, x.when) for x in rest] == [
        (1.0, f.day(11), "later in the block")
    ]
