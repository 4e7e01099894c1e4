"""Requests for the next block: leave (first day to last), a day off, or a preference ("rather
not work these days", "rather work this day", "no nights on these days"), for dates after the
live block. Each is a day-off proposal waiting for the chief (`rosters.wishes` says what its
payload holds and how an approved one reaches the next solve); here: reading what was typed,
and saying a request in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from callroom.domain.program import Program
from callroom.errors import Invalid
from callroom.rosters.wishes import Ahead

LONGEST = 28  # days: longer leave is planned with the year (vacation weeks), not asked here
FURTHEST = 366  # days after the live block: a request is for the blocks in sight
SINGLE = (Ahead.DAY_OFF, Ahead.PREFER_ON)


@dataclass(frozen=True)
class AheadAsk:
    """What a resident asks for a later block: `what`, from `first` to `last` (one day for a
    day off or a day they would rather work), and for `avoid` the shift they would rather not."""

    what: Ahead
    first: date
    last: date
    shift_id: str | None = None
    note: str = ""


def payload_of(program: Program, ask: AheadAsk) -> dict[str, Any]:
    """The proposal's payload; Invalid naming the field that cannot be used."""
    after = program.block.end
    if ask.first <= after:
        raise Invalid(
            "first",
            f"choose a day after the live block, which ends {after:%a %d %b %Y}: "
            "days inside it are asked for above (a day off, an offer or a swap)",
        )
    if ask.first > after + timedelta(days=FURTHEST):
        raise Invalid("first", f"choose a day within a year of {after:%d %b %Y}")
    last = ask.first if ask.what in SINGLE else ask.last
    if last < ask.first:
        raise Invalid("last", "the last day comes before the first")
    if (last - ask.first).days + 1 > LONGEST:
        raise Invalid("last", f"at most {LONGEST} days at a time: ask again for the rest")
    payload: dict[str, Any] = {
        "removed": [],
        "added": [],
        "ahead": ask.what.value,
        "day": ask.first.isoformat(),
        "last": last.isoformat(),
    }
    if ask.what is Ahead.AVOID:
        if ask.shift_id not in program.shift:
            raise Invalid("shift", "choose the shift you would rather not work")
        payload["shift_id"] = ask.shift_id
    return payload


def span(payload: dict[str, Any]) -> str:
    """ "Mon 05 Apr" or "Mon 05 Apr to Sun 11 Apr"."""
    first = date.fromisoformat(payload["day"])
    last = date.fromisoformat(payload.get("last", payload["day"]))
    return f"{first:%a %d %b}" if last == first else f"{first:%a %d %b} to {last:%a %d %b}"


def ahead_words(program: Program, payload: dict[str, Any]) -> str:
    """The request in words: "Vacation, Mon 05 Apr to Sun 11 Apr", "No Night shifts, ..."."""
    what = Ahead(payload["ahead"])
    if what is Ahead.AVOID:
        shift = program.shift.get(payload.get("shift_id", ""))
        head = f"No {shift.name if shift else payload.get('shift_id')} shifts"
    else:
        head = WORDS[what]
    return f"{head}, {span(payload)}"


WORDS = {
    Ahead.VACATION: "Vacation",
    Ahead.DAY_OFF: "Day off",
    Ahead.PREFER_OFF: "Rather not work",
    Ahead.PREFER_ON: "Rather work",
    Ahead.AVOID: "No shift of a kind",
}
