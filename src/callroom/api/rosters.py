"""The live roster and edits to it, for the API routes (and any front end above the API).

The live roster is the newest stored roster version (of CALLROOM_PAGING_PROGRAM, or of any
program), as paging uses it. An edit is checked with `callroom.rules.change.impact` (the same
checkers as a solve, on the people it touches plus cover) and saved as a new version whose
parent is the version the edit was made against; the version's report keeps who, when, why and
what (the audit). A save that would break a hard rule is refused unless forced with a reason.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import Request

from callroom.accounts.errors import AccountError, Conflict, NotFound
from callroom.accounts.principal import Principal
from callroom.api.schedule_schemas import CellEdit
from callroom.domain.program import Program
from callroom.domain.roster import Assignment, Roster
from callroom.paging.live import LiveSchedules
from callroom.paging.routing import Schedule
from callroom.rules.change import Change, Impact, impact
from callroom.rules.ids import COVER_MINIMUM, COVER_UNDER
from callroom.rules.penalties import score
from callroom.rules.violations import Violation
from callroom.storage import Database, ProgramRepository, RosterRepository, RosterSource, RosterVersionRecord

LIVE_RECHECK_S = 0.5
STALE = "the roster changed since this edit was made: reload it and edit again"


class HardRulesBroken(AccountError):
    """409: the edit would break hard rules; `violations` names them (with the numbers)."""

    status = 409

    def __init__(self, violations: tuple[Violation, ...]) -> None:
        rules = ", ".join(sorted({v.rule.code for v in violations}))
        super().__init__("force", f"the edit would break {rules}; a chief may save it anyway with "
                                  "force and a reason")
        self.violations = violations
        self.errors = [{"field": v.rule.code, "message": str(v), "person_id": v.person_id or "",
                        "day": "" if v.day is None else v.day.isoformat()} for v in violations]


@dataclass(frozen=True)
class Live:
    schedule: Schedule
    record: RosterVersionRecord
    program_name: str

    @property
    def program(self) -> Program:
        return self.schedule.program

    @property
    def roster(self) -> Roster:
        return self.schedule.roster


def live_schedules(request: Request) -> LiveSchedules:
    """The app's cache of the live schedule (parsed program and roster, per roster version)."""
    live: LiveSchedules | None = getattr(request.app.state, "live", None)
    if live is None:
        live = request.app.state.live = LiveSchedules(request.app.state.settings.paging_program)
    return live


