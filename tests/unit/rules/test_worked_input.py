"""Bad logged periods are refused with the field to fix (pure checks in domain.worklog), their
messages showing times as the hospital's wall clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from callroom.domain.worklog import MAX_PERIOD, open_period_errors, period_errors
from callroom.errors import Detail
from tests.unit.rules.worked_helpers import NEW_YORK, NOW, at, period

PEOPLE = {"ada": "Ada"}


def test_a_period_ending_before_it_starts_is_refused_on_end() -> None:
    backwards = replace(period("ada", 1, "07:00", 1), end=at(1, "06:00"))
    assert [e.field for e in period_errors(backwards, [], NOW, PEOPLE, NEW_YORK)] == ["end"]
    assert "is not after the start" in period_errors(backwards, [], NOW, PEOPLE, NEW_YORK)[0].message


def test_a_period_ending_in_the_future_is_refused() -> None:
    found = period_errors(period("ada", 1, "07:00", 12), [], at(1, "12:00"), PEOPLE, NEW_YORK)
    assert [e.field for e in found] == ["end"] and "in the future" in found[0].message


def test_a_29_hour_period_is_accepted_but_one_over_30_hours_is_refused() -> None:
    assert period_errors(period("ada", 1, "07:00", 29), [], NOW, PEOPLE, NEW_YORK) == []
    assert period_errors(period("ada", 1, "07:00", 30), [], NOW, PEOPLE, NEW_YORK) == []
    too_long = period("ada", 1, "07:00", MAX_PERIOD / timedelta(hours=1) + 0.5)
    found = period_errors(too_long, [], NOW, PEOPLE, NEW_YORK)
    assert [e.field for e in found] == ["end"] and "at most 30 h" in found[0].message


def test_an_overlapping_period_is_refused_and_names_the_one_it_overlaps() -> None:
    existing = replace(period("ada", 1, "07:00", 12), id=41)
    found = period_errors(period("ada", 1, "18:00", 4), [existing], NOW, PEOPLE, NEW_YORK)
    assert found == [Detail("start", found[0].message)] and "period 41" in found[0].message


def test_back_to_back_periods_do_not_overlap() -> None:
    existing = replace(period("ada", 1, "07:00", 12), id=41)
    assert period_errors(period("ada", 1, "19:00", 4), [existing], NOW, PEOPLE, NEW_YORK) == []


def test_a_correction_does_not_overlap_its_own_previous_value() -> None:
    existing = replace(period("ada", 1, "07:00", 12), id=41)
    assert period_errors(replace(existing, end=at(1, "20:00")), [existing], NOW, PEOPLE, NEW_YORK) == []


def test_an_unknown_person_is_refused_on_person() -> None:
    found = period_errors(period("zed", 1, "07:00", 12), [], NOW, PEOPLE, NEW_YORK)
    assert [e.field for e in found] == ["person"]


def test_a_time_without_a_zone_is_refused() -> None:
    naive = replace(period("ada", 1, "07:00", 12), start=datetime(2026, 3, 3, 7, 0))
    assert [e.field for e in period_errors(naive, [], NOW, PEOPLE, NEW_YORK)] == ["start"]


def test_messages_show_the_hospitals_wall_clock_never_utc() -> None:
    backwards = replace(period("ada", 1, "20:00", 1), end=at(1, "07:00"))
    assert period_errors(backwards, [], NOW, PEOPLE, NEW_YORK) == [
        Detail("end", "2026-03-03 07:00 EST is not after the start 2026-03-03 20:00 EST")
    ]
    existing = replace(period("ada", 1, "07:00", 12), id=41)
    [overlap] = period_errors(period("ada", 1, "18:00", 4), [existing], NOW, PEOPLE, NEW_YORK)
    assert overlap.message == "overlaps the logged period 41 (2026-03-03 07:00 EST to 2026-03-03 19:00 EST)"
    [future] = period_errors(period("ada", 6, "01:00", 4), [], at(6, "01:30"), PEOPLE, NEW_YORK)
    assert future.message == (
        "2026-03-08 06:00 EDT is in the future (now 2026-03-08 01:30 EST); log hours once they are worked"
    )


def test_clocking_in_in_the_future_or_inside_a_logged_period_is_refused_in_wall_clock() -> None:
    existing = replace(period("ada", 1, "07:00", 12), id=41)
    assert open_period_errors(at(1, "08:00"), [existing], NOW, NEW_YORK) == [
        Detail(
            "at",
            "2026-03-03 08:00 EST is inside the logged period 41 (2026-03-03 07:00 EST to "
            "2026-03-03 19:00 EST)",
        )
    ]
    assert open_period_errors(at(6, "03:00"), [], at(6, "01:59"), NEW_YORK) == [
        Detail("at", "2026-03-08 03:00 EDT is in the future (now 2026-03-08 01:59 EST)")
    ]
    assert open_period_errors(at(1, "19:00"), [existing], NOW, NEW_YORK) == []
