"""Which days are the weekend, said once for the whole project: the rules that count weekends
worked, the solver's weekend variables, the program file's `weekends` and `weekdays`, and the
grids that shade weekend columns all ask here."""

from __future__ import annotations

from datetime import date, timedelta

WEEKEND_DAYS = frozenset({5, 6})
"""Saturday and Sunday, numbered as `date.weekday()` numbers them (Monday is 0)."""
WEEKDAYS = frozenset(range(7)) - WEEKEND_DAYS


def is_weekend(day: date) -> bool:
    return day.weekday() in WEEKEND_DAYS


def weekend_of(day: date) -> date:
    """The Saturday that names the weekend `day` is in: a Saturday and the Sunday after it are
    one weekend. ValueError for a weekday."""
    if not is_weekend(day):
        raise ValueError(f"{day} ({day:%A}) is not in a weekend")
    return day - timedelta(days=day.weekday() - min(WEEKEND_DAYS))
