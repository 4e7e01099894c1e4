"""The composition root: every service built once, from the settings, over one database.

The API builds them in its lifespan, the CLI in its callback, `callroom worker` and the worker
thread of `callroom serve` for themselves; nothing else constructs a service, so each front end
gets the same objects wired the same way (one live-roster cache, paging notifying of changes).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from callroom.accounts.service import AccountService
from callroom.changes.publishing import Publishing
from callroom.changes.service import ChangeService
from callroom.config import Settings
from callroom.domain.clock import Clock, utc_now
from callroom.hours.service import NOTICE_SENDER as HOURS_SENDER
from callroom.hours.service import HoursService
from callroom.jobs.runner import JobRunner, RunnerOptions
from callroom.jobs.service import JobService
from callroom.operating.caselog import CaseLogService
from callroom.operating.context import Programs
from callroom.operating.service import NOTICE_SENDER as OR_SENDER
from callroom.operating.service import OrService
from callroom.ops.service import OpsService
from callroom.paging.notices import PagingNotifier
from callroom.paging.service import PagingService
from callroom.paging.worker import Worker, worker_from
from callroom.rosters.live import LiveSchedules
from callroom.rosters.service import RosterService
from callroom.storage import Database, open_database
from callroom.storage.db import open_database_when_up
from callroom.year.service import YearService


@dataclass(frozen=True)
class Services:
    settings: Settings
    database: Database
    rosters: RosterService
    paging: PagingService
    changes: ChangeService
    hours: HoursService
    accounts: AccountService
    year: YearService
    jobs: JobService
    publishing: Publishing
    ops: OpsService
    operating: OrService
    caselog: CaseLogService

    def worker(self, name: str, poll_interval_s: float | None = None) -> Worker:
        """A paging worker on this database, sharing the live-roster cache (polling every
        `poll_interval_s`, default the settings')."""
        chosen = (
            self.settings
            if poll_interval_s is None
            else self.settings.model_copy(update={"worker_poll_interval_s": poll_interval_s})
        )
        return worker_from(chosen, self.database, self.rosters.schedules, name)

    def runner(self, name: str) -> JobRunner:
        """A background-job runner on this database (solves, repairs and OR assignments),
        sharing the services' roster cache."""
        chosen = self.settings
        options = RunnerOptions(chosen.job_lease_s, chosen.job_heartbeat_s, most_attempts=chosen.job_attempts)
        return JobRunner(self.database, self.jobs.handlers(), name, options)


def build_services(settings: Settings, database: Database, clock: Clock = utc_now) -> Services:
    schedules = LiveSchedules(settings.paging_program, clock)
    rosters = RosterService(database, schedules, clock=clock)
    paging = PagingService(database, schedules, clock)
    notifier = PagingNotifier(paging)
    changes = ChangeService(database, rosters, notifier=notifier, clock=clock)
    programs = Programs(schedules, clock)
    operating = OrService(database, programs, PagingNotifier(paging, sender=OR_SENDER), clock=clock)
    return Services(
        settings,
        database,
        rosters,
        paging,
        changes,
        HoursService(database, schedules, clock, PagingNotifier(paging, sender=HOURS_SENDER)),
        AccountService(database, clock=clock, idle=timedelta(minutes=settings.session_idle_minutes)),
        YearService(database, rosters),
        JobService(database, rosters, changes, operating, clock),
        Publishing(database, rosters, notifier, clock),
        OpsService(database, settings.metrics_window_s, clock),
        operating,
        CaseLogService(database, programs, clock=clock),
    )


@contextmanager
def open_services(settings: Settings, clock: Clock = utc_now) -> Iterator[Services]:
    """The services over the settings' database (migrated to head), closed at the end."""
    with open_database(settings.database_url) as database:
        yield build_services(settings, database, clock)


@contextmanager
def open_services_when_up(settings: Settings, stop: threading.Event, who: str) -> Iterator[Services | None]:
    """`open_services`, waiting for as long as the database is unavailable (see
    `storage.db.open_database_when_up`); None if `stop` is set first."""
    database = open_database_when_up(settings.database_url, stop, who)
    if database is None:
        yield None
        return
    with database:
        yield build_services(settings, database)
