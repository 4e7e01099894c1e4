"""What the OR-schedule importers share (`or_cases_csv`, `or_fhir`): the imported day, finding the
program's people and services by id or name, deterministic case ids, and the checks across
cases (one room, one case at a time; one MRN, one patient).

A case's id is `{day}/{room}/{HH:MM}` (the local start), and a patient's key is `mrn:{MRN}`, so
importing the same schedule twice gives the same ids and keys: a re-import replaces, it does not
add. Each importer locates its own problems (CSV: line and column; FHIR: entry and element);
the checks here answer with the position of the case in the list they were given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from callroom.domain.grades import Grade
from callroom.domain.operating import OrCase, Patient
from callroom.domain.program import Person, Program, Service

MAX_MINUTES = 24 * 60
"""A booking longer than a day is a typing error, not an operation."""


@dataclass(frozen=True)
class ImportedDay:
    """A day's OR schedule as read from a file: its cases (by room, then start) and the patients
    they name (each once)."""

    day: date
    cases: tuple[OrCase, ...]
    patients: tuple[Patient, ...]


def case_id(day: date, room: str, start: datetime, zone: ZoneInfo) -> str:
    """The case's stable id: day, room and local start time."""
    return f"{day.isoformat()}/{room}/{start.astimezone(zone):%H:%M}"


def patient_key(mrn: str) -> str:
    return f"mrn:{mrn}"


class ProgramLookup:
    """The program's people and services, found by id or by name (any case)."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self._names: dict[str, list[Person]] = {}
        for person in program.people:
            self._names.setdefault(person.name.casefold(), []).append(person)

    def person(self, text: str) -> tuple[Person | None, str | None]:
        """The person `text` names, or None and why not."""
        found = self.program.person.get(text)
        if found is not None:
            return found, None
        named = self._names.get(text.casefold(), [])
        if len(named) == 1:
            return named[0], None
        if named:
            ids = ", ".join(p.id for p in named)
            return None, f"{len(named)} people are called {text}: give the id ({ids})"
        return None, f"nobody in the program is called {text!r} or has that id"

    def attending(self, text: str) -> tuple[str | None, str | None]:
        """The attending's id, or None and why not."""
        person, why = self.person(text)
        if person is None:
            return None, why
        if person.grade is not Grade.ATTENDING:
            return None, f"{person.name} is a {person.grade.label}, not an attending"
        return person.id, None

    def service(self, text: str) -> tuple[Service | None, str | None]:
        wanted = text.casefold()
        for service in self.program.services:
            if service.id == text or service.name.casefold() == wanted:
                return service, None
        known = ", ".join(s.id for s in self.program.services)
        return None, f"no service {text!r} in the program (its services: {known})"

    def services_of(self, person_id: str) -> frozenset[str]:
        """The services whose posts a person lists: an attending's services."""
        person = self.program.person.get(person_id)
        if person is None:
            return frozenset()
        return frozenset(self.program.post[p].service_id for p in person.post_ids if p in self.program.post)


def overlaps(cases: Sequence[OrCase], zone: ZoneInfo) -> list[tuple[int, int, str]]:
    """Each case that starts before an earlier case in its room ends, as (its position, the
    other's position, "in OR 4 (07:30–10:00)": the room and the other's times)."""
    found: list[tuple[int, int, str]] = []
    order = sorted(range(len(cases)), key=lambda i: (cases[i].room, cases[i].start, i))
    latest: int | None = None  # the case of this room so far that ends last
    for index in order:
        case = cases[index]
        if latest is not None and cases[latest].room == case.room:
            other = cases[latest]
            if case.start < other.end:
                span = f"{other.start.astimezone(zone):%H:%M}–{other.end.astimezone(zone):%H:%M}"
                found.append((index, latest, f"in {other.room} ({span})"))
            if case.end <= other.end:
                continue
        latest = index
    return found


def same_patient_problems(patients: Sequence[Patient | None]) -> list[tuple[int, str]]:
    """Each patient whose MRN an earlier one has under another name, as (position, why)."""
    seen: dict[str, Patient] = {}
    found: list[tuple[int, str]] = []
    for index, patient in enumerate(patients):
        if patient is None:
            continue
        earlier = seen.setdefault(patient.mrn, patient)
        if earlier.name.casefold() != patient.name.casefold() or earlier.birth_date != patient.birth_date:
            found.append((index, f"MRN {patient.mrn} is given to two different patients"))
    return found


def one_day(days: Sequence[date]) -> list[tuple[int, str]]:
    """Each case not on the first case's day, as (position, why): a file is one day's schedule."""
    if not days:
        return []
    return [
        (i, f"on {d.isoformat()}, but the schedule is for {days[0].isoformat()}: import one day a file")
        for i, d in enumerate(days)
        if d != days[0]
    ]


def unique_patients(patients: Sequence[Patient | None]) -> tuple[Patient, ...]:
    return tuple({p.key: p for p in patients if p is not None}.values())


def ordered(cases: Sequence[OrCase]) -> tuple[OrCase, ...]:
    return tuple(sorted(cases, key=lambda c: (c.room, c.start)))
