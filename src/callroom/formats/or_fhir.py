"""A day's OR schedule as a FHIR R4 Bundle, read with the `fhir.resources` R4B models.

What is read (a theatre system's "surgical schedule" export):
- each **Appointment** is a case (unless its status is cancelled, noshow or entered-in-error):
  `start` (an instant with its offset), and `end` or `minutesDuration`; its participants'
  actors name the **Patient** (who must be in the bundle), the **Location** (the room: the
  Location's `name`, else the actor's `display`, else the reference's id) and
  **Practitioner**s: the one who is an attending of the program is the case's attending,
  residents of the program named there are its continuity (they saw the patient). A
  Practitioner is matched to the program by its id, else its name (`text`, or given and family
  names), else the actor's `display`;
- the case's CPT codes are the `code.coding` entries with system `http://www.ama-assn.org/go/cpt`
  of the **ServiceRequest**s in the Appointment's `basedOn` and the **Procedure**s (or
  ServiceRequests) in its `reasonReference`; the procedure's words are the first such resource's
  `code.text`, else the first CPT coding's `display`, else the Appointment's `description`;
- the service: the Appointment's extension `SERVICE_EXTENSION` (valueString or valueCode: a
  service id or name), else the ServiceRequest's `performerType`, else its `category` (the
  `text`, then each coding's `code` and `display`): the first that names a program service;
- flags: the Appointment's extension `FLAGS_EXTENSION` (valueString, `;`-separated);
- the Patient's MRN is its identifier typed `MR` (HL7 v2 table 0203), else its first identifier;
  the name its `text`, else given and family names; `birthDate` is kept.

References are resolved inside the bundle by `Type/id` or by an entry's `fullUrl`. The bundle
is read whole, with the same checks as the CSV (`formats.or_cases_csv`): each problem is named
by the entry's index and the element's path (`entry[3].resource.participant`), and then nothing
is imported. Case ids and patient keys are those of the CSV importer (`formats.or_day`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from fhir.resources.R4B.appointment import Appointment, AppointmentParticipant
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.procedure import Procedure
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.resource import Resource
from fhir.resources.R4B.servicerequest import ServiceRequest
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from callroom.domain.grades import Grade
from callroom.domain.operating import CptTable, OrCase, Patient
from callroom.domain.program import Person, Program
from callroom.errors import Detail, Invalid
from callroom.formats.csv_records import FILE_FIELD, refusal, split_list
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

CPT_SYSTEM = "http://www.ama-assn.org/go/cpt"
NOT_HAPPENING = frozenset({"cancelled", "noshow", "entered-in-error"})
"""Appointment statuses that are no case on the day (skipped, not refused)."""
MRN_TYPE = "MR"
SERVICE_EXTENSION = "https://callroom.dev/fhir/StructureDefinition/or-service"
FLAGS_EXTENSION = "https://callroom.dev/fhir/StructureDefinition/or-flags"


@dataclass(frozen=True)
class _Found:
    """A problem at an element: the entry's index (None for the bundle itself) and the path."""

    entry: int | None
    path: str
    message: str


def parse_or_bundle(text: str, source: str, *, program: Program, table: CptTable) -> ImportedDay:
    """The day's cases and patients, or `Invalid` naming every bad entry and element."""
    bundle = _bundle(text, source)
    reader = _Reader(bundle, program, table)
    read = [(index, found) for index, found in reader.appointments() if found is not None]
    reader.across(read)
    if reader.found:
        raise _refusal(source, reader.found)
    if not read:
        raise Invalid(FILE_FIELD, f"{source}: the bundle holds no Appointment")
    cases = [case for _, (case, _) in read]
    return ImportedDay(cases[0].day, ordered(cases), unique_patients([p for _, (_, p) in read]))


def _bundle(text: str, source: str) -> Bundle:
    try:
        return Bundle.model_validate_json(text)
    except ValidationError as error:
        raise _refusal(source, [_from_pydantic(e) for e in error.errors()]) from None


def _from_pydantic(error: ErrorDetails) -> _Found:
    loc = [part for part in error["loc"] if part != "__root__"]
    path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")
    entry = loc[1] if len(loc) > 1 and loc[0] == "entry" and isinstance(loc[1], int) else None
    message = " ".join(str(error["msg"]).split())
    if error["type"] == "json_invalid":
        message = f"not JSON: {error['msg']}"
    return _Found(entry, path or "bundle", message)


def _refusal(source: str, found: Sequence[_Found]) -> Invalid:
    details = [
        Detail(
            f.path,
            f.message,
            {"file": source, "path": f.path, **({"entry": str(f.entry)} if f.entry is not None else {})},
        )
        for f in found
    ]
    return refusal(source, details)


