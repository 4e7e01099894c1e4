"""The demo hospital a year earlier, for duty-hour tests that need a block already worked.

Hours are logged once they are worked: a shift that has not ended cannot be confirmed, and the
demo's block lies ahead. This is the same program file and solved roster with every date moved
back 52 weeks (weekdays kept), stored as the newest program, so the app, on the real clock,
reads it as the live schedule of a block that has ended.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import cache

from callroom.demo import demo_program_path
from callroom.domain.program import Person, Program
from callroom.domain.roster import Assignment, Roster
from callroom.formats.program_file import parse_program
from callroom.storage import Database, ProgramRepository, RosterRepository, RosterSource
from tests.web_demo import solved_demo

PAST_NAME = "st-elsewhere-last-year"
SHIFT = timedelta(weeks=52)
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _earlier(found: re.Match[str]) -> str:
    return (date(*(int(part) for part in found.groups())) - SHIFT).isoformat()


@cache
def past_source() -> str:
    return ISO_DATE.sub(_earlier, demo_program_path().read_text(encoding="utf-8"))


@cache
def past_program() -> Program:
    return parse_program(past_source())


@cache
def past_roster() -> Roster:
    return Roster.of(
        Assignment(a.person_id, a.day - SHIFT, a.shift_id, a.post_id) for a in solved_demo().assignments
    )


def store_past_demo(database: Database) -> int:
    """Store the program and roster of last year's block; returns the roster version's id."""
    with database.session() as session:
        source = ProgramRepository(session).save_source(PAST_NAME, past_source(), "last-year.yaml")
        version = RosterRepository(session).add_version(
            source.id,
            past_roster(),
            source=RosterSource.SOLVE,
            status="feasible",
            objective=None,
            bound=None,
            report={},
        )
    return version.id


def resident_on(rotation: str) -> Person:
    """The first resident on `rotation` who works in the block's first week."""
    program, roster = past_program(), past_roster()
    first_week = set(program.block.dates()[:7])
    return next(
        p
        for p in program.people
        if p.grade.is_resident
        and p.rotation == rotation
        and any(a.day in first_week for a in roster.for_person(p.id))
    )
