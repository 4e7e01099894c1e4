"""The absence a proposal grants when the chief approves it, and its storing.

A repair grants its absence (a sick call; a day off when it was made for one), a day off its day
(local midnight to midnight), leave asked for a later block its days (see `changes.ahead`).
Approval checks the change with that absence in the program, so
it is refused while the person would still hold a shift that overlaps it, and stores the
absence in the approval's transaction: from then on the live program carries it
(`rosters.live`), and every later solve, repair, swap and open shift keeps the person off.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from callroom.accounts.principal import Principal
from callroom.changes.types import Kind
from callroom.domain.absence import AbsenceKind, ApprovedAbsence
from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.rosters.live import Live
from callroom.rules.absences import check_absences
from callroom.rules.context import CheckContext
from callroom.rules.violations import Violation
from callroom.solver.repair.request import parse_instant
from callroom.storage.changes_repositories import AbsenceRepository, NewAbsence, ProposalRecord

LEAVE = ("day_off", "vacation")
"""What a request for a later block grants as an absence (a preference grants none: it is a
soft request the next solve weighs, see `rosters.wishes`)."""


def granted_absence(program: Program, record: ProposalRecord) -> ApprovedAbsence | None:
    """What approving `record` grants: a repair's absence or a day off's day; None for a swap,
    an offered shift or an open shift (and for a repair payload written without its absence,
    which only hand-made ones are)."""
    if record.kind == Kind.REPAIR and "absence" in record.payload:
        typed = record.payload["absence"]
        kind = AbsenceKind.DAY_OFF if "day_off_proposal" in record.payload else AbsenceKind.SICK
        start = parse_instant(typed["from"], program, "from")
        end = parse_instant(typed["to"], program, "to", end=True)
        return ApprovedAbsence(typed["person_id"], start, end, kind, record.id, Kind.REPAIR)
    if record.kind == Kind.DAY_OFF and record.payload.get("ahead", "day_off") in LEAVE:
        # A day off, or leave asked for a later block: its first day to its last, both whole.
        first = record.payload["day"]
        last = record.payload.get("last", first)
        return ApprovedAbsence(
            record.requester,
            parse_instant(first, program, "day"),
            parse_instant(last, program, "last", end=True),
            AbsenceKind.DAY_OFF,
            record.id,
            Kind.DAY_OFF,
        )
    return None


def with_granted(program: Program, record: ProposalRecord) -> Program:
    """The program as it will be once `record` is approved: with the absence it grants."""
    granted = granted_absence(program, record)
    return program if granted is None else program.with_absences((*program.absences, granted))


def still_held(program: Program, after: Roster, record: ProposalRecord) -> tuple[Violation, ...]:
    """The shifts the person would still hold in `after` that overlap the absence `record`
    grants, as violations naming it (none for proposals that grant no absence)."""
    granted = granted_absence(program, record)
    if granted is None:
        return ()
    alone = program.with_absences((granted,))
    return tuple(check_absences(CheckContext(alone, after, scope=frozenset({granted.person_id}))))


def store_granted(
    session: Session, live: Live, record: ProposalRecord, caller: Principal, now: datetime
) -> ApprovedAbsence | None:
    """Store the absence `record` grants, in the caller's (the approval's) transaction."""
    granted = granted_absence(live.program, record)
    if granted is not None:
        AbsenceRepository(session).add(NewAbsence(live.name, granted, caller.identity, now))
    return granted