class _Reader:
    """Reads the bundle's Appointments into cases, collecting every problem in `found`."""

    def __init__(self, bundle: Bundle, program: Program, table: CptTable) -> None:
        self.zone = ZoneInfo(program.hospital.timezone)
        self.people = ProgramLookup(program)
        self.table = table
        self.found: list[_Found] = []
        self.entries: list[Resource | None] = [e.resource for e in bundle.entry or ()]
        self.by_reference: dict[str, Resource] = {}
        for entry in bundle.entry or ():
            resource = entry.resource
            if resource is None:
                continue
            if entry.fullUrl:
                self.by_reference[str(entry.fullUrl)] = resource
            if resource.id:
                self.by_reference[f"{resource.get_resource_type()}/{resource.id}"] = resource

    def appointments(self) -> Iterable[tuple[int, tuple[OrCase, Patient | None] | None]]:
        for index, resource in enumerate(self.entries):
            if isinstance(resource, Appointment) and str(resource.status) not in NOT_HAPPENING:
                yield index, self._case(index, resource)

    def _say(self, index: int, element: str, message: str) -> None:
        self.found.append(_Found(index, f"entry[{index}].resource{element}", message))

    def _case(self, index: int, appointment: Appointment) -> tuple[OrCase, Patient | None] | None:
        before = len(self.found)
        start, minutes = self._times(index, appointment)
        room = self._room(index, appointment.participant)
        patient = self._patient(index, appointment.participant)
        attending, continuity = self._practitioners(index, appointment.participant)
        requests = self._requests(index, appointment)
        codes = self._codes(index, requests)
        service = self._service(index, appointment, requests)
        if len(self.found) > before or start is None or minutes is None or room is None or service is None:
            return None
        day = start.astimezone(self.zone).date()
        case = OrCase(
            id=case_id(day, room, start, self.zone),
            day=day,
            room=room,
            start=start,
            minutes=minutes,
            procedure=_procedure(appointment, requests),
            cpt_codes=codes,
            service_id=service,
            attending_id=attending,
            flags=frozenset(
                f.lower() for f in split_list(_extension(appointment.extension, FLAGS_EXTENSION))
            ),
            patient_key=None if patient is None else patient.key,
            continuity=continuity,
        )
        return case, patient

    def _times(self, index: int, appointment: Appointment) -> tuple[datetime | None, int | None]:
        start = None if appointment.start is None else appointment.start.astimezone(UTC)
        if start is None:
            self._say(index, ".start", "missing: when the case starts")
            return None, None
        if appointment.end is not None:
            minutes = int((appointment.end - start).total_seconds() // 60)
            element = ".end"
        elif appointment.minutesDuration is not None:
            minutes, element = int(appointment.minutesDuration), ".minutesDuration"
        else:
            self._say(index, ".end", "missing: give end or minutesDuration")
            return start, None
        if not 0 < minutes <= MAX_MINUTES:
            self._say(index, element, f"a case lasts from a minute to a day, not {minutes} minutes")
            return start, None
        return start, minutes

    def _actors(
        self, participants: Sequence[AppointmentParticipant], kind: type[Resource]
    ) -> Iterable[tuple[int, Reference, Resource | None]]:
        """Each participant whose actor is (or, unresolved, is written as) a `kind`."""
        name = kind.get_resource_type()
        for position, participant in enumerate(participants):
            actor = participant.actor
            if actor is None:
                continue
            resolved = self.by_reference.get(str(actor.reference or ""))
            written = str(actor.reference or "").split("/")[0] == name or actor.type == name
            if isinstance(resolved, kind) or (resolved is None and written):
                yield position, actor, resolved

    def _room(self, index: int, participants: Sequence[AppointmentParticipant]) -> str | None:
        for _, actor, resolved in self._actors(participants, Location):
            if isinstance(resolved, Location) and resolved.name:
                return str(resolved.name)
            if actor.display:
                return str(actor.display)
            if actor.reference:
                return str(actor.reference).rpartition("/")[2]
        self._say(index, ".participant", "no Location among the participants: which room is the case in?")
        return None

    def _patient(self, index: int, participants: Sequence[AppointmentParticipant]) -> Patient | None:
        for position, actor, resolved in self._actors(participants, FhirPatient):
            if not isinstance(resolved, FhirPatient):
                self._say(
                    index,
                    f".participant[{position}].actor",
                    f"{actor.reference or 'the patient'} is not in the bundle",
                )
                return None
            return self._patient_of(resolved)
        self._say(
            index,
            ".participant",
            "no Patient among the participants: the bundle must hold each case's patient",
        )
        return None

    def _patient_of(self, patient: FhirPatient) -> Patient | None:
        where = self.entries.index(patient)
        mrn = _mrn(patient)
        if not mrn:
            self._say(where, ".identifier", "no identifier: the patient's MRN is needed")
            return None
        name = _name(patient.name or [])
        if not name:
            self._say(where, ".name", f"the patient with MRN {mrn} has no name")
            return None
        born = patient.birthDate if isinstance(patient.birthDate, date) else None
        return Patient(patient_key(mrn), mrn, name, born)

    def _practitioners(
        self, index: int, participants: Sequence[AppointmentParticipant]
    ) -> tuple[str | None, tuple[str, ...]]:
        attending: str | None = None
        continuity: list[str] = []
        for position, actor, resolved in self._actors(participants, Practitioner):
            person, why = self._person(actor, resolved)
            if person is None:
                self._say(index, f".participant[{position}].actor", why)
            elif person.grade is Grade.ATTENDING and attending is None:
                attending = person.id
            elif person.grade.is_resident:
                continuity.append(person.id)
        return attending, tuple(continuity)

    def _person(self, actor: Reference, resolved: Resource | None) -> tuple[Person | None, str]:
        tried: list[str] = []
        if resolved is not None and resolved.id:
            tried.append(str(resolved.id))
        elif actor.reference:
            tried.append(str(actor.reference).rpartition("/")[2])
        if isinstance(resolved, Practitioner):
            tried.append(_name(resolved.name or []))
        if actor.display:
            tried.append(str(actor.display))
        for text in (t for t in tried if t):
            person, _ = self.people.person(text)
            if person is not None:
                return person, ""
        return None, f"Practitioner {' / '.join(t for t in tried if t) or '?'} is not a person of the program"

    def _requests(self, index: int, appointment: Appointment) -> list[tuple[str, ServiceRequest | Procedure]]:
        found: list[tuple[str, ServiceRequest | Procedure]] = []
        for element, references in (
            (".basedOn", appointment.basedOn),
            (".reasonReference", appointment.reasonReference),
        ):
            for position, reference in enumerate(references or ()):
                resolved = self.by_reference.get(str(reference.reference or ""))
                if isinstance(resolved, ServiceRequest | Procedure):
                    found.append((f"{element}[{position}]", resolved))
                elif element == ".basedOn":
                    self._say(
                        index,
                        f"{element}[{position}]",
                        f"{reference.reference} is not a ServiceRequest in the bundle",
                    )
        return found

    def _codes(
        self, index: int, requests: Sequence[tuple[str, ServiceRequest | Procedure]]
    ) -> tuple[str, ...]:
        codes = [str(c.code) for _, r in requests for c in _cpt_codings(r.code) if c.code]
        if not codes:
            self._say(
                index, ".basedOn", f"no CPT code: a ServiceRequest or Procedure with a {CPT_SYSTEM} coding"
            )
        for code in codes:
            if self.table.get(code) is None:
                where = next(e for e, r in requests if any(c.code == code for c in _cpt_codings(r.code)))
                self._say(index, where, f"CPT code {code} is not in the program's CPT table")
        return tuple(dict.fromkeys(codes))

    def _service(
        self, index: int, appointment: Appointment, requests: Sequence[tuple[str, ServiceRequest | Procedure]]
    ) -> str | None:
        named = _extension(appointment.extension, SERVICE_EXTENSION)
        if named:
            service, why = self.people.service(named)
            if service is None:
                self._say(index, ".extension", why or named)
            return None if service is None else service.id
        for _, request in requests:
            if isinstance(request, ServiceRequest):
                for words in _words([request.performerType, *(request.category or ())]):
                    service, _ = self.people.service(words)
                    if service is not None:
                        return service.id
        self._say(
            index,
            ".extension",
            f"no service: name it in the {SERVICE_EXTENSION} extension or the ServiceRequest's performerType",
        )
        return None

    def across(self, read: Sequence[tuple[int, tuple[OrCase, Patient | None]]]) -> None:
        """The checks between cases: rooms, patients and the day."""
        cases = [case for _, (case, _) in read]
        for position, other, where in overlaps(cases, self.zone):
            self._say(read[position][0], ".start", f"overlaps the case of entry[{read[other][0]}] {where}")
        for position, why in same_patient_problems([p for _, (_, p) in read]):
            self._say(read[position][0], ".participant", why)
        for position, why in one_day([c.day for c in cases]):
            self._say(read[position][0], ".start", why)


def _cpt_codings(code: CodeableConcept | None) -> list[Coding]:
    return [c for c in (code.coding or ()) if str(c.system or "") == CPT_SYSTEM] if code else []


def _procedure(appointment: Appointment, requests: Sequence[tuple[str, ServiceRequest | Procedure]]) -> str:
    for _, request in requests:
        if request.code is not None and request.code.text:
            return str(request.code.text)
        for coding in _cpt_codings(request.code):
            if coding.display:
                return str(coding.display)
    return str(appointment.description or "Operation")


def _extension(extensions: Sequence[Extension] | None, url: str) -> str:
    for extension in extensions or ():
        if str(extension.url) == url:
            return str(extension.valueString or extension.valueCode or "")
    return ""


def _words(concepts: Iterable[CodeableConcept | None]) -> Iterable[str]:
    for concept in concepts:
        if concept is None:
            continue
        if concept.text:
            yield str(concept.text)
        for coding in concept.coding or ():
            yield from (str(w) for w in (coding.code, coding.display) if w)


def _mrn(patient: FhirPatient) -> str:
    identifiers = [i for i in patient.identifier or () if i.value]
    typed = [i for i in identifiers if i.type and any(c.code == MRN_TYPE for c in i.type.coding or ())]
    chosen = (typed or identifiers)[:1]
    return str(chosen[0].value) if chosen else ""


def _name(names: Sequence[HumanName]) -> str:
    for name in names:
        if name.text:
            return str(name.text)
        parts = [*(str(g) for g in name.given or ()), str(name.family or "")]
        if any(parts):
            return " ".join(p for p in parts if p)
    return ""
