"""The weekend, said once: Saturday and the Sunday after it, named by the Saturday."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from callroom.domain.days import is_weekend, weekend_of

FRIDAY = date(2027, 3, 12)
SATURDAY, SUNDAY, MONDAY = (FRIDAY + timedelta(days=n) for n in (1, 2, 3))


def test_saturday_and_sunday_are_the_weekend_and_nothing_else_is() -> None:
    week = [MONDAY + timedelta(days=n) for n in range(7)]

    assert [day.strftime("%A") for day in week if is_weekend(day)] == ["Saturday", "Sunday"]


def test_a_sunday_belongs_to_the_weekend_of_the_saturday_before_it() -> None:
    assert weekend_of(SATURDAY) == weekend_of(SUNDAY) == SATURDAY


def test_a_weekday_is_in_no_weekend() -> None:
    with pytest.raises(ValueError, match="not in a weekend"):
        weekend_of(FRIDAY)
