"""Drafts, publishing and rolling back, as a sequence on SQLite and PostgreSQL with real CP-SAT:
a background solve leaves a draft and the live roster alone; the draft is compared, published
(everyone moved is told which shifts), published again (refused), rolled back (with a reason),
and a draft solved before the roster last changed is refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from callroom.accounts.principal import at_console
from callroom.accounts.roles import Role
from callroom.config import Settings
from callroom.errors import Conflict, Invalid, NotAllowed
from callroom.formats.program_file import load_program
from callroom.rosters.audit import PublishAudit, audit_of
from callroom.rosters.edits import CellEdit
from callroom.rules.ids import COVER_MINIMUM
from callroom.services import Services, open_services
from callroom.solver.run import SolveOptions, solve
from callroom.storage import RosterRepository
from tests.factories import FULL_PROGRAM, future_program_file

CHIEF = at_console("chief", Role.CHIEF)
RESIDENT = at_console("ada", Role.RESIDENT, "ada")
ADMIN = at_console("admin", Role.ADMIN)
BEA = "{id: bea, name: Bea Rook, grade: PGY-3, posts: [gs-day, gs-night]}"


@pytest.fixture
def services(database_url: str, tmp_path: Path) -> Iterator[Services]:
    """The services, with the program these tests solve stored as `small`: its block is still
    to come, so publishing any of its rosters changes no past day."""
    with open_services(Settings(database_url=database_url)) as opened:
        path = future_program_file(tmp_path)
        solution = solve(load_program(path), SolveOptions(5, 2, 0))
        opened.rosters.store_solution("small", path, solution)
        yield opened


def _draft(services: Services, seed: int) -> int:
    """A background solve of the program, run to its end: the draft's version number."""
    job, _ = services.jobs.submit_solve(CHIEF, "small", time_limit_s=5, seed=seed)
    assert services.runner("test").run_once()
    done = services.jobs.get(CHIEF, job.id)
    assert done.result is not None and done.result["draft"], done.error
    return int(done.result["version"])


def _live_number(services: Services) -> int:
    with services.database.reading() as session:
        found = RosterRepository(session).latest("small")
    assert found is not None
    return found.number


def _different_draft(services: Services, live: int) -> int:
    """A draft that differs from the live roster (solves with other seeds until one does)."""
    for seed in range(1, 20):
        number = _draft(services, seed)
        _, _, found = services.rosters.compare("small", number)
        if found.removed:
            return number
        services.publishing.publish(CHIEF, "small", number, "same")  # the same roster: publish, try again
        live = _live_number(services)
    pytest.fail(f"no seed gave a roster different from version {live}")


def test_a_draft_is_compared_published_and_everyone_moved_is_told(services: Services) -> None:
    first = 1  # stored live by the fixture, as `callroom solve --save` does
    draft = _different_draft(services, first)
    assert _live_number(services) < draft  # the draft is not live
    _, base, comparison = services.rosters.compare("small", draft)
    assert base is not None and base.record.number == _live_number(services)
    assert comparison.removed and comparison.added

    published = services.publishing.publish(CHIEF, "small", draft, "the better draft")
    assert _live_number(services) == published.version.number
    assert (
        services.rosters.version(published.version.number, "small").roster
        == services.rosters.version(draft, "small").roster
    )
    assert set(published.changed) == comparison.people
    assert {person for person, _ in published.notified} == comparison.people
    audit = audit_of(published.version)
    assert (
        isinstance(audit, PublishAudit) and audit.from_version == draft and audit.reason == "the better draft"
    )

    with pytest.raises(Invalid, match=f"draft {draft} is published already"):
        services.publishing.publish(CHIEF, "small", draft, "again")


def test_a_roll_back_needs_a_reason_and_makes_the_earlier_roster_live(services: Services) -> None:
    first = 1  # stored live by the fixture, as `callroom solve --save` does
    draft = _different_draft(services, first)
    services.publishing.publish(CHIEF, "small", draft, "newer")
    with pytest.raises(Invalid, match="say why"):
        services.publishing.roll_back(CHIEF, "small", first, " ")
    with pytest.raises(Invalid, match="is a draft"):
        services.publishing.roll_back(CHIEF, "small", draft, "back")
    back = services.publishing.roll_back(CHIEF, "small", first, "the draft broke a promise")
    assert (
        services.rosters.version(back.version.number, "small").roster
        == services.rosters.version(first, "small").roster
    )
    assert back.changed


