"""A roster as CSV: one row per assignment, times as ISO 8601 with the hospital's UTC offset.

Times come from `Timeline`, so DST handling (gap starts move forward, ambiguous starts take the
first occurrence, ambiguous ends the last) matches the rules and the solver to the minute.
"""

from __future__ import annotations

import csv
from datetime import datetime
from typing import TextIO

from callroom.domain.program import Program
from callroom.domain.roster import Assignment, Roster
from callroom.domain.timeline import Timeline

HEADER = ("person", "grade", "date", "shift", "post", "start", "end")


def write_roster_csv(program: Program, roster: Roster, out: TextIO) -> None:
    """Write the header and one row per assignment (date, then person) to `out`.

    Lines end in CRLF, as RFC 4180 and the csv module prefer; open files with newline="".
    """
    writer = csv.DictWriter(out, fieldnames=HEADER)
    writer.writeheader()
    writer.writerows(roster_csv_rows(program, roster))


def roster_csv_rows(program: Program, roster: Roster) -> list[dict[str, str]]:
    """The CSV rows, keyed by header name, ordered by date then person.

    Raises ValueError naming the assignment when it refers to an unknown person or shift.
    """
    timeline = Timeline(program)
    ordered = sorted(roster.assignments, key=lambda a: (a.day, a.person_id, a.shift_id, a.post_id))
    return [_row(program, timeline, assignment) for assignment in ordered]


def _row(program: Program, timeline: Timeline, assignment: Assignment) -> dict[str, str]:
    _check_known(program, assignment)
    interval = timeline.interval(assignment.day, assignment.shift_id)
    return {
        "person": assignment.person_id,
        "grade": program.person[assignment.person_id].grade.label,
        "date": assignment.day.isoformat(),
        "shift": assignment.shift_id,
        "post": assignment.post_id,
        "start": _local_iso(interval.start, timeline),
        "end": _local_iso(interval.end, timeline),
    }


def _check_known(program: Program, assignment: Assignment) -> None:
    # A KeyError deep in Timeline would not say which row is wrong.
    if assignment.person_id not in program.person:
        raise ValueError(f"{_describe(assignment)}: unknown person {assignment.person_id!r}")
    if assignment.shift_id not in program.shift:
        raise ValueError(f"{_describe(assignment)}: unknown shift {assignment.shift_id!r}")


def _describe(assignment: Assignment) -> str:
    return (
        f"assignment {assignment.person_id}/{assignment.day.isoformat()}/"
        f"{assignment.shift_id}/{assignment.post_id}"
    )


def _local_iso(instant: datetime, timeline: Timeline) -> str:
    """The instant on the hospital's wall clock, with the offset in force at that instant."""
    return instant.astimezone(timeline.zone).isoformat(timespec="seconds")
