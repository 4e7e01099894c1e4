"""A sick-call repair asked for by the chief, turned into a stored proposal's payload; and, when
the roster has moved on by the time it is approved, the same ask again from that payload."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from callroom.changes.types import Kind, State
from callroom.changes.workflow import check_change
from callroom.domain.absence import AbsenceKind, ApprovedAbsence, wall_span
from callroom.errors import Invalid, NoSolution, OutOfTime
from callroom.rosters.audit import assignment_json, change_of
from callroom.rosters.live import Live
from callroom.solver.repair.request import Absence, RepairError, RepairLimits, check_repair, parse_instant
from callroom.solver.repair.staged import (
    UNWATCHED,
    RepairOptions,
    RepairResult,
    RepairStatus,
    RepairWatch,
    repair,
)
from callroom.solver.repair.words import as_change, cell
from callroom.storage.changes_repositories import ProposalRecord


@dataclass(frozen=True)
class RepairAsk:
    """What the chief asks for, as typed: dates or ISO datetimes (wall clock of the hospital
    when no offset is given); `only` lists the people who may be moved (backup list or
    volunteers; empty: anyone)."""

    absent: str
    start: str
    end: str
    window_from: date | None = None
    window_to: date | None = None
    only: tuple[str, ...] = ()
    time_limit_s: float = 10.0
    note: str = ""


@dataclass(frozen=True)
class SolvedRepair:
    """A repair solved on `live` for `ask` and not yet stored: `payload` is what the proposal
    will carry. A background job stores it in the transaction that finishes the job."""

    live: Live
    ask: RepairAsk
    result: RepairResult
    payload: dict[str, Any]


def parse_ask(live: Live, ask: RepairAsk) -> tuple[Absence, RepairLimits]:
    program = live.program
    absence = Absence(
        ask.absent, parse_instant(ask.start, program, "from"), parse_instant(ask.end, program, "to", end=True)
    )
    if (ask.window_from is None) != (ask.window_to is None):
        field = "window_to" if ask.window_to is None else "window_from"
        raise RepairError(field, "give both window_from and window_to, or neither")
    window = None if ask.window_from is None or ask.window_to is None else (ask.window_from, ask.window_to)
    return absence, RepairLimits(window, frozenset(ask.only) if ask.only else None)


def checked_ask(live: Live, ask: RepairAsk) -> tuple[Absence, RepairLimits]:
    """The ask read and checked against the live program before any solving: Invalid naming
    the field for anything that makes no sense (so a background repair is refused before it is
    queued)."""
    if not 0 < ask.time_limit_s <= 600:
        raise Invalid("time_limit", "between 0 and 600 seconds")
    absence, limits = parse_ask(live, ask)
    check_repair(live.program, absence, limits)
    return absence, limits


def run_repair(
    live: Live, ask: RepairAsk, watch: RepairWatch = UNWATCHED
) -> tuple[RepairResult, dict[str, Any]]:
    """Solve the repair; Invalid naming the field for bad input, NoSolution when no repair keeps
    the hard rules within the limits, OutOfTime when none was found in the time given."""
    absence, limits = checked_ask(live, ask)
    options = RepairOptions(time_limit_s=ask.time_limit_s)
    result = repair(live.program, live.roster, absence, limits, options, watch)
    if result.status is RepairStatus.INFEASIBLE:
        raise NoSolution(
            "absent",
            "no repair keeps every hard rule within the limits given; widen the "
            "window or the list of people who may move",
        )
    if result.status is RepairStatus.UNKNOWN:
        raise OutOfTime("time_limit", "no repair found within the time limit; try a longer one")
    return result, payload(live, ask, result)


def payload(live: Live, ask: RepairAsk, result: RepairResult) -> dict[str, Any]:
    program = live.program
    change = as_change(result.moves)
    return {
        "removed": [assignment_json(a) for a in change.removed],
        "added": [assignment_json(a) for a in change.added],
        "absence": {"person_id": ask.absent, "from": ask.start, "to": ask.end},
        "limits": {
            "window_from": ask.window_from.isoformat() if ask.window_from else None,
            "window_to": ask.window_to.isoformat() if ask.window_to else None,
            "only": list(ask.only),
            "time_limit_s": ask.time_limit_s,
        },
        "status": result.status.value,
        "changes": result.changes,
        "minimum_proven": result.minimum_proven,
        "moves": [
            {
                "person_id": m.person_id,
                "name": _name(live, m.person_id),
                "day": m.day.isoformat(),
                "before": cell(program, m.before),
                "after": cell(program, m.after),
                "text": m.describe(program),
                "reasons": list(m.reasons),
            }
            for m in result.moves
        ],
        "shortfalls": [s.describe(program) for s in result.shortfalls],
        "shortfall_keys": [s.key.as_json() for s in result.shortfalls],
        "blockers": list(result.blockers),
    }


def _name(live: Live, person_id: str) -> str:
    person = live.program.person.get(person_id)
    return person.name if person else person_id


def ask_of(record: ProposalRecord) -> RepairAsk:
    """The ask a stored repair was made for: its absence and limits as the chief typed them."""
    absence, limits = record.payload["absence"], record.payload["limits"]
    return RepairAsk(
        absence["person_id"],
        absence["from"],
        absence["to"],
        _day(limits["window_from"]),
        _day(limits["window_to"]),
        tuple(limits["only"]),
        float(limits.get("time_limit_s", RepairAsk.time_limit_s)),
        record.note,
    )


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def moved_on(live: Live, record: ProposalRecord) -> bool:
    """Whether the repair must be made again before it is approved: the roster has a newer
    version than the one it was made on, or it no longer passes the check on this one (an
    absence approved since, without a new version)."""
    return live.record.id != record.base_version_id or not check_change(live, record).acceptable


def same_change(stored: dict[str, Any], fresh: dict[str, Any]) -> bool:
    """Whether two repair payloads take off and put on the same assignments."""
    first, second = change_of(stored), change_of(fresh)
    return set(first.removed) == set(second.removed) and set(first.added) == set(second.added)


def already_off(live: Live, absence: Absence, but: int | None = None) -> ApprovedAbsence | None:
    """The approved absence (granted by any proposal but `but`) that already keeps the person
    off for all of `absence`: nothing is left to repair for it."""
    return next(
        (
            a
            for a in live.program.absences
            if a.person_id == absence.person_id
            and a.start <= absence.start
            and absence.end <= a.end
            and (but is None or a.proposal_id != but)
        ),
        None,
    )


def off_text(live: Live, off: ApprovedAbsence, version: int | None) -> str:
    """ "Umar Farouk is already off sick 10–12 Mar, approved in version 4": why a sick call
    for that absence is not repaired again."""
    what = "off sick" if off.kind is AbsenceKind.SICK else "off"
    span = wall_span(off.start, off.end, ZoneInfo(live.program.hospital.timezone))
    approved = f"in version {version}" if version is not None else f"with proposal #{off.proposal_id}"
    return f"{_name(live, off.person_id)} is already {what} {span}, approved {approved}"


def pending_twin(live: Live, absence: Absence, pending: list[ProposalRecord]) -> ProposalRecord | None:
    """The sick call's repair awaiting approval (among `pending`) for the same person and times
    (as instants, however they were typed); a repair made for a day off is not a sick call's."""
    for record in pending:
        if record.kind != Kind.REPAIR or record.state != State.ACCEPTED:
            continue
        if "day_off_proposal" in record.payload:
            continue
        typed = record.payload.get("absence")
        if typed is None or typed["person_id"] != absence.person_id:
            continue
        try:
            stored, _ = parse_ask(live, ask_of(record))
        except RepairError:
            continue  # a stored ask the program no longer reads is no twin
        if (stored.start, stored.end) == (absence.start, absence.end):
            return record
    return None


def changes_nothing(payload: dict[str, Any]) -> bool:
    """Whether a repair takes nobody off a shift and puts nobody on one."""
    change = change_of(payload)
    return not change.removed and not change.added
