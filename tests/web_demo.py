"""The demo hospital for the web tests: its program, a roster solved once per test session
(a short deterministic CP-SAT run), the demo accounts, and edits that the rules accept or refuse.

Edits are found by asking `callroom.rules.change.impact`, the checker the app itself uses, so a
test never hard-codes which cell happens to break a rule in this roster.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import uvicorn
from fastapi import FastAPI

from callroom.accounts.demo import DEMO_ACCOUNTS, DemoAccount, seed_demo_accounts
from callroom.accounts.roles import Role
from callroom.accounts.service import AccountService, AccountSpec
from callroom.demo import demo_program_path
from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.errors import Invalid
from callroom.formats.program_file import load_program
from callroom.rosters.edits import CellEdit, change_for
from callroom.rules.change import give_away, impact, swap
from callroom.solver.run import SolveOptions, solve
from callroom.storage import Database, ProgramRepository, RosterRepository, RosterSource
from callroom.web.schedule import OFF, choices
from tests.principals import admin

DEMO_NAME = "st-elsewhere"
DEMO_ACCOUNTS_BY_NAME = {a.username: a for a in DEMO_ACCOUNTS}


@cache
def demo_program() -> Program:
    return load_program(demo_program_path())


@cache
def solved_demo() -> Roster:
    solution = solve(demo_program(), SolveOptions(time_limit_s=3, workers=1, seed=0))
    assert solution.roster is not None, f"the demo did not solve: {solution.status}"
    return solution.roster


@cache
def colleague() -> DemoAccount:
    """A second resident of the demo resident's grade (a swap needs two), for the tests only:
    the first one with whom the solved roster allows both a swap and an offered shift."""
    resident = next(a for a in DEMO_ACCOUNTS_BY_NAME.values() if a.role is Role.RESIDENT)
    program, roster, me = demo_program(), solved_demo(), resident.person_id or ""
    for other in (p for p in program.people if p.grade is program.person[me].grade and p.id != me):
        try:
            find_swap(program, roster, me, other.id)
            find_offer(program, roster, me, other.id, acceptable=True)
        except AssertionError:
            continue
        return DemoAccount("colleague", "colleague-test-pass", Role.RESIDENT, other.id, other.name)
    raise AssertionError(f"no colleague of {me} can swap or take a shift in the solved demo")


def seed_demo(database: Database) -> tuple[int, list[DemoAccount]]:
    """Store the demo program and its solved roster (version 1); create the demo accounts
    and the colleague. Returns the roster version's id and the sign-ins."""
    path = demo_program_path()
    with database.session() as session:
        text = path.read_text(encoding="utf-8")
        source = ProgramRepository(session).save_source(DEMO_NAME, text, str(path))
        version = RosterRepository(session).add_version(
            source.id,
            solved_demo(),
            source=RosterSource.SOLVE,
            status="feasible",
            objective=None,
            bound=None,
            report={},
        )
    service = AccountService(database)
    accounts = seed_demo_accounts(service)
    extra = colleague()
    service.add_account(
        admin("test"),
        AccountSpec(extra.username, extra.display_name, extra.role, extra.person_id, extra.password),
    )
    return version.id, [*accounts, extra]


# A resident's name as someone might type it into the program file: markup that, inside a
# <script> element, would hide the rest of the page from the browser.
MARKUP_NAME = "Hana Takeda <!--<script>"


def demo_source_with_markup_name() -> str:
    """The demo program file with one resident (Hana Takeda) renamed to MARKUP_NAME."""
    text = demo_program_path().read_text(encoding="utf-8")
    renamed = text.replace("name: Hana Takeda\n", f'name: "{MARKUP_NAME}"\n', 1)
    assert renamed != text
    return renamed


def sign_in_of(sign_ins: list[DemoAccount], username: str) -> DemoAccount:
    return next(s for s in sign_ins if s.username == username)


@dataclass(frozen=True)
class Edit:
    person_id: str
    day: date
    choice: str

    @property
    def cell(self) -> CellEdit:
        if self.choice == OFF:
            return CellEdit(self.person_id, self.day, None, None, base_version=1)
        post, _, shift = self.choice.partition("|")
        return CellEdit(self.person_id, self.day, post, shift, base_version=1)


def _candidates(program: Program, roster: Roster) -> Iterator[Edit]:
    residents = [p for p in program.people if p.grade.is_resident]
    for person in residents:
        for day in program.block.dates()[3:]:
            options = [value for value, _ in choices(program, person.id)]
            for value in options if roster.on(person.id, day) is None else [OFF]:
                yield Edit(person.id, day, value)


def find_edit(program: Program, roster: Roster, *, hard: bool) -> Edit:
    """The first cell edit (in a fixed order) that breaks a hard rule, or that the rules accept."""
    for edit in _candidates(program, roster):
        try:
            change = change_for(program, roster, edit.cell)
        except Invalid:  # the cell already holds that
            continue
        found = impact(program, roster, change)
        if bool(found.hard) == hard:
            return edit
    raise AssertionError(f"no {'hard' if hard else 'acceptable'} edit in the demo roster")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """A real uvicorn server for `app` on a free loopback port, in a thread; its base URL."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=free_port(), log_level="warning", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the web server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def find_offer(program: Program, roster: Roster, giver: str, taker: str, *, acceptable: bool) -> date:
    """A day `giver` works and `taker` does not whose shift, given to `taker`, the rules accept
    (or refuse)."""
    for held in roster.for_person(giver):
        if held.day < program.block.start + timedelta(days=3) or roster.on(taker, held.day) is not None:
            continue
        found = impact(program, roster, give_away(held, taker))
        if found.acceptable == acceptable:
            return held.day
    raise AssertionError(f"no {'acceptable' if acceptable else 'refused'} offer from {giver} to {taker}")


def find_swap(program: Program, roster: Roster, first: str, second: str) -> tuple[date, date]:
    """Days (first's, second's) whose shifts the two could trade with the rules' consent."""
    for mine in roster.for_person(first):
        for theirs in roster.for_person(second):
            if mine.day == theirs.day or roster.on(first, theirs.day) or roster.on(second, mine.day):
                continue
            if impact(program, roster, swap(mine, theirs)).acceptable:
                return mine.day, theirs.day
    raise AssertionError(f"no acceptable swap between {first} and {second}")


def next_block_source() -> str:
    """The demo program file for the four weeks after its block: every date in it moved on by
    the block's length (what the admin loads when the next block is due)."""
    text = demo_program_path().read_text(encoding="utf-8")
    days = demo_program().block.days

    def later(found: re.Match[str]) -> str:
        return (date.fromisoformat(found.group(0)) + timedelta(days=days)).isoformat()

    return re.sub(r"\d{4}-\d{2}-\d{2}", later, text)
