"""A stored sick-call repair as the chief reads it: the form's defaults and the typed values made
into a repair ask, and a repair proposal's payload made into words for the page (the absence on
the hospital's wall clock, each move as a row of the diff with the rules behind it, each shift
left uncovered with what stops each colleague taking it).

Everything here is pure: the words come from the payload `changes.repairs.payload` stored with
the proposal (the solver's own explanation, `solver.repair.words`), never worked out again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from callroom.changes.repairs import RepairAsk
from callroom.domain.program import Program
from callroom.errors import Invalid
from callroom.rules import ids

TIME_LIMITS = (10, 30, 60)
ONLY = "only-"  # a checkbox per person who may be moved: `only-<person id>`
FIELDS = ("absent", "from_day", "from_time", "to_day", "to_time", "note", "time_limit")


def defaults(program: Program, now: datetime) -> dict[str, str]:
    """The form's values before anything is typed: from now (the hospital's wall clock) to the
    end of tomorrow; when today is outside the live block, its first two days."""
    local = now.astimezone(ZoneInfo(program.hospital.timezone))
    today = local.date()
    block = program.block
    if today in block:
        first, at = today, local.strftime("%H:%M")
    else:
        first, at = block.start, ""
    last = first + timedelta(days=1)
    return {
        "from_day": first.isoformat(),
        "from_time": at,
        "to_day": last.isoformat(),
        "to_time": "",
        "time_limit": str(TIME_LIMITS[0]),
    }


def ask_of(form: Mapping[str, str]) -> RepairAsk:
    """The repair the form asks for; Invalid naming the form's field for what cannot be read.
    The rest (an unknown person, an end before the start, days outside the block) is the
    change service's to refuse, on the same fields ("absent", "from", "to")."""
    absent = form.get("absent", "").strip()
    if not absent:
        raise Invalid("absent", "choose who is off sick")
    start = _instant(form, "from", "choose the first day of the absence")
    end = _instant(form, "to", "choose the last day of the absence")
    try:
        seconds = int(form.get("time_limit", ""))
    except ValueError:
        seconds = 0
    if seconds not in TIME_LIMITS:
        raise Invalid("time_limit", f"choose how long to search: {', '.join(map(str, TIME_LIMITS))} s")
    only = tuple(sorted(key.removeprefix(ONLY) for key in form if key.startswith(ONLY)))
    return RepairAsk(absent, start, end, only=only, time_limit_s=seconds, note=form.get("note", "").strip())


def form_of(ask: RepairAsk) -> dict[str, str]:
    """The form's values that ask for `ask` (`ask_of` the other way): a sick call taken back to
    its form, after its repair failed or was cancelled."""
    values = {"absent": ask.absent, "note": ask.note, "time_limit": str(round(ask.time_limit_s))}
    for field, typed in (("from", ask.start), ("to", ask.end)):
        day, _, at = typed.partition("T")
        values |= {f"{field}_day": day, f"{field}_time": at[:5]}
    return values | {f"{ONLY}{person_id}": "on" for person_id in ask.only}


def _instant(form: Mapping[str, str], field: str, missing: str) -> str:
    """A day alone (the whole day: its start for "from", its end for "to") or a day and a wall
    time, as the repair reads them (`solver.repair.request.parse_instant`)."""
    day, at = form.get(f"{field}_day", "").strip(), form.get(f"{field}_time", "").strip()
    if not day:
        raise Invalid(field, missing)
    try:
        date.fromisoformat(day)
    except ValueError as error:
        raise Invalid(field, f"{day!r} is not a day (YYYY-MM-DD)") from error
    if not at:
        return day
    try:
        datetime.strptime(at, "%H:%M")
    except ValueError as error:
        raise Invalid(field, f"{at!r} is not a time of day (HH:MM)") from error
    return f"{day}T{at}"


@dataclass(frozen=True)
class Reason:
    """One rule behind a move: the rule's name (with its ACGME citation) and what it says."""

    rule: str
    text: str


@dataclass(frozen=True)
class Row:
    """One changed person-day of the diff: `before` as published, `after` in the repair."""

    day: date
    person_id: str
    name: str
    before: str
    after: str
    reasons: tuple[Reason, ...]

    @property
    def direction(self) -> str:
        """ "off" (comes off a shift), "on" (goes on one) or "moved" (from one to another)."""
        if self.after == "off":
            return "off"
        return "on" if self.before == "off" else "moved"


@dataclass(frozen=True)
class Uncovered:
    """A cover minimum the repair could not meet, why each colleague could not take it, and the
    slot to publish as an open shift."""

    index: int
    text: str
    why_not: tuple[str, ...]
    day: date
    shift_id: str
    post_id: str


def reasons(texts: list[str], absence: str) -> tuple[Reason, ...]:
    """The solver's reasons ("cover.minimum: ...") with each rule's name; its "absent ..." (the
    absent person's own days) as the absence in the page's words, `absence`."""
    found = []
    for text in texts:
        code, sep, said = text.partition(": ")
        rule = ids.BY_CODE.get(code) if sep else None
        found.append(Reason(rule.cited, said) if rule else Reason("Off sick", absence))
    return tuple(found)


def rows(payload: Mapping[str, Any], absence: str) -> list[Row]:
    """The moves by day: on each day, who comes off first, then who goes on."""
    found = [
        Row(
            date.fromisoformat(m["day"]),
            m["person_id"],
            m.get("name", m["person_id"]),
            m["before"],
            m["after"],
            reasons(list(m.get("reasons", ())), absence),
        )
        for m in payload.get("moves", ())
    ]
    order = {"off": 0, "moved": 1, "on": 2}
    return sorted(found, key=lambda r: (r.day, order[r.direction], r.name))


def uncovered(payload: Mapping[str, Any]) -> list[Uncovered]:
    """Each shortfall with its blockers (`solver.repair.words.blockers`: a shortfall's line,
    then its colleagues' lines indented under it)."""
    why: dict[str, list[str]] = {}
    current: list[str] = []
    for line in payload.get("blockers", ()):
        if line.startswith("  "):
            current.append(line.strip())
        else:
            current = why.setdefault(line, [])
    found = []
    for index, (text, key) in enumerate(
        zip(payload.get("shortfalls", ()), payload.get("shortfall_keys", ()), strict=False)
    ):
        day = date.fromisoformat(key["day"])
        found.append(Uncovered(index, text, tuple(why.get(text, ())), day, key["shift_id"], key["post_id"]))
    return found


def span(program: Program, absence: Mapping[str, str]) -> str:
    """The absence as typed, in words on the hospital's wall clock ("from 07:00 on Wed 10 Mar to
    the end of Fri 12 Mar")."""
    zone = ZoneInfo(program.hospital.timezone)
    start, end = _end_words(absence["from"], zone, "the start"), _end_words(absence["to"], zone, "the end")
    return f"from {start} to {end}"


def _end_words(typed: str, zone: ZoneInfo, whole: str) -> str:
    if len(typed) == 10:
        return f"{whole} of {date.fromisoformat(typed):%a %d %b}"
    moment = datetime.fromisoformat(typed)
    if moment.tzinfo is not None:
        return f"{moment.astimezone(zone):%H:%M %Z on %a %d %b}"
    return f"{moment:%H:%M on %a %d %b}"
