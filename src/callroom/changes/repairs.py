"""A sick-call repair asked for by the chief, turned into a stored proposal's payload."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from callroom.changes.types import ChangeError, WrongState, assignment_json
from callroom.changes.workflow import Context
from callroom.solver.repair.request import Absence, RepairError, RepairLimits, parse_instant
from callroom.solver.repair.staged import RepairOptions, RepairResult, RepairStatus, repair
from callroom.solver.repair.words import as_change, cell


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


def parse_ask(context: Context, ask: RepairAsk) -> tuple[Absence, RepairLimits]:
    program = context.program
    absence = Absence(ask.absent, parse_instant(ask.start, program, "from"),
                      parse_instant(ask.end, program, "to", end=True))
    if (ask.window_from is None) != (ask.window_to is None):
        field = "window_to" if ask.window_to is None else "window_from"
        raise RepairError(field, f"{field}: give both window_from and window_to, or neither")
    window = None if ask.window_from is None or ask.window_to is None else (ask.window_from, ask.window_to)
    return absence, RepairLimits(window, frozenset(ask.only) if ask.only else None)


def run_repair(context: Context, ask: RepairAsk) -> tuple[RepairResult, dict[str, Any]]:
    """Solve the repair; ChangeError naming the field for bad input, WrongState (409) when no
    repair keeps the hard rules within the limits or none was found in the time given."""
    if not 0 < ask.time_limit_s <= 600:
        raise ChangeError("time_limit", "time_limit: between 0 and 600 seconds")
    try:
        absence, limits = parse_ask(context, ask)
        result = repair(context.program, context.roster, absence, limits,
                        RepairOptions(time_limit_s=ask.time_limit_s))
    except RepairError as error:
        raise ChangeError(error.field, error.message) from error
    if result.status is RepairStatus.INFEASIBLE:
        raise WrongState("absent", "no repair keeps every hard rule within the limits given; widen the "
                                   "window or the list of people who may move")
    if result.status is RepairStatus.UNKNOWN:
        raise WrongState("time_limit", "no repair found within the time limit; try a longer one")
    return result, payload(context, ask, result)


def payload(context: Context, ask: RepairAsk, result: RepairResult) -> dict[str, Any]:
    program = context.program
    change = as_change(result.moves)
    return {
        "removed": [assignment_json(a) for a in change.removed],
        "added": [assignment_json(a) for a in change.added],
        "absence": {"person_id": ask.absent, "from": ask.start, "to": ask.end},
        "limits": {"window_from": ask.window_from.isoformat() if ask.window_from else None,
                   "window_to": ask.window_to.isoformat() if ask.window_to else None, "only": list(ask.only)},
        "status": result.status.value, "changes": result.changes, "minimum_proven": result.minimum_proven,
        "moves": [{"person_id": m.person_id, "name": _name(context, m.person_id), "day": m.day.isoformat(),
                   "before": cell(program, m.before), "after": cell(program, m.after),
                   "text": m.describe(program), "reasons": list(m.reasons)} for m in result.moves],
        "shortfalls": [s.describe(program) for s in result.shortfalls],
        "shortfall_keys": [s.key.as_json() for s in result.shortfalls],
        "blockers": list(result.blockers),
    }


def _name(context: Context, person_id: str) -> str:
    person = context.program.person.get(person_id)
    return person.name if person else person_id
