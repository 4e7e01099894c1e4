"""The steps every kind of proposal shares: find the published roster, check a change against
it for everyone it touches, write it as a new roster version, tell the people it moved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from callroom.changes.notify import Notifier, new_shifts_text
from callroom.changes.types import (
    Actor,
    ChangeError,
    Check,
    Kind,
    RulesRefuse,
    WrongState,
    change_json,
    change_of,
)
from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.formats.program_file import parse_program
from callroom.rules import ids
from callroom.rules.change import Change, impact
from callroom.rules.change import ChangeError as EditError
from callroom.rules.penalties import score
from callroom.rules.violations import CoverKey
from callroom.storage import ProgramRepository, RosterRepository, RosterSource, RosterVersionRecord
from callroom.storage.changes_repositories import ProposalRecord

# Parsed program files by the SHA-256 of their text and their path: row ids would collide
# between two databases served by one process (and did, between tests).
_PROGRAMS: dict[tuple[str, str], Program] = {}


@dataclass(frozen=True)
class Context:
    """The published roster: the newest version of a program, with the program itself."""

    name: str
    program: Program
    roster: Roster
    version: RosterVersionRecord


@dataclass(frozen=True)
class Applied:
    program: Program
    before: Roster
    after: Roster
    change: Change
    version: RosterVersionRecord | None


def load_context(session: Session, program_name: str | None) -> Context:
    rosters, programs = RosterRepository(session), ProgramRepository(session)
    record = rosters.newest() if program_name is None else rosters.latest(program_name)
    if record is None:
        raise ChangeError("program", "no published roster" + (f" for {program_name}" if program_name else "")
                          + "; run `callroom solve FILE` first")
    source = programs.get_version(record.program_version_id)
    assert source is not None  # a roster version's program version is a foreign key
    key = (source.sha256, source.source_path)
    if key not in _PROGRAMS:
        _PROGRAMS[key] = parse_program(source.source_text, source.source_path)
    return Context(source.program_name, _PROGRAMS[key], rosters.load_roster(record.id), record)


def check_change(context: Context, record: ProposalRecord) -> Check:
    """The proposal's change against the newest roster; WrongState when it no longer applies.
    A repair's declared shortfalls (the least-bad option the chief was shown) are not refusals."""
    change = change_of(record.payload)
    try:
        found = impact(context.program, context.roster, change)
    except EditError as error:
        raise WrongState("proposal", f"proposal {record.id} no longer fits the roster (version "
                                     f"{context.version.number}): {error.message}") from error
    declared = {CoverKey.from_json(key) for key in record.payload.get("shortfall_keys", ())}
    introduced = tuple(v for v in found.introduced if v.cover is None or v.cover not in declared)
    hard = [v for v in introduced if v.rule.severity is ids.Severity.HARD]
    return Check(record.id, not hard, introduced, found.resolved, context.version.id)


def apply_change(session: Session, context: Context, record: ProposalRecord, actor: Actor, reason: str,
                 now: datetime) -> Applied:
    """Check, then store the changed roster as a new version with the decision in its report."""
    checked = check_change(context, record)
    if not checked.acceptable:
        advice = ("; to grant it anyway, repair the roster for the absence (callroom repair) or "
                  "publish the shift as an open shift") if record.kind == Kind.DAY_OFF else ""
        raise RulesRefuse("proposal", f"proposal {record.id} would break: {checked.refusal}{advice}",
                          [v for v in checked.introduced if v.rule.severity is ids.Severity.HARD])
    change = change_of(record.payload)
    if not change.removed and not change.added:
        return Applied(context.program, context.roster, context.roster, change, None)
    after = change.apply(context.roster)
    report = _report(context.program, after, record, actor, reason, now, change)
    version = RosterRepository(session).add_version(
        context.version.program_version_id, after, source=RosterSource.EDIT, status=f"{record.kind} approved",
        objective=report["total"], bound=None, report=report, parent_id=context.version.id)
    return Applied(context.program, context.roster, after, change, version)


def _report(program: Program, after: Roster, record: ProposalRecord, actor: Actor, reason: str,
            now: datetime, change: Change) -> dict[str, Any]:
    """The penalty report (as a solve stores it) plus the audit: who decided, when and why."""
    report = score(program, after).to_dict()
    report["change"] = {"proposal_id": record.id, "kind": record.kind, "requested_by": record.requester,
                        "colleague": record.colleague, "approved_by": actor.user, "role": actor.role,
                        "approved_at": now.isoformat(), "reason": reason, **change_json(change)}
    return report


def notify_all(notifier: Notifier, applied: Applied) -> tuple[tuple[str, int], ...]:
    """Page each person whose schedule changed with their new shifts; (person, page id) for
    each one reached."""
    if applied.version is None:
        return ()
    reached = []
    for person in sorted(applied.change.people):
        days = [a.day for a in (*applied.change.removed, *applied.change.added) if a.person_id == person]
        text = new_shifts_text(applied.program, applied.before, applied.after, person, days,
                               applied.version.number)
        page_id = notifier.notify(person, text)
        if page_id is not None:
            reached.append((person, page_id))
    return tuple(reached)
