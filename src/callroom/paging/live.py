"""The live schedule: the newest stored roster version and the program it was solved for.

Roles resolve against it at send time (and at each escalation), so a roster edit takes effect
for the next page. Parsing a program file takes tens of milliseconds, so the schedule is cached
per roster version; finding the newest version is one indexed query per page.
"""

from __future__ import annotations

import threading

from sqlalchemy.orm import Session

from callroom.formats.program_file import parse_program
from callroom.paging.routing import Schedule
from callroom.storage import ProgramRepository, RosterRepository


class LiveSchedules:
    """Hands out the current `Schedule`: the newest roster of `program` (or of any program)."""

    def __init__(self, program: str | None = None) -> None:
        self._program = program
        self._cached: Schedule | None = None
        self._lock = threading.Lock()

    def current(self, session: Session) -> Schedule | None:
        """The live schedule, or None while no roster is stored."""
        rosters = RosterRepository(session)
        newest = rosters.newest_id(self._program)
        if newest is None:
            return None
        cached = self._cached
        if cached is not None and cached.roster_version_id == newest:
            return cached
        with self._lock:
            record = rosters.get(newest)
            assert record is not None
            source = ProgramRepository(session).get_version(record.program_version_id)
            assert source is not None  # a roster version's program version is a foreign key
            program = parse_program(source.source_text, source.source_path)
            self._cached = Schedule(program, rosters.load_roster(record.id), record.id)
            return self._cached
