"""The demo hospital stored with its solved roster (version 1), a change service with real
paging, and a notifier that remembers which page went to whom; and the API served over it, with
a token for everyone on the schedule, the chief, the program director and an admin."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import httpx
import pytest

from callroom.accounts.roles import Role
from callroom.changes.service import ChangeService
from callroom.config import ApiToken, Settings
from callroom.demo import demo_program_path
from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.paging.notices import PagingNotifier
from callroom.paging.service import PagingService
from callroom.rosters.live import LiveSchedules
from callroom.rosters.service import RosterService
from callroom.storage import Database, ProgramRepository, RosterRepository, RosterSource
from tests.integration.api.role_world import client, serve
from tests.principals import ADMIN, CHIEF, DIRECTOR
from tests.repair_world import demo_roster

__all__ = ["CHIEF"]


@dataclass
class Recording:
    """Sends through the real paging service and keeps (person, page id, text)."""

    inner: PagingNotifier
    sent: list[tuple[str, int | None, str]] = field(default_factory=list)

    def notify(self, person_id: str, body: str) -> int | None:
        return self.notify_each([(person_id, body)])[0]

    def notify_each(self, notices: Sequence[tuple[str, str]]) -> list[int | None]:
        page_ids = self.inner.notify_each(notices)
        self.sent += [
            (person, page_id, body) for (person, body), page_id in zip(notices, page_ids, strict=True)
        ]
        return page_ids


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
        RosterRepository(session).add_version(
            source.id,
            roster,
            source=RosterSource.SOLVE,
            status="feasible",
            objective=None,
            bound=None,
            report={},
        )


@pytest.fixture
def world(database: Database) -> World:
    store_demo(database)
    program, roster = demo_roster()
    schedules = LiveSchedules()
    paging = PagingService(database, schedules)
    pages = Recording(PagingNotifier(paging))
    service = ChangeService(database, RosterService(database, schedules), notifier=pages)
    return World(database, program, roster, service, pages, paging)


@dataclass(frozen=True)
class ChangesApi:
    """The API over the world's database; `as_(who)` calls it with `who`'s token."""

    url: str
    world: World

    def as_(self, who: str) -> httpx.Client:
        return client(self.url, _token(who))


def _token(who: str) -> str:
    return f"{who}-token-for-tests-0123456789"


def _tokens(program: Program) -> list[ApiToken]:
    """Everyone on the schedule as a resident or an attending; the chief, director and admin."""
    roles = {p.id: Role.RESIDENT if p.grade.is_resident else Role.ATTENDING for p in program.people}
    roles |= {CHIEF.user: Role.CHIEF, DIRECTOR.user: Role.PROGRAM_DIRECTOR, ADMIN.user: Role.ADMIN}
    return [ApiToken(token=_token(who), user=who, role=role) for who, role in roles.items()]


@pytest.fixture
def changes_api(world: World, database_url: str) -> Iterator[ChangesApi]:
    with serve(Settings(database_url=database_url, api_tokens=_tokens(world.program))) as url:
        yield ChangesApi(url, world)
