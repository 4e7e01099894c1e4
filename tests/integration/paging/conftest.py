"""Paging fixtures: the small hospital stored in a fresh database (SQLite and PostgreSQL), a
clock the test moves by hand, the paging service, and workers that run until nothing is due."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import pytest

from callroom.domain.paging import Channel
from callroom.paging.engine import DeliveryRules
from callroom.paging.service import PageDetail, PagingService
from callroom.paging.transports.base import Transport
from callroom.paging.worker import Worker, WorkerOptions
from callroom.rosters.live import LiveSchedules
from callroom.storage import Database
from tests.paging_world import ManualClock, store_world, world_yaml
from tests.principals import OPERATOR

__all__ = ["OPERATOR", "ManualClock"]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def world(database: Database) -> Database:
    """The database with the small hospital and its roster stored (waits of 5 minutes)."""
    store_world(database, world_yaml(wait="5m"))
    return database


@pytest.fixture
def paging(world: Database, clock: ManualClock) -> PagingService:
    return PagingService(world, LiveSchedules(), clock)


def make_worker(
    database: Database,
    clock: ManualClock,
    transports: Mapping[Channel, Transport] | None = None,
    *,
    lease_s: float = 30,
    attempts: int = 3,
    name: str = "worker",
) -> Worker:
    options = WorkerOptions(
        poll_interval_s=0.01,
        batch=50,
        lease_s=lease_s,
        delivery=DeliveryRules(attempts, retry_base_s=2, retry_cap_s=60),
    )
    return Worker(database, LiveSchedules(), transports or {}, options, clock, name)


def drain(worker: Worker, passes: int = 50) -> int:
    """Run passes until one finds nothing due; how much was done in all."""
    total = 0
    for _ in range(passes):
        done = worker.run_once()
        if done == 0:
            return total
        total += done
    raise AssertionError(f"still busy after {passes} passes")


@pytest.fixture
def worker(world: Database, clock: ManualClock) -> Iterator[Worker]:
    yield make_worker(world, clock)


def kinds(detail: PageDetail) -> list[str]:
    return [event.kind for event in detail.events]


def steps(detail: PageDetail) -> list[tuple[int, int, str]]:
    return [(r.step, r.round, r.person_id) for r in detail.recipients]
