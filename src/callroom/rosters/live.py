"""The live roster: the stored roster of the block holding today (see `LiveSchedules`), with the
program it was made for and the schedule paging resolves against.

The program carries the absences the chief approved for it (`Program.absences`, stored apart
from the file), so every service that checks or solves against the live roster keeps people off
shifts that overlap them. Absences belong to the program, not to a version: an absence approved
without any change to the roster applies to the version already live.

Roles resolve against it at send time (and at each escalation), so a roster edit takes effect
for the next page. Parsing a program file takes tens of milliseconds, so each version's
`Live` is kept once built, and each program text parsed once; finding the live version is
one indexed query.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy.orm import Session

from callroom.domain.clock import Clock, utc_now
from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.formats.program_file import parse_program
from callroom.paging.routing import Schedule
from callroom.storage import ProgramRepository, ProgramVersionRecord, RosterRepository, RosterVersionRecord
from callroom.storage.changes_repositories import AbsenceRepository
from callroom.year.derive import blocks_of

K = TypeVar("K", int, tuple[int, int])

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
    """Hands out the live roster: the roster of the block holding today, among the configured
    `program` and, when it is a year, its block programs (or among all programs, when none is
    configured); while no block holds today, the newest stored of them. Safe to share between
    threads.

    A block solved ahead of time is stored while the one before it still runs, so "newest" alone
    would page next month's team. The switch is at local midnight of the new block's first day;
    a page at 02:00 that night still reaches the previous block's overnight call, because the new
    block's program carries that roster as its history and routing reads it
    (`paging.routing.Schedule`).
    """

    def __init__(self, program: str | None = None, clock: Clock = utc_now) -> None:
        self.program = program
        self._clock = clock
        self._versions: dict[int, Live] = {}
        self._with_absences: dict[tuple[int, int], Live] = {}  # by (version id, newest absence id)
        self._programs: dict[tuple[str, str], Program] = {}
        self._lock = threading.Lock()

    def current(self, session: Session, now: datetime | None = None) -> Schedule | None:
        """The live schedule at `now` (default: the clock's), or None while no roster is stored."""
        found = self.live(session, now=now)
        return None if found is None else found.schedule

    def live(self, session: Session, program: str | None = None, now: datetime | None = None) -> Live | None:
        """The newest version of `program`; without one, the live roster at `now` (default: the
        clock's; see the class doc). None while there is none."""
        rosters = RosterRepository(session)
        if program is not None:
            newest = rosters.newest_id(program)
            return None if newest is None else self.version(session, newest)
        blocks = None if self.program is None else blocks_of(self.program)
        found = rosters.live_id(now or self._clock(), self.program, blocks)
        return None if found is None else self._overlaid(session, *found)

    def version(self, session: Session, version_id: int) -> Live:
        """A stored version by id (it must exist), with its program's approved absences; parsed
        once and kept, and laid over again only when an absence has been approved since."""
        return self._overlaid(session, version_id, AbsenceRepository(session).newest_id())

    def _overlaid(self, session: Session, version_id: int, newest_absence: int | None) -> Live:
        """`version`, given the newest absence's id (the live roster's read gives it)."""
        found = self._version(session, version_id)
        if newest_absence is None:
            return found
        key = (version_id, newest_absence)
        cached = self._with_absences.get(key)
        if cached is not None:
            return cached
        absences = AbsenceRepository(session).of_program(found.name)
        program = found.program.with_absences(a.absence for a in absences)
        overlaid = Live(found.name, found.record, Schedule(program, found.roster, found.record.id))
        with self._lock:
            _keep(self._with_absences, key, overlaid)
        return overlaid

    def _version(self, session: Session, version_id: int) -> Live:
        """The version as stored, without absences."""
        cached = self._versions.get(version_id)
        if cached is not None:
            return cached
        with self._lock:
            rosters = RosterRepository(session)
            record = rosters.get(version_id)
            assert record is not None, f"no roster version {version_id}"
            source = ProgramRepository(session).get_version(record.program_version_id)
            assert source is not None  # a roster version's program version is a foreign key
            found = Live(
                source.program_name,
                record,
                Schedule(self.parsed(source), rosters.load_roster(record.id), record.id),
            )
            _keep(self._versions, version_id, found)
            return found

    def parsed(self, source: ProgramVersionRecord) -> Program:
        """The stored program text parsed, once per process (a year's plan reads it too)."""
        return self._parsed(source.sha256, source.source_text, source.source_path)

    def parsed_text(self, text: str, path: str) -> Program:
        """A program text about to be stored (a solve's), through the same once-per-process cache."""
        return self._parsed(hashlib.sha256(text.encode("utf-8")).hexdigest(), text, path)

    def _parsed(self, digest: str, text: str, path: str) -> Program:
        # By the text's digest and path, not the row id: ids repeat between two databases
        # served by one process (they did, between tests).
        key = (digest, path)
        if key not in self._programs:
            self._programs[key] = parse_program(text, path)
        return self._programs[key]


def _keep(kept: dict[K, Live], key: K, live: Live) -> None:
    """Keep `live` under `key`, dropping the oldest version kept when there are enough."""
    if len(kept) >= KEPT_VERSIONS:
        kept.pop(min(kept))
    kept[key] = live
