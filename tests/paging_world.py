"""A small hospital for paging tests and the paging benchmark, around today's real date.

Integration tests, the crash test and bench/paging.py run real workers on the real clock, so the
roster must cover "now": the block starts yesterday and everyone on it works an all-day shift
(00:00 to 24:00 UTC) every day. ACGME rules are off here (the transition protection has its
own unit tests with frozen time), so nobody is ever in transition.

Posts: `ward` (held by the residents listed for it), `backup` (the senior on call), `attending`
(the attending on call) and `vacant` (held by nobody: pages to it go to the fallback).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from callroom.domain.roster import Assignment, Roster
from callroom.storage import Database, ProgramRepository, RosterRepository, RosterSource

WARD = ("ada", "ben")  # PGY-1 and PGY-2: a role page to the ward reaches ada, the most junior
BACKUP = ("cy",)  # PGY-3
ATTENDING = ("dora",)
OFF_DUTY = ("eve",)  # a PGY-2 who lists the ward but works no shift: off duty all block
ON_LEAVE = ("fay",)  # on leave for the whole block
GRADES = {"ada": "PGY-1", "ben": "PGY-2", "cy": "PGY-3", "dora": "attending", "eve": "PGY-2", "fay": "PGY-2"}

DEFAULT_PAGING = """\
paging:
  policies:
    - for: ward
      wait: {wait}
      steps:
        - {{target: post:backup/senior, wait: {wait}}}
        - {{target: post:attending, wait: {wait}}}
      fallback: [operators]
    - {{for: vacant, wait: {wait}, steps: [{{target: post:backup, wait: {wait}}}]}}
  groups:
    - {{id: code-team, name: Code team, members: [team:ward, post:backup, post:attending]}}
  coverage:
    - {{post: ward, by: post:backup}}
  contacts:
    email_domain: paging.test
    rules: [{{via: inapp}}]
    people:
      - person: cy
        phone: "+1-555-0103"
        rules: [{{via: inapp}}, {{via: webhook}}, {{via: email, after: 1m}}]
      - {{person: dora, rules: [{{via: inapp}}, {{via: email}}]}}
"""


@dataclass
class ManualClock:
    """Time stands still until the test (or the bench) moves it: escalations happen when it says so."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def today() -> date:
    return datetime.now(UTC).date()


def world_yaml(
    start: date | None = None,
    *,
    days: int = 4,
    wait: str = "5m",
    paging: str = DEFAULT_PAGING,
    crowd: int = 0,
) -> str:
    """The hospital's program file; with `crowd`, that many more staff (see `crowd_paging`)."""
    start = start or today() - timedelta(days=1)
    people = "\n".join(
        f"  - {{id: {pid}, grade: {grade}, posts: [{_posts(pid)}]"
        + (f", leave: [{{from: {start}, to: {start + timedelta(days=days - 1)}}}]" if pid in ON_LEAVE else "")
        + "}"
        for pid, grade in GRADES.items()
    )
    people += "".join(f"\n  - {{id: {pid}, name: {name}, grade: PGY-1}}" for pid, name in crowd_people(crowd))
    return f"""\
hospital: {{name: Paging General, timezone: UTC}}
block: {{start: {start}, days: {days}}}
shift_types:
  - {{id: allday, start: "00:00", duration: 24h, kind: day}}
services:
  - id: gs
    posts:
      - {{id: ward, shifts: [allday]}}
      - {{id: backup, shifts: [allday], grades: PGY-3+}}
      - {{id: attending, shifts: [allday], grades: attending}}
      - {{id: vacant, shifts: [allday]}}
people:
{people}
rules: {{profile: none}}
{paging.format(wait=wait)}"""


LATE_INAPP = """\
paging:
  contacts:
    rules: [{{via: inapp, after: 1m}}]
"""
"""Everyone is paged in the app a minute after the page, unless they have seen it by then."""


def crowd_people(size: int) -> list[tuple[str, str]]:
    """The crowd's ids and names: staff who hold no post, so only a group reaches all of them."""
    return [(f"staff-{n:04d}", f"Staff {n:04d}") for n in range(1, size + 1)]


def crowd_paging(size: int) -> str:
    """A paging section (for `world_yaml(paging=..., crowd=size)`) whose group `everyone` lists
    the whole crowd by name, everyone paged in the app only."""
    members = "".join(f"\n        - person:{pid}" for pid, _ in crowd_people(size))
    return f"""\
paging:
  groups:
    - id: everyone
      name: Everyone
      members:{members}
  contacts:
    rules: [{{{{via: inapp}}}}]
"""


def _posts(person_id: str) -> str:
    if person_id in BACKUP:
        return "backup"
    return "attending" if person_id in ATTENDING else "ward"


def world_roster(
    start: date | None = None, days: int = 4, posts: Mapping[str, Iterable[str]] | None = None
) -> Roster:
    start = start or today() - timedelta(days=1)
    holders = posts or {"ward": WARD, "backup": BACKUP, "attending": ATTENDING}
    return Roster.of(
        Assignment(person, start + timedelta(days=i), "allday", post)
        for post, people in holders.items()
        for person in people
        for i in range(days)
    )


def store_world(database: Database, text: str | None = None, roster: Roster | None = None) -> int:
    """Store the program text and a roster of it; the roster version's id."""
    with database.session() as session:
        source = ProgramRepository(session).save_source("paging-general", text or world_yaml(), "world.yaml")
        return (
            RosterRepository(session)
            .add_version(
                source.id,
                roster or world_roster(),
                source=RosterSource.IMPORT,
                status="imported",
                objective=None,
                bound=None,
                report={},
            )
            .id
        )
