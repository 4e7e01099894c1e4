"""The roster the pages show and edit: the newest stored version (of the paging program, when
one is configured), with the program it was solved for.

Parsing a program file takes tens of milliseconds, so the paging layer's `LiveSchedules` cache
is reused: it keeps the parsed program per roster version.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.paging.live import LiveSchedules
from callroom.paging.routing import Schedule
from callroom.storage import Database, RosterRepository, RosterVersionRecord


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


def database(request: Request) -> Database:
    found: Database = request.app.state.database
    return found


def schedules(request: Request) -> LiveSchedules:
    state = request.app.state
    if not hasattr(state, "web_schedules"):
        state.web_schedules = LiveSchedules(state.settings.paging_program)
    found: LiveSchedules = state.web_schedules
    return found


def current(request: Request) -> Live | None:
    """The live roster, or None while nothing has been solved or imported."""
    with database(request).reading() as session:
        schedule = schedules(request).current(session)
        if schedule is None or schedule.roster_version_id is None:
            return None
        version = RosterRepository(session).get(schedule.roster_version_id)
    assert version is not None  # the schedule was just read from this id
    return Live(schedule, version)
