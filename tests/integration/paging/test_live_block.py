"""The live roster is the block holding today, not the newest stored: a chief stores next month's
block ahead of time and the pages still go to this month's team (real database, SQLite and
PostgreSQL, the clock moved by hand)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from callroom.config import Settings
from callroom.domain.program import History
from callroom.domain.roster import Assignment, Roster
from callroom.formats.program_dump import dump_program
from callroom.formats.program_file import parse_program
from callroom.paging.service import PageRequest
from callroom.rules.penalties import score
from callroom.services import Services, build_services
from callroom.solver.run import Solution, Status
from callroom.storage import Database
from callroom.year.derive import block_name
from tests.integration.paging.conftest import ManualClock

ZONE = ZoneInfo("America/New_York")
FIRST = date(2027, 3, 1)  # block 1: 1 to 7 March; block 2: 8 to 14 March
DAYS = 7
BLOCK = """\
hospital: {{name: Seam General, timezone: America/New_York}}
block: {{start: {start}, days: {days}}}
shift_types:
  - {{id: day, start: "07:00", duration: 12h, kind: day}}
  - {{id: night, start: "19:00", duration: 12h, kind: night}}
services:
  - id: gs
    posts:
      - {{id: ward, shifts: [day, night]}}
people:
  - {{id: ada, grade: PGY-1, posts: [ward]}}
  - {{id: ben, grade: PGY-2, posts: [ward]}}
  - {{id: cy, grade: PGY-1, posts: [ward]}}
  - {{id: dee, grade: PGY-2, posts: [ward]}}
rules: {{profile: none}}
"""
TEAMS = {1: ("ada", "ben"), 2: ("cy", "dee")}  # (days, nights) of each block


def block_start(number: int) -> date:
    return FIRST + timedelta(days=DAYS * (number - 1))


def roster_of(number: int) -> Roster:
    days, nights = TEAMS[number]
    start = block_start(number)
    return Roster.of(
        Assignment(person, start + timedelta(days=i), shift, "ward")
        for i in range(DAYS)
        for person, shift in ((days, "day"), (nights, "night"))
    )


def store_block(services: Services, number: int, name: str = "seam") -> None:
    """Store the block as the year service does: its program dumped, the block before it as its
    history, the roster as a solve's."""
    program = parse_program(BLOCK.format(start=block_start(number), days=DAYS), "block.yaml")
    if number > 1:
        history = History(block_start(number - 1), roster_of(number - 1).assignments)
        program = dataclasses.replace(program, history=history)
    roster = roster_of(number)
    solution = Solution(Status.OPTIMAL, roster, 0, 0, 0.1, 0.1, report=score(program, roster))
    services.rosters.store_made(block_name(name, number), dump_program(program), solution)


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZONE).astimezone(UTC)


def page_ward(services: Services) -> tuple[str, ...]:
    sent = services.paging.send(PageRequest("nurse-4", "post:ward", "Bed 12: pain", "x4410"))
    return sent.recipients


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(at(block_start(1) + timedelta(days=3), 10))


@pytest.fixture
def services(database: Database, clock: ManualClock) -> Iterator[Services]:
    settings = Settings(database_url="sqlite://", paging_program="seam")
    yield build_services(settings, database, clock)


def live_block(services: Services) -> str:
    services.rosters.forget()
    return services.rosters.require_live().name


def test_a_block_stored_ahead_of_time_does_not_become_live_before_its_first_day(
    services: Services, clock: ManualClock
) -> None:
    store_block(services, 1)
    store_block(services, 2)

    assert live_block(services) == "seam/block-01"
    assert page_ward(services) == ("ada",)


def test_once_the_date_moves_into_the_next_block_it_is_live(services: Services, clock: ManualClock) -> None:
    store_block(services, 1)
    store_block(services, 2)
    clock.now = at(block_start(2) + timedelta(days=1), 10)

    assert live_block(services) == "seam/block-02"
    assert page_ward(services) == ("cy",)


def test_at_two_in_the_morning_of_a_new_block_the_previous_blocks_night_is_paged(
    services: Services, clock: ManualClock
) -> None:
    store_block(services, 1)
    store_block(services, 2)
    clock.now = at(block_start(2), 2)

    # The new block is live from midnight; block 1's last night runs to 07:00 and is in its history.
    assert live_block(services) == "seam/block-02"
    assert page_ward(services) == ("ben",)
    clock.now = at(block_start(2), 8)
    assert page_ward(services) == ("cy",)


def test_while_no_block_holds_today_the_newest_stored_is_live(services: Services, clock: ManualClock) -> None:
    store_block(services, 1)
    store_block(services, 2)
    clock.now = at(block_start(3) + timedelta(days=1), 10)

    assert live_block(services) == "seam/block-02"


def test_a_block_of_another_year_holding_today_is_not_the_configured_programs(
    services: Services, clock: ManualClock
) -> None:
    store_block(services, 2, name="seam-other")
    store_block(services, 1)
    store_block(services, 2)
    store_block(services, 1, name="seamless")  # a name that only begins like the year's

    assert live_block(services) == "seam/block-01"


def test_with_no_program_configured_the_block_holding_today_among_all_is_live(
    database: Database, clock: ManualClock
) -> None:
    services = build_services(Settings(database_url="sqlite://"), database, clock)
    store_block(services, 1, name="first")
    store_block(services, 2, name="second")

    assert live_block(services) == "first/block-01"
    clock.now = at(block_start(2), 12)
    assert live_block(services) == "second/block-02"


def test_a_block_stored_again_after_the_next_is_not_live_past_its_last_day(
    services: Services, clock: ManualClock
) -> None:
    store_block(services, 1)
    store_block(services, 2)
    store_block(services, 1)  # a later version of block 1 (a re-solve)
    clock.now = at(block_start(2), 12)

    assert live_block(services) == "seam/block-02"
