"""The live roster: the newest stored version of the live program, with the program it was made
for and the schedule paging resolves against.

Roles resolve against it at send time (and at each escalation), so a roster edit takes effect
for the next page. Parsing a program file takes tens of milliseconds, so each version's
`Live` is kept once built, and each program text parsed once; finding the newest version is
one indexed query.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy.orm import Session

from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.formats.program_file import parse_program
from callroom.paging.routing import Schedule
from callroom.storage import ProgramRepository, ProgramVersionRecord, RosterRepository, RosterVersionRecord

KEPT_VERSIONS = 8
"""Versions kept parsed: the live one and the few just before it (a proposal made against
them, a diff)."""


@dataclass(frozen=True)
class Live:
    """One stored roster version: its program's name, its record and its schedule."""

    name: str
    record: RosterVersionRecord
    schedule: Schedule

    @property
    def program(self) -> Program:
        return self.schedule.program

    @property
    def roster(self) -> Roster:
        return self.schedule.roster


class LiveSchedules:
    """Hands out the live roster: the newest version of `program` (or of any program, when no
    program is configured). Safe to share between threads."""

    def __init__(self, program: str | None = None) -> None:
        self.program = program
        self._versions: dict[int, Live] = {}
        self._programs: dict[tuple[str, str], Program] = {}
        self._lock = threading.Lock()

    def current(self, session: Session) -> Schedule | None:
        """The live schedule, or None while no roster is stored."""
        found = self.live(session)
        return None if found is None else found.schedule

    def live(self, session: Session, program: str | None = None) -> Live | None:
        """The newest version of `program` (default: the live program), or None."""
        newest = RosterRepository(session).newest_id(program or self.program)
        return None if newest is None else self.version(session, newest)

    def version(self, session: Session, version_id: int) -> Live:
        """A stored version by id (it must exist), parsed once and kept."""
        cached = self._versions.get(version_id)
        if cached is not None:
            return cached
        with self._lock:
            rosters = RosterRepository(session)
            record = rosters.get(version_id)
            assert record is not None, f"no roster version {version_id}"
            source = ProgramRepository(session).get_version(record.program_version_id)
            assert source is not None  # a roster version's program version is a foreign key
            found = Live(source.program_name, record,
                         Schedule(self._parsed(source), rosters.load_roster(record.id), record.id))
            if len(self._versions) >= KEPT_VERSIONS:
                self._versions.pop(min(self._versions))
            self._versions[version_id] = found
            return found

    def _parsed(self, source: ProgramVersionRecord) -> Program:
        # By the text's digest and path, not the row id: ids repeat between two databases
        # served by one process (they did, between tests).
        key = (source.sha256, source.source_path)
        if key not in self._programs:
            self._programs[key] = parse_program(source.source_text, source.source_path)
        return self._programs[key]
