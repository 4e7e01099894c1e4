"""Each person's roster as an RFC 5545 calendar, one `<person_id>.ics` file per person; or the
whole roster as one calendar, each event named with its person.

Output is reproducible: UIDs derive from the assignment, DTSTAMP is an argument (never the
clock), and times are UTC instants taken from `Timeline`, so DST is handled exactly as the
rules count it and no VTIMEZONE is needed.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path
from urllib.parse import quote

from icalendar import Calendar, Event

from callroom.domain.program import Person, Post, Program
from callroom.domain.roster import Assignment, Roster
from callroom.domain.shifts import ShiftType
from callroom.domain.timeline import Timeline

PRODID = "-//callroom//roster export//EN"
UID_DOMAIN = "callroom"
DASH = "\N{EN DASH}"  # between names; spelled out so nobody mistakes it for "-"


def person_calendar(
    program: Program, roster: Roster, person_id: str, *, stamp: datetime | None = None
) -> Calendar:
    """One person's assignments as VEVENTs; an empty calendar when they have none.

    `stamp` (timezone-aware) becomes every DTSTAMP; it defaults to the block start at 00:00 UTC.
    Raises ValueError for a person, shift or post the program does not know.
    """
    person = _person(program, person_id)
    stamped = _utc_stamp(program, stamp)
    timeline = Timeline(program)
    calendar = Calendar.new(
        prodid=PRODID,
        name=f"{person.name} {DASH} {program.hospital.name}",
        uid=f"{_safe(person.id)}@{UID_DOMAIN}",  # Calendar.new would otherwise pick a random one
    )
    for assignment in roster.for_person(person_id):
        calendar.add_component(_event(program, timeline, assignment, stamped))
    return calendar


def roster_calendar(program: Program, roster: Roster, *, stamp: datetime | None = None) -> Calendar:
    """Everyone's assignments in one calendar (date, then person), each event's summary led by
    the person's name ("Kwame Mensah: Night – The Pit"); `stamp` as for `person_calendar`.
    Raises ValueError for a person, shift or post the program does not know."""
    _check_people(program, roster)
    stamped = _utc_stamp(program, stamp)
    timeline = Timeline(program)
    calendar = Calendar.new(
        prodid=PRODID,
        name=f"{program.hospital.name} {DASH} roster from {program.block.start.isoformat()}",
        uid=f"roster-{program.block.start.isoformat()}@{UID_DOMAIN}",
    )
    ordered = sorted(roster.assignments, key=lambda a: (a.day, a.person_id, a.shift_id, a.post_id))
    for assignment in ordered:
        calendar.add_component(_event(program, timeline, assignment, stamped, named=True))
    return calendar


def write_calendars(
    program: Program, roster: Roster, out_dir: Path, *, stamp: datetime | None = None
) -> list[Path]:
    """Write `<person_id>.ics` for every person in the program (program order) into `out_dir`.

    All calendars are built before any file is written, so bad input (including assignments
    of people the program does not list) leaves nothing behind. Characters unsafe in a file
    name are percent-encoded.
    """
    _check_people(program, roster)
    documents = [
        (out_dir / f"{_safe(p.id)}.ics", person_calendar(program, roster, p.id, stamp=stamp))
        for p in program.people
    ]
    out_dir.mkdir(parents=True, exist_ok=True)
    for path, calendar in documents:
        path.write_bytes(calendar.to_ical())  # bytes: RFC 5545 wants CRLF kept as is
    return [path for path, _ in documents]


def default_stamp(program: Program) -> datetime:
    """The block start at 00:00 UTC: a DTSTAMP that only changes when the block does."""
    return datetime.combine(program.block.start, time(0, 0), tzinfo=UTC)


def _utc_stamp(program: Program, stamp: datetime | None) -> datetime:
    if stamp is None:
        return default_stamp(program)
    if stamp.utcoffset() is None:
        # A naive stamp would be read in the machine's zone, and output would vary by host.
        raise ValueError(f"stamp {stamp.isoformat()} must be timezone-aware")
    return stamp.astimezone(UTC)


def _check_people(program: Program, roster: Roster) -> None:
    # Exporting only the program's people would silently drop everyone else's shifts.
    strangers = sorted(set(roster.by_person) - set(program.person))
    if strangers:
        raise ValueError(f"unknown person {strangers[0]!r}: the roster has shifts for them")


def event_uid(assignment: Assignment) -> str:
    """A UID stable across exports of the same assignment, so calendar apps update in place."""
    parts = (assignment.person_id, assignment.day.isoformat(), assignment.shift_id, assignment.post_id)
    return "-".join(_safe(part) for part in parts) + f"@{UID_DOMAIN}"


def _event(
    program: Program, timeline: Timeline, assignment: Assignment, stamp: datetime, *, named: bool = False
) -> Event:
    """The assignment as an event; `named`: its summary says whose it is (a shared calendar)."""
    shift, post = _shift_and_post(program, assignment)
    interval = timeline.interval(assignment.day, assignment.shift_id)
    summary = f"{shift.name} {DASH} {post.name}"
    return Event.new(
        uid=event_uid(assignment),
        stamp=stamp,
        start=interval.start,
        end=interval.end,
        summary=f"{program.person[assignment.person_id].name}: {summary}" if named else summary,
        location=_service_name(program, post.service_id),
        description=_description(program.person[assignment.person_id], shift.kind.value),
    )


def _description(person: Person, kind: str) -> str:
    return f"Grade: {person.grade.label}\nShift kind: {kind.replace('_', ' ')}"


def _person(program: Program, person_id: str) -> Person:
    person = program.person.get(person_id)
    if person is None:
        raise ValueError(f"unknown person {person_id!r}: not in the program")
    return person


def _shift_and_post(program: Program, assignment: Assignment) -> tuple[ShiftType, Post]:
    shift = program.shift.get(assignment.shift_id)
    post = program.post.get(assignment.post_id)
    if shift is None or post is None:
        missing = "shift" if shift is None else "post"
        raise ValueError(f"{event_uid(assignment)}: unknown {missing} in the program")
    return shift, post


def _service_name(program: Program, service_id: str) -> str:
    # A post may name a service the program does not list; its id is then the best label.
    service = program.service.get(service_id)
    return service.name if service is not None else service_id


def _safe(text: str) -> str:
    """Percent-encode all but unreserved URI characters: injective, so UIDs stay unique."""
    return quote(text, safe="-._~")
