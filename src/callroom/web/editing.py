"""The chief's cell edit: what a cell would become, what the rules say, and saving it.

Every answer about rules comes from `callroom.rules.change.impact`, the same checks a solve is
held to. Saving writes a new roster version whose parent is the version the chief was looking
at, with who, when and what in its report (the audit); if someone saved another version in the
meantime, the save is refused rather than overwriting their work.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from callroom.accounts.errors import Conflict
from callroom.api import rosters
from callroom.api.rosters import cover_gaps as cover_gaps
from callroom.domain.program import Program
from callroom.domain.roster import Assignment, Roster
from callroom.rules.change import Change, Impact, impact
from callroom.rules.ids import COVER_MINIMUM, COVER_UNDER, Severity
from callroom.rules.violations import Violation
from callroom.storage import Database, RosterVersionRecord

OFF = "off"
STALE = "the roster changed since you opened it: reload and edit again"


class FieldError(ValueError):
    """A form value that cannot be used; `field` is the form field it belongs next to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class StaleVersion(FieldError):
    """The roster changed since the form was opened."""


class HardRule(Exception):
    """Saving would break a hard rule; the impact says which."""

    def __init__(self, found: Impact) -> None:
        super().__init__("the edit breaks a hard rule")
        self.impact = found


@dataclass(frozen=True)
class CellEdit:
    person_id: str
    day: date
    post_id: str | None  # None: the person works nothing that day
    shift_id: str | None


def choices(program: Program, person_id: str) -> list[tuple[str, str]]:
    """(value, label) for the cell's select: off, then every post and shift the person may work."""
    person = program.person[person_id]
    found = [(OFF, "Off (no shift)")]
    for post_id, shift_id in program.options(person):
        found.append((f"{post_id}|{shift_id}",
                      f"{program.shift[shift_id].name} · {program.post[post_id].name}"))
    return found


def parse_edit(program: Program, form: Mapping[str, str]) -> CellEdit:
    """The edit a submitted form asks for; FieldError naming the field otherwise."""
    person_id = form.get("person", "")
    if person_id not in program.person:
        raise FieldError("person", f"no person {person_id!r} in this program")
    try:
        day = date.fromisoformat(form.get("day", ""))
    except ValueError as error:
        raise FieldError("day", "the day must be a date like 2027-03-01") from error
    if day not in program.block:
        raise FieldError("day", f"{day} is outside the block ({program.block.start} to {program.block.end})")
    choice = form.get("choice", "")
    if choice == OFF:
        return CellEdit(person_id, day, None, None)
    if choice not in dict(choices(program, person_id)):
        name = program.person[person_id].name
        raise FieldError("choice", f"choose off, or a post and shift {name} may work")
    post_id, shift_id = choice.split("|", 1)
    return CellEdit(person_id, day, post_id, shift_id)


def change_of(roster: Roster, edit: CellEdit) -> Change:
    before = roster.on(edit.person_id, edit.day)
    removed = (before,) if before is not None else ()
    added = () if edit.post_id is None or edit.shift_id is None else (
        Assignment(edit.person_id, edit.day, edit.shift_id, edit.post_id),)
    if removed and added and removed[0] == added[0]:
        return Change()
    return Change(removed, added)


def rule_breaks(found: Impact) -> tuple[Violation, ...]:
    """The introduced violations other than cover, hard and advisory ones first."""
    return tuple(v for v in found.introduced if v.rule not in (COVER_MINIMUM, COVER_UNDER))


def is_hard(violation: Violation) -> bool:
    return violation.rule.severity is Severity.HARD


def check(program: Program, roster: Roster, edit: CellEdit) -> Impact:
    return impact(program, roster, change_of(roster, edit))


@dataclass(frozen=True)
class SaveRequest:
    parent: RosterVersionRecord
    edit: CellEdit
    by: str
    role: str
    at: datetime
    program_name: str | None  # the live program (None: the newest roster of any program)


def save(database: Database, program: Program, roster: Roster, request: SaveRequest) -> RosterVersionRecord:
    """Store the edited roster as a new version through the API's save path (the same audit and
    penalty report); HardRule or StaleVersion and nothing written."""
    change = change_of(roster, request.edit)
    found = impact(program, roster, change)
    if not found.acceptable:
        raise HardRule(found)
    audit = rosters.edit_audit(rosters.EditAuthor(request.by, request.role, request.at),
                               request.parent.number, change, found)
    try:
        return rosters.store_edit(database, request.parent, request.program_name, program, found, audit)
    except Conflict as stale:
        raise StaleVersion("version", STALE) from stale


def assignment_text(a: Mapping[str, str]) -> str:
    return f"{a.get('person_id')} {a.get('day')} {a.get('shift_id')}@{a.get('post_id')}"


def audit_line(version: RosterVersionRecord) -> str:
    """One line saying how a roster version came to be, from the audit in its report."""
    edit, change = version.report.get("edit"), version.report.get("change")
    if isinstance(edit, dict):
        moves = "; ".join([*(f"off {assignment_text(t)}" for t in edit.get("removed", ())),
                           *(f"on {assignment_text(t)}" for t in edit.get("added", ()))])
        return f"cell edit by {edit.get('by')}: {moves}"
    if isinstance(change, dict):
        return (f"{change.get('kind')} #{change.get('proposal_id')} asked by {change.get('requested_by')}, "
                f"approved by {change.get('approved_by')}")
    return f"{version.source.value} ({version.status})"
