"""Bad logged periods are refused with the field to fix (pure checks in domain.worklog)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from callroom.domain.worklog import MAX_PERIOD, period_errors
from callroom.errors import Detail
from tests.unit.rules.worked_helpers import NOW, at, period

PEOPLE = {"ada": "Ada"}


def test_a_period_ending_before_it_starts_is_refused_on_end() -> None:
    backwards = replace(period("ada", 1, "07:00", 1), end=at(1, "06:00"))
    assert [e.field for e in period_errors(backwards, [], NOW, PEOPLE)] == ["end"]
    assert "is not after the start" in period_errors(backwards, [], NOW, PEOPLE)[0].message


def test_a_period_ending_in_the_future_is_refused() -> None:
    found = period_errors(period("ada", 1, "07:00", 12), [], at(1, "12:00"), PEOPLE)
    assert [e.field for e in found] == ["end"] and "in the future" in found[0].message


def test_a_29_hour_period_is_accepted_but_one_over_30_hours_is_refused() -> None:
    assert period_errors(period("ada", 1, "07:00", 29), [], NOW, PEOPLE) == []
    assert period_errors(period("ada", 1, "07:00", 30), [], NOW, PEOPLE) == []
    too_long = period("ada", 1, "07:00", MAX_PERIOD / timedelta(hours=1) + 0.5)
    found = period_errors(too_long, [], NOW, PEOPLE)
    assert [e.field for e in found] == ["end"] and "at most 30 h" in found[0].message


def test_an_overlapping_period_is_refused_and_names_the_one_it_overlaps() -> None:
    existing = replace(period("ada", 1, "07:00", 12), id=41)
    found = period_errors(period("ada", 1, "18:00", 4), [existing], NOW, PEOPLE)
    assert found == [Detail("start", found[0].message)] and "period 41" in found[0].message


def test_back_to_back_periods_do_not_overlap() -> None:
    existing = replace(period("ada", 1, "07:00", 12), id=41)
    assert period_errors(period("ada", 1, "19:00", 4), [existing], NOW, PEOPLE) == []


def test_a_correction_does_not_overlap_its_own_previous_value() -> None:
    existing = replace(period("ada", 1, "07:00", 12), id=41)
    assert period_errors(replace(existing, end=at(1, "20:00")), [existing], NOW, PEOPLE) == []


def test_an_unknown_person_is_refused_on_person() -> None:
    assert [e.field for e in period_errors(period("zed", 1, "07:00", 12), [], NOW, PEOPLE)] == ["person"]


def test_a_time_without_a_zone_is_refused() -> None:
    naive = replace(period("ada", 1, "07:00", 12), start=datetime(2026, 3, 3, 7, 0))
    assert [e.field for e in period_errors(naive, [], NOW, PEOPLE)] == ["start"]