def test_a_draft_solved_before_the_roster_changed_is_refused(services: Services) -> None:
    first = 1  # stored live by the fixture, as `callroom solve --save` does
    draft = _different_draft(services, first)
    live = services.rosters.version(_live_number(services), "small")
    worked = live.roster.assignments[0]
    edit = CellEdit(worked.person_id, worked.day, None, None, live.record.number, True, "sent home by hand")
    services.rosters.save(CHIEF, edit)
    with pytest.raises(Conflict, match=f"the live roster has changed since draft {draft} was solved"):
        services.publishing.publish(CHIEF, "small", draft, "stale")


def test_only_the_chief_publishes(services: Services) -> None:
    first = 1  # stored live by the fixture, as `callroom solve --save` does
    with pytest.raises(NotAllowed):
        services.publishing.publish(RESIDENT, "small", first, "not mine to publish")


def test_a_draft_of_the_block_holding_today_keeps_the_days_begun_and_can_be_published(
    database_url: str, tmp_path: Path
) -> None:
    """The block (2026-03-02 for 28 days) is live and half worked when Bea's leave on its first
    three days is withdrawn from the program file; the chief solves the block again. The draft keeps
    every day begun as the live roster has it and changes only what is left, so it publishes."""
    today = datetime(2026, 3, 16, 15, 0, tzinfo=UTC)
    full = FULL_PROGRAM.read_text()
    with_leave = tmp_path / "small.yaml"
    with_leave.write_text(full.replace(BEA, BEA[:-1] + ", leave: [{from: 2026-03-02, to: 2026-03-04}]}"))
    with open_services(Settings(database_url=database_url), clock=lambda: today) as services:
        services.rosters.store_solution(
            "small", with_leave, solve(load_program(with_leave), SolveOptions(5, 2, 0))
        )
        services.rosters.replace_program(ADMIN, full, "Bea's leave withdrawn")
        live = services.rosters.version(_live_number(services), "small").roster
        begun = [a for a in live.assignments if a.day <= today.date()]

        draft = _draft(services, seed=0)
        solved = services.rosters.version(draft, "small").roster
        assert [a for a in solved.assignments if a.day <= today.date()] == begun

        published = services.publishing.publish(CHIEF, "small", draft, "the rest of the block re-solved")
        now_live = services.rosters.version(published.version.number, "small").roster
        assert now_live == solved
        assert [a for a in now_live.assignments if a.day <= today.date()] == begun


def test_a_day_worked_short_of_its_cover_is_kept_as_it_was_and_the_rest_is_solved(database_url: str) -> None:
    """A forced edit left a day already worked short of its cover minimum (someone went home
    sick and nobody came). The past cannot be staffed afterwards: a new solve keeps that day as
    it was, asks no cover of it, and solves the days to come."""
    today = datetime(2026, 3, 16, 15, 0, tzinfo=UTC)
    with open_services(Settings(database_url=database_url), clock=lambda: today) as services:
        services.rosters.store_solution(
            "small", FULL_PROGRAM, solve(load_program(FULL_PROGRAM), SolveOptions(5, 2, 0))
        )
        live = services.rosters.version(1, "small")
        worked = next(a for a in live.roster.assignments if a.day < today.date())
        edit = CellEdit(worked.person_id, worked.day, None, None, 1, True, "went home sick, nobody came")
        assert any(v.rule is COVER_MINIMUM for v in services.rosters.save(CHIEF, edit).check.cover_gaps)
        begun = [a for a in services.rosters.version(2, "small").roster.assignments if a.day <= today.date()]

        draft = _draft(services, seed=0)

        solved = services.rosters.version(draft, "small").roster
        assert [a for a in solved.assignments if a.day <= today.date()] == begun
        assert worked not in solved.assignments
