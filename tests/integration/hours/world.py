"""A small surgical service in New York for the duty-hours tests: 28 days from Monday
2026-03-02 (the clocks spring forward on Sunday 2026-03-08), with ACGME rules on.

ada (PGY-2) works 12-hour days Monday to Friday and a 24-hour call every Saturday; ben (PGY-3)
takes home call every Sunday (the program counts 2 hours of work from home); dora is an
attending. The clock in these tests stands at 2026-04-15, after the block, so a whole block
can be logged.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from callroom.domain.roster import Assignment, Roster
from callroom.storage import Database, ProgramRepository, RosterRepository, RosterSource

START = date(2026, 3, 2)
NOW = datetime(2026, 4, 15, 12, 0, tzinfo=UTC)
PROGRAM = "hours-general"

WORLD_YAML = f"""\
hospital: {{name: Hours General, timezone: America/New_York}}
block: {{start: {START}, days: 28}}
shift_types:
  - {{id: day, start: "07:00", duration: 12h, kind: day}}
  - {{id: call, start: "07:00", duration: 24h, kind: in_house_call}}
  - {{id: home, start: "17:00", duration: 14h, kind: home_call, counted: 2h}}
services:
  - id: gs
    posts:
      - {{id: ward, shifts: [day, call]}}
      - {{id: backup, shifts: [home]}}
people:
  - {{id: ada, name: Ada Okafor, grade: PGY-2, posts: [ward]}}
  - {{id: ben, name: Ben Sato, grade: PGY-3, posts: [ward, backup]}}
  - {{id: dora, name: Dora Quist, grade: attending, posts: [ward]}}
rules: {{profile: acgme}}
"""


def world_roster() -> Roster:
    items = []
    for offset in range(28):
        day = START + timedelta(days=offset)
        if day.weekday() < 5:
            items.append(Assignment("ada", day, "day", "ward"))
        elif day.weekday() == 5:
            items.append(Assignment("ada", day, "call", "ward"))
        else:
            items.append(Assignment("ben", day, "home", "backup"))
    return Roster.of(items)


def store_world(database: Database) -> int:
    with database.session() as session:
        source = ProgramRepository(session).save_source(PROGRAM, WORLD_YAML, "hours.yaml")
        return (
            RosterRepository(session)
            .add_version(
                source.id,
                world_roster(),
                source=RosterSource.IMPORT,
                status="imported",
                objective=None,
                bound=None,
                report={},
            )
            .id
        )
