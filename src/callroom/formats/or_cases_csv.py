"""A day's OR schedule as CSV, the export most theatre systems can make: one case a row.

Columns (header row, any order): `room,start,minutes,procedure,cpt,attending,service,mrn,patient`
and, optionally, `flags,continuity`.
- `start` is the hospital's wall clock ("2027-03-02 07:30", the program's timezone); a time the
  clocks skip is refused, one they pass twice needs its offset (`domain.wallclock.local_instant`);
- `cpt` is `;`-separated codes of the program's CPT table; `flags` `;`-separated words
  ("laparoscopic;robotic"), read in lower case;
- `attending` is an attending of the program and `continuity` `;`-separated people who saw the
  patient in clinic, each by id or by name; `service` a service of the program by id or name;
- `mrn` and `patient` (the name) come together or not at all (a block booking names nobody).

It is read whole: every problem (an unknown CPT code, attending or service, minutes that are not
a positive number, a case starting before the one before it in its room ends, an MRN given to
two names, a second day) is named by line and column, and then nothing is imported. Case ids and
patient keys are deterministic (`formats.or_day`), so importing the same file again is harmless.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from callroom.domain.operating import CptTable, OrCase, Patient
from callroom.domain.program import Program
from callroom.domain.wallclock import local_instant
from callroom.errors import Invalid
from callroom.formats.csv_records import FILE_FIELD, Problems, Record, read_records, split_list
from callroom.formats.or_day import (
    MAX_MINUTES,
    ImportedDay,
    ProgramLookup,
    case_id,
    one_day,
    ordered,
    overlaps,
    patient_key,
    same_patient_problems,
    unique_patients,
)

__all__ = ["COLUMNS", "ImportedDay", "parse_or_cases"]

COLUMNS = ("room", "start", "minutes", "procedure", "cpt", "attending", "service", "mrn", "patient")
OPTIONAL = ("flags", "continuity")
MRN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,19}")

Said = list[tuple[str, str]]


def parse_or_cases(text: str, source: str, *, program: Program, table: CptTable) -> ImportedDay:
    """The day's cases and patients, or `Invalid` naming every bad line and column."""
    reader = _Reader(program, table)
    problems = Problems(source)
    rows: list[tuple[Record, OrCase, Patient | None]] = []
    for record in read_records(text, source, COLUMNS, optional=OPTIONAL):
        said: Said = []
        read = reader.case(record, said)
        problems.extend(record.line, said)
        if read is not None:
            rows.append((record, *read))
    _across(rows, reader.zone, problems)
    problems.refuse()
    if not rows:
        raise Invalid(FILE_FIELD, f"{source}: the file has a header but no cases")
    cases = [case for _, case, _ in rows]
    return ImportedDay(cases[0].day, ordered(cases), unique_patients([p for _, _, p in rows]))


def _across(rows: list[tuple[Record, OrCase, Patient | None]], zone: ZoneInfo, problems: Problems) -> None:
    """The checks between rows: rooms, patients and the day."""
    cases = [case for _, case, _ in rows]
    for index, other, where in overlaps(cases, zone):
        problems.add(rows[index][0].line, "start", f"overlaps the case on line {rows[other][0].line} {where}")
    for index, why in same_patient_problems([p for _, _, p in rows]):
        problems.add(rows[index][0].line, "mrn", why)
    for index, why in one_day([c.day for c in cases]):
        problems.add(rows[index][0].line, "start", why)


class _Reader:
    """Reads one row into a case, adding each problem of it to `said`."""

    def __init__(self, program: Program, table: CptTable) -> None:
        self.zone = ZoneInfo(program.hospital.timezone)
        self.people = ProgramLookup(program)
        self.table = table

    def case(self, record: Record, said: Said) -> tuple[OrCase, Patient | None] | None:
        before = len(said)
        room = _required(record, "room", said)
        procedure = _required(record, "procedure", said)
        start = self._start(record["start"], said)
        minutes = _minutes(record["minutes"], said)
        codes = self._codes(record["cpt"], said)
        service = self._service(record["service"], said)
        attending = self._attending(record["attending"], said)
        continuity = self._continuity(record["continuity"], said)
        patient = _patient(record["mrn"], record["patient"], said)
        if len(said) > before or start is None or minutes is None or service is None:
            return None
        day = start.astimezone(self.zone).date()
        case = OrCase(
            id=case_id(day, room, start, self.zone),
            day=day,
            room=room,
            start=start,
            minutes=minutes,
            procedure=procedure,
            cpt_codes=codes,
            service_id=service,
            attending_id=attending,
            flags=frozenset(f.lower() for f in split_list(record["flags"])),
            patient_key=None if patient is None else patient.key,
            continuity=continuity,
        )
        return case, patient

    def _start(self, text: str, said: Said) -> datetime | None:
        if not text:
            said.append(("start", 'missing: the local start, like "2027-03-02 07:30"'))
            return None
        try:
            return local_instant(text, self.zone, "start")
        except Invalid as error:
            said.append(("start", error.message))
            return None

    def _codes(self, text: str, said: Said) -> tuple[str, ...]:
        codes = split_list(text)
        if not codes:
            said.append(("cpt", "missing: at least one CPT code"))
        said += [
            ("cpt", f"CPT code {c} is not in the program's CPT table") for c in codes if not self.table.get(c)
        ]
        return codes

    def _service(self, text: str, said: Said) -> str | None:
        if not text:
            said.append(("service", "missing: the service whose case it is"))
            return None
        service, why = self.people.service(text)
        if why is not None:
            said.append(("service", why))
        return None if service is None else service.id

    def _attending(self, text: str, said: Said) -> str | None:
        if not text:
            return None
        found, why = self.people.attending(text)
        if why is not None:
            said.append(("attending", why))
        return found

    def _continuity(self, text: str, said: Said) -> tuple[str, ...]:
        found: list[str] = []
        for name in split_list(text):
            person, why = self.people.person(name)
            if person is None:
                said.append(("continuity", why or name))
            else:
                found.append(person.id)
        return tuple(found)


def _required(record: Record, column: str, said: Said) -> str:
    if not record[column]:
        said.append((column, "missing"))
    return record[column]


def _minutes(text: str, said: Said) -> int | None:
    try:
        minutes = int(text)
    except ValueError:
        said.append(("minutes", f"{text!r} is not a whole number of minutes"))
        return None
    if minutes <= 0:
        said.append(("minutes", f"a case lasts at least a minute, not {minutes}"))
        return None
    if minutes > MAX_MINUTES:
        said.append(("minutes", f"{minutes} minutes is more than a day"))
        return None
    return minutes


def _patient(mrn: str, name: str, said: Said) -> Patient | None:
    if not mrn and not name:
        return None
    if not mrn:
        said.append(("mrn", f"missing: {name} needs the MRN that identifies them"))
        return None
    if not MRN.fullmatch(mrn):
        said.append(("mrn", f"{mrn!r} is not an MRN (letters, digits and hyphens, at most 20)"))
        return None
    if not name:
        said.append(("patient", f"missing: the name of the patient with MRN {mrn}"))
        return None
    return Patient(patient_key(mrn), mrn, name)
