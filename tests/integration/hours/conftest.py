"""Duty-hours fixtures: the small service stored in a fresh database (SQLite and PostgreSQL),
and the hours service on a clock that stands still at NOW unless a test moves it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from callroom.hours.service import HoursActor, HoursService
from callroom.paging.live import LiveSchedules
from callroom.storage import Database
from tests.integration.hours.world import NOW, PROGRAM, store_world

ADA = HoursActor("ada")
BEN = HoursActor("ben")
DIRECTOR = HoursActor("pd", reads_all=True, reviews=True)
ADMIN = HoursActor("admin", reads_all=True, edits_all=True, reviews=True)


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
