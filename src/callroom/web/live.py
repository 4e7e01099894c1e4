"""The roster the pages show and edit: the newest stored version (of the paging program, when
one is configured), with the program it was solved for.

Parsing a program file takes tens of milliseconds, so the API's `LiveSchedules` cache (one per
app, shared by pages and API routes) is reused: it keeps the parsed program per roster version.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from callroom.api import rosters
from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.paging.routing import Schedule
from callroom.storage import RosterRepository, RosterVersionRecord


@dataclass(frozen=True)
class Live:
    schedule: Schedule
    version: RosterVersionRecord

    @property
    def program(self) -> Program:
        return self.schedule.program

    @property
    def roster(self) -> Roster:
        return self.schedule.roster


database = rosters.database_of


def current(request: Request) -> Live | None:
    """The live roster, or None while nothing has been solved or imported."""
    with database(request).reading() as session:
        schedule = rosters.live_schedules(request).current(session)
        if schedule is None or schedule.roster_version_id is None:
            return None
        version = RosterRepository(session).get(schedule.roster_version_id)
    assert version is not None  # the schedule was just read from this id
    return Live(schedule, version)
