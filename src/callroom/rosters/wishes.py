"""What a resident asks for a later block, and how an approved ask reaches the next solve.

A request for dates after the live block is a day-off proposal (`changes`) whose payload says
what is asked (`Ahead`) from its first day (`day`) to its last (`last`): leave and a day off
become approved absences when the chief approves them (`changes.absences`), facts no roster of
the program may break; a preference becomes soft requests (`domain.program.Request`) that a
solve of the program weighs, laid over the program like the absences (`with_wishes`).

Both are kept under the live program's name when approved; for a block of a year, the blocks
that follow read them too (`storage.changes_repositories.of_family`), so leave asked during
block 5 for block 6 is in block 6's program when it is solved.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from callroom.domain.program import Person, Program, Request
from callroom.storage.changes_repositories import ProposalRecord

PREFERENCE_WEIGHT = 5
"""What a refused preference costs the solver: five times a plain request of the program file,
well under a cover target's shortfall, so a preference gives way to cover."""


class Ahead(StrEnum):
    VACATION = "vacation"  # leave, first day to last
    DAY_OFF = "day_off"  # one day off
    PREFER_OFF = "prefer_off"  # rather not work these days
    PREFER_ON = "prefer_on"  # rather work this day
    AVOID = "avoid"  # rather not work this shift on these days ("no nights")


PREFERENCES = (Ahead.PREFER_OFF, Ahead.PREFER_ON, Ahead.AVOID)


def ahead_of(record: ProposalRecord) -> Ahead | None:
    """What a request for a later block asks; None for any other proposal."""
    found = record.payload.get("ahead")
    return Ahead(found) if record.kind == "day_off" and found else None


def days_of(payload: dict[str, Any]) -> list[date]:
    first = date.fromisoformat(payload["day"])
    last = date.fromisoformat(payload.get("last", payload["day"]))
    return [first + timedelta(days=k) for k in range((last - first).days + 1)]


def requests_of(record: ProposalRecord) -> tuple[Request, ...]:
    """The soft requests an approved preference makes (none for leave or a day off)."""
    ahead = ahead_of(record)
    if ahead not in PREFERENCES:
        return ()
    shift = record.payload.get("shift_id") if ahead is Ahead.AVOID else None
    on = ahead is Ahead.PREFER_ON
    return tuple(Request(day, on, PREFERENCE_WEIGHT, shift) for day in days_of(record.payload))


def with_wishes(program: Program, approved: Iterable[ProposalRecord]) -> Program:
    """The program with the approved preferences of its people as requests beside their own."""
    extra: dict[str, list[Request]] = {}
    for record in approved:
        if record.requester in program.person:
            extra.setdefault(record.requester, []).extend(requests_of(record))
    if not any(extra.values()):
        return program
    return dataclasses.replace(program, people=tuple(_wished(p, extra.get(p.id, ())) for p in program.people))


def _wished(person: Person, requests: Iterable[Request]) -> Person:
    more = tuple(requests)
    return dataclasses.replace(person, requests=person.requests + more) if more else person
