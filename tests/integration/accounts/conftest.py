"""A clock the accounts tests set and move by hand (the service takes its time from it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

START = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()
