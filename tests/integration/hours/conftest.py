"""Duty-hours fixtures: the small service stored in a fresh database (SQLite and PostgreSQL),
and the hours service on a clock that stands still at NOW unless a test moves it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from callroom.hours.service import HoursService
from callroom.rosters.live import LiveSchedules
from callroom.storage import Database
from tests.integration.hours.world import NOW, PROGRAM, store_world
from tests.principals import COORDINATOR, DIRECTOR, person

ADA = person("ada")
BEN = person("ben")
__all__ = ["ADA", "BEN", "COORDINATOR", "DIRECTOR"]


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def world(database: Database) -> Database:
    store_world(database)
    return database


@pytest.fixture
def service(world: Database, clock: Clock) -> HoursService:
    return HoursService(world, LiveSchedules(PROGRAM), clock)