def database_of(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def current_schedule(request: Request) -> Schedule:
    """The live schedule. Which version is newest is asked at most every LIVE_RECHECK_S, so a
    board polling who is on call costs no query per request; an edit saved through this
    process is seen at once (`forget_schedule`), one saved elsewhere within LIVE_RECHECK_S."""
    checked: tuple[Schedule, float] | None = getattr(request.app.state, "live_checked", None)
    if checked is not None and time.monotonic() - checked[1] < LIVE_RECHECK_S:
        return checked[0]
    with database_of(request).reading() as session:
        schedule = live_schedules(request).current(session)
    if schedule is None:
        raise NotFound("roster", "no roster has been saved yet: solve one first (callroom solve)")
    request.app.state.live_checked = (schedule, time.monotonic())
    return schedule


def forget_schedule(request: Request) -> None:
    request.app.state.live_checked = None


def live(request: Request) -> Live:
    schedule = current_schedule(request)
    assert schedule.roster_version_id is not None  # LiveSchedules reads stored versions
    with database_of(request).reading() as session:
        record = RosterRepository(session).get(schedule.roster_version_id)
        assert record is not None
        source = ProgramRepository(session).get_version(record.program_version_id)
        assert source is not None
    return Live(schedule, record, source.program_name)


def versions(database: Database, program_name: str) -> list[RosterVersionRecord]:
    with database.reading() as session:
        return RosterRepository(session).list_versions(program_name)


def version(database: Database, program_name: str, number: int) -> tuple[RosterVersionRecord, Roster]:
    with database.reading() as session:
        rosters = RosterRepository(session)
        record = rosters.by_number(program_name, number)
        if record is None:
            raise NotFound("number", f"{program_name} has no roster version {number}")
        return record, rosters.load_roster(record.id)


def diff(before: Roster, after: Roster) -> tuple[list[Assignment], list[Assignment]]:
    """(removed, added) going from `before` to `after`, each in roster order."""
    old, new = set(before.assignments), set(after.assignments)
    return sorted(old - new), sorted(new - old)


def change_for(program: Program, roster: Roster, edit: CellEdit) -> Change:
    """The change that sets the edited cell; AccountError (422) naming a field it cannot use."""
    person = program.person.get(edit.person_id)
    if person is None:
        raise NotFound("person_id", f"no person {edit.person_id!r} in the program")
    if edit.day not in program.block:
        raise AccountError("day", f"{edit.day} is outside the block ({program.block.start} for "
                                  f"{program.block.days} days)")
    current = roster.on(person.id, edit.day)
    new = _new_assignment(program, edit)
    if new == current:
        raise AccountError("shift_id", "the cell already holds that: nothing to change")
    return Change(removed=() if current is None else (current,), added=() if new is None else (new,))


def _new_assignment(program: Program, edit: CellEdit) -> Assignment | None:
    if edit.shift_id is None and edit.post_id is None:
        return None
    if edit.shift_id is None or edit.post_id is None:
        missing = "shift_id" if edit.shift_id is None else "post_id"
        raise AccountError(missing, "give both shift_id and post_id, or neither (the person is off)")
    post = program.post.get(edit.post_id)
    if post is None:
        raise AccountError("post_id", f"no post {edit.post_id!r} in the program")
    if edit.shift_id not in post.shift_ids:
        raise AccountError("shift_id",
                           f"post {post.id} runs {', '.join(post.shift_ids)}, not {edit.shift_id!r}")
    return Assignment(edit.person_id, edit.day, edit.shift_id, edit.post_id)


def cover_gaps(found: Impact) -> tuple[Violation, ...]:
    return tuple(v for v in found.introduced if v.rule in (COVER_MINIMUM, COVER_UNDER))


def check_edit(current: Live, edit: CellEdit) -> tuple[Change, Impact]:
    if edit.base_version != current.record.number:
        raise Conflict("base_version", f"{STALE} (the live roster is version {current.record.number})")
    change = change_for(current.program, current.roster, edit)
    return change, impact(current.program, current.roster, change)


def save_edit(database: Database, current: Live, edit: CellEdit, caller: Principal, *,
              now: datetime | None = None) -> tuple[Change, Impact, RosterVersionRecord]:
    """Check and save the edit as the next roster version; HardRulesBroken (409) unless it
    breaks no hard rule or is forced with a reason."""
    change, found = check_edit(current, edit)
    if found.hard and not edit.force:
        raise HardRulesBroken(found.hard)
    if edit.force and not edit.reason.strip():
        raise AccountError("reason", "say why, when saving an edit that breaks hard rules")
    audit = edit_audit(EditAuthor(caller.user, caller.role.value, now or datetime.now(UTC), edit.reason),
                       edit.base_version, change, found)
    saved = store_edit(database, current.record, current.program_name, current.program, found, audit)
    return change, found, saved


@dataclass(frozen=True)
class EditAuthor:
    """Who saved an edit, as what, when and why: the audit kept in the version's report."""

    user: str
    role: str
    at: datetime
    reason: str = ""


def store_edit(database: Database, parent: RosterVersionRecord, program_name: str | None, program: Program,
               found: Impact, audit: dict[str, Any]) -> RosterVersionRecord:
    """The edited roster as the version after `parent`, with its penalty report and the audit.
    The one save path for every front end (API and web pages); Conflict (409) and nothing
    written when another version was saved after `parent`."""
    report = score(program, found.after).to_dict() | audit
    with database.session() as session:
        rosters = RosterRepository(session)
        if rosters.newest_id(program_name) != parent.id:
            raise Conflict("base_version", STALE)
        return rosters.add_version(parent.program_version_id, found.after, source=RosterSource.EDIT,
                                   status="edited", objective=report["total"], bound=None, report=report,
                                   parent_id=parent.id)


def edit_audit(author: EditAuthor, base_version: int, change: Change, found: Impact) -> dict[str, Any]:
    def text(a: Assignment) -> dict[str, str]:
        return {"person_id": a.person_id, "day": a.day.isoformat(), "shift_id": a.shift_id,
                "post_id": a.post_id}

    return {"edit": {
        "by": author.user, "role": author.role, "at": author.at.isoformat(), "reason": author.reason.strip(),
        "forced": bool(found.hard), "base_version": base_version,
        "removed": [text(a) for a in change.removed], "added": [text(a) for a in change.added],
        "hard": [str(v) for v in found.hard],
        "introduced": [str(v) for v in found.introduced], "resolved": [str(v) for v in found.resolved],
    }}


def audit_of(record: RosterVersionRecord) -> dict[str, Any] | None:
    found = record.report.get("edit")
    return found if isinstance(found, dict) else None
