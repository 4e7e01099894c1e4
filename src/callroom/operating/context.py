"""Where the OR services find the program: the live roster of a day (of the configured program,
or of the year's block holding that day), and the program family whose cases, plans, case logs
and CPT table they read and write.

A family is a program by name, or a year with its blocks by the year's name: a case imported
while one block is live is still on the board when the next block goes live, and a resident's
case log runs across blocks and years.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from callroom.domain.clock import Clock, utc_now
from callroom.domain.operating import CptTable
from callroom.domain.program import Program
from callroom.errors import NotFound
from callroom.formats.cpt_table import default_cpt_table, parse_cpt_table
from callroom.rosters.live import Live, LiveSchedules
from callroom.storage.operating_repositories import CptTableRepository
from callroom.year.derive import blocks_of

NO_ROSTER = "no live roster yet: the OR board needs the program and its roster (solve or import one)"
BLOCK_MARK = blocks_of("")  # "/block-": what a year's block program names carry after the year


def family(name: str) -> str:
    """The program family of a stored program name: a block's year, else the name itself."""
    return name.split(BLOCK_MARK, 1)[0]


@dataclass(frozen=True)
class Found:
    """The live roster of a day and its family."""

    live: Live
    family: str

    @property
    def program(self) -> Program:
        return self.live.program

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.program.hospital.timezone)


class Programs:
    def __init__(self, schedules: LiveSchedules, clock: Clock = utc_now) -> None:
        self.schedules = schedules
        self.clock = clock
        self._tables: dict[tuple[str, int], CptTable] = {}  # a stored version never changes

    def now(self, session: Session) -> Found:
        """The live roster now; NotFound while there is none."""
        return _found(self.schedules.live(session))

    def on(self, session: Session, day: date) -> Found:
        """The live roster of `day` (at its local noon, so a year finds the block holding it)."""
        zone = self.now(session).zone
        return _found(self.schedules.live(session, now=datetime.combine(day, time(12), zone)))

    def today(self, session: Session) -> date:
        """Today in the hospital's time zone."""
        return self.clock().astimezone(self.now(session).zone).date()

    def cpt_table(self, session: Session, family_name: str) -> tuple[CptTable, int]:
        """The family's CPT table in use and its version (0: the default shipped with callroom)."""
        stored = CptTableRepository(session, clock=self.clock).newest(family_name)
        if stored is None:
            return default_cpt_table(), 0
        key = (family_name, stored.number)
        if key not in self._tables:
            self._tables[key] = parse_cpt_table(stored.text, f"CPT table {stored.number}")
        return self._tables[key], stored.number


def _found(live: Live | None) -> Found:
    if live is None:
        raise NotFound("roster", NO_ROSTER)
    return Found(live, family(live.name))
