"""The demo hospital stored with its solved roster (version 1), a change service with real
paging, and a notifier that remembers which page went to whom."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from callroom.changes.notify import PagingNotifier
from callroom.changes.service import ChangeService
from callroom.demo import demo_program_path
from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.paging.service import PagingService
from callroom.rosters.live import LiveSchedules
from callroom.rosters.service import RosterService
from callroom.storage import Database, ProgramRepository, RosterRepository, RosterSource
from tests.principals import CHIEF
from tests.repair_world import demo_roster

__all__ = ["CHIEF"]


@dataclass
class Recording:
    """Sends through the real paging service and keeps (person, page id, text)."""

    inner: PagingNotifier
    sent: list[tuple[str, int | None, str]] = field(default_factory=list)

    def notify(self, person_id: str, body: str) -> int | None:
        page_id = self.inner.notify(person_id, body)
        self.sent.append((person_id, page_id, body))
        return page_id


@dataclass
class World:
    database: Database
    program: Program
    roster: Roster
    service: ChangeService
    pages: Recording
    paging: PagingService


def store_demo(database: Database) -> None:
    _, roster = demo_roster()
    path = demo_program_path()
    text = path.read_text(encoding="utf-8")
    with database.session() as session:
        source = ProgramRepository(session).save_source("st-elsewhere", text, str(path))
        RosterRepository(session).add_version(source.id, roster, source=RosterSource.SOLVE, status="feasible",
                                              objective=None, bound=None, report={})


@pytest.fixture
def world(database: Database) -> World:
    store_demo(database)
    program, roster = demo_roster()
    schedules = LiveSchedules()
    paging = PagingService(database, schedules)
    pages = Recording(PagingNotifier(paging))
    service = ChangeService(database, RosterService(database, schedules), notifier=pages)
    return World(database, program, roster, service, pages, paging)
