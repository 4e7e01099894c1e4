"""Who may take an OR case, and why not, in the words the board shows: on the case's service that
day, not on leave or an approved absence, not post-call, and within the duty-hour rules."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from callroom.domain.absence import AbsenceKind, ApprovedAbsence
from callroom.domain.grades import Grade
from callroom.domain.operating import OrCase
from callroom.domain.program import AcgmeLimits, Leave, Person
from callroom.rules.operating import NOT_A_RESIDENT, availability
from tests import factories as f
from tests.unit.rules.or_day import DAY, OR_DAY, attending, case, on_ward, program, resident
from tests.unit.rules.worked_helpers import at, period

ANN, BO = resident("ann", Grade.PGY3), resident("bo", Grade.PGY4)


Row = tuple[str, int, str] | tuple[str, int, str, str]


def _reason(
    people: list[Person], rows: Sequence[Row], the_case: OrCase | None = None, **kwargs: Any
) -> str | None:
    the_case = the_case or case("c1")
    found = availability(program(people), f.roster(*rows), DAY, [the_case], **kwargs)
    return found.reason(the_case.id, people[0].id)


def test_a_resident_on_a_post_of_the_cases_service_that_day_may_take_it() -> None:
    assert _reason([ANN], on_ward("ann")) is None


def test_a_resident_on_another_service_that_day_is_out_naming_the_cases_service() -> None:
    assert _reason([ANN], [("ann", OR_DAY, "day", "vasc")]) == "not on General Surgery that day"


def test_a_resident_rostered_on_the_service_only_the_day_before_is_out() -> None:
    assert _reason([ANN], on_ward("ann", offset=OR_DAY - 1)) == "not on General Surgery that day"


def test_the_resident_on_24_hour_call_of_the_service_is_on_it_and_may_take_a_case_inside_the_call() -> None:
    assert _reason([ANN], [("ann", OR_DAY, "call")], case("c1", "13:00", 180)) is None


def test_a_post_call_resident_is_out_until_the_rest_after_call_is_over() -> None:
    """On call yesterday from 07:00, on the service's home call from 17:00 today."""
    rows = [("ann", OR_DAY - 1, "call"), ("ann", OR_DAY, "home")]

    assert _reason([ANN], rows, case("c1", "07:30")) == "post-call: on Call until 07:00"
    assert _reason([ANN], rows, case("c1", "20:59", 30)) == "post-call: on Call until 07:00"
    # 14 hours after the call ended at 07:00, the rest is over.
    assert _reason([ANN], rows, case("c1", "21:00", 30)) is None


def test_a_case_starting_the_minute_the_call_ends_is_post_call_too() -> None:
    rows = [("ann", OR_DAY - 1, "call"), ("ann", OR_DAY, "day")]

    assert _reason([ANN], rows, case("c1", "07:00")) == "post-call: on Call until 07:00"


def test_a_case_that_would_make_29_hours_continuous_is_out_and_28_is_not() -> None:
    """On call from 07:00; a late case running to 12:00 next day makes 29 h, to 11:00 28 h."""
    rows = [("ann", OR_DAY, "call")]

    assert _reason([ANN], rows, case("c1", "22:00", 14 * 60)) == "would be 29 h continuous, past 24 + 4"
    assert _reason([ANN], rows, case("c1", "22:00", 13 * 60)) is None


def test_a_case_past_the_weekly_hours_averaged_over_the_block_is_out_with_the_rules_own_numbers() -> None:
    """A program capping 20 hours a week: 80 hours over the 28-day block. Six 12-hour days make
    72; an evening case of 9 hours makes 81, one of 8 hours exactly 80."""
    capped = program([ANN], limits=AcgmeLimits(weekly_hours=20))
    roster = f.roster(*[("ann", d, "day") for d in range(OR_DAY - 2, OR_DAY + 4)])
    late, shorter = case("c1", "20:00", 9 * 60), case("c2", "20:00", 8 * 60)
    found = availability(capped, roster, DAY, [late, shorter])

    assert found.reason("c1", "ann") == (
        "would break 80 hours a week, averaged over the block (ACGME VI.F.1 / 6.20): Ann: 20.25 h/week "
        "averaged over the block (81 h worked in 28 days off leave; budget 80 h); limit 20"
    )
    assert found.reason("c2", "ann") is None


def test_a_resident_on_leave_is_out() -> None:
    away = dataclasses.replace(ANN, leave=(Leave(DAY, DAY, "vacation"),))

    assert _reason([away], on_ward("ann")) == "on leave (vacation)"


def test_a_fixed_day_off_is_out() -> None:
    off = dataclasses.replace(ANN, days_off=frozenset({DAY}))

    assert _reason([off], on_ward("ann")) == "on a fixed day off"


def test_an_approved_absence_over_the_case_is_out_in_the_absences_own_words() -> None:
    sick = ApprovedAbsence("ann", at(OR_DAY, "07:00"), at(OR_DAY, "12:00"), AbsenceKind.SICK, 4)
    people = [ANN]
    found = availability(
        program(people).with_absences([sick]),
        f.roster(*on_ward("ann")),
        DAY,
        [case("c1"), case("c2", "13:00")],
    )

    assert found.reason("c1", "ann") == "off sick 5 Mar 07:00–12:00 (approved with repair #4)"
    assert found.reason("c2", "ann") is None


def test_logged_hours_replace_the_roster_a_logged_24_hours_makes_the_resident_post_call() -> None:
    """Rostered a day shift yesterday, Ann logged 24 hours from 07:00 instead."""
    rows = [("ann", OR_DAY - 1, "day"), ("ann", OR_DAY, "day")]

    assert _reason([ANN], rows) is None
    logged = [period("ann", OR_DAY - 1, "07:00", 24)]
    assert _reason([ANN], rows, logged=logged) == "post-call: 24 h in-house until 07:00"


def test_only_residents_are_judged_an_attending_may_take_no_case() -> None:
    people = [ANN, attending("dr")]
    found = availability(program(people), f.roster(*on_ward("ann")), DAY, [case("c1")])

    assert set(found.reasons) == {("c1", "ann")}
    assert found.reason("c1", "dr") == NOT_A_RESIDENT
    assert not found.may_take("c1", "dr") and found.may_take("c1", "ann")
    assert found.free_for("c1") == ("ann",)
