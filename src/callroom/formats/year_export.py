"""A year plan as CSV (person,grade,week_start,rotation,vacation) and as one calendar per
resident (an all-day event per run of weeks on one rotation, and one per vacation run).

Like the roster exports, output is reproducible: UIDs derive from the run, DTSTAMP is the year's
start at 00:00 UTC, never the clock.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import TextIO

from icalendar import Calendar, Event

from callroom.domain.program import Program
from callroom.domain.year import Year, YearPlan

CSV_FIELDS = ("person", "grade", "week_start", "rotation", "vacation")
PRODID = "-//callroom//year plan export//EN"


def write_year_csv(program: Program, plan: YearPlan, out: TextIO) -> None:
    year = _year(program)
    writer = csv.DictWriter(out, CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for placement in plan.placements:
        person = program.person.get(placement.person_id)
        writer.writerow(
            {
                "person": placement.person_id,
                "grade": person.grade.label if person else "",
                "week_start": year.week_start(placement.week).isoformat(),
                "rotation": placement.rotation_id,
                "vacation": "yes" if placement.vacation else "no",
            }
        )


@dataclass(frozen=True)
class Run:
    """Consecutive weeks of one resident on one rotation, vacation or not."""

    person_id: str
    first: int
    last: int
    rotation_id: str
    vacation: bool


def runs(plan: YearPlan, person_id: str) -> list[Run]:
    found: list[Run] = []
    for placement in (p for p in plan.placements if p.person_id == person_id):
        key = (placement.rotation_id, placement.vacation)
        if (
            found
            and (found[-1].rotation_id, found[-1].vacation) == key
            and found[-1].last == placement.week - 1
        ):
            previous = found[-1]
            found[-1] = Run(person_id, previous.first, placement.week, *key)
        else:
            found.append(Run(person_id, placement.week, placement.week, *key))
    return found


def write_year_calendars(program: Program, plan: YearPlan, out_dir: Path) -> list[Path]:
    """`<person_id>.ics` for every resident with a placement, built before any is written."""
    documents = [(out_dir / f"{pid}.ics", year_calendar(program, plan, pid)) for pid in plan.people()]
    out_dir.mkdir(parents=True, exist_ok=True)
    for path, calendar in documents:
        path.write_bytes(calendar.to_ical())
    return [path for path, _ in documents]


def year_calendar(program: Program, plan: YearPlan, person_id: str) -> Calendar:
    """One resident's year: an all-day event per run of weeks on a rotation or on vacation."""
    year = _year(program)
    stamp = datetime.combine(year.start, time(0), UTC)
    name = program.person[person_id].name if person_id in program.person else person_id
    calendar = Calendar.new(
        prodid=PRODID, name=f"{name}: {program.hospital.name} year", uid=f"{person_id}-year@callroom"
    )
    for run in runs(plan, person_id):
        calendar.add_component(_event(year, run, stamp))
    return calendar


def _event(year: Year, run: Run, stamp: datetime) -> Event:
    rotation = year.rotation.get(run.rotation_id)
    title = rotation.name if rotation else run.rotation_id
    event = Event()
    event.add("uid", f"{run.person_id}-{year.week_start(run.first).isoformat()}-{run.rotation_id}@callroom")
    event.add("dtstamp", stamp)
    event.add("summary", f"Vacation (during {title})" if run.vacation else title)
    event.add("dtstart", year.week_start(run.first))
    event.add("dtend", year.week_end(run.last) + timedelta(days=1))  # all-day events end the day after
    return event


def _year(program: Program) -> Year:
    if program.year is None:
        raise ValueError("the program has no academic year")
    return program.year
