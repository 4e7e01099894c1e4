"""The demo hospital's operating rooms: a day's OR schedule and the residents' case logs so far,
made up deterministically (a seed) from the demo program, in the files callroom imports.

`demo_or_csv(program, day)` is a weekday's list in the CSV `formats.or_cases_csv` reads:
general surgery in two or three rooms, and a room each for trauma, neurosurgery, cardiothoracic,
plastics and pediatric surgery (7 or 8 rooms, about 12 to 20 cases), each room's cases back to
back from 07:30 with 30 minutes' turnover until 17:00 (three at most in a general surgery or
pediatric room, two in the others), under an attending of the room's
service (the attendings whose posts are that service's); a weekend has only the emergency rooms
(trauma and general surgery). Some cases name a resident of the service who saw the patient in
clinic. Patients are fictional: names from lists of their own (no staff name), MRNs made up.

`demo_case_log_csv(program, today)` is each resident's log from the first of July of their PGY-1
year to the day before `today`, in the CSV `formats.caselog_csv` reads: as many operations as
the program's yearly targets say a resident of their grade has done by now, times a pace of
their own (most near 1, a few well behind), so the dashboards show who is behind. A line is
surgeon credit when the resident was senior enough for the code then (SJ, SC in the chief year),
first assistant otherwise and now and then; seniors teach (TA) juniors, who log the SJ line of
the same case; and everyone logs non-operative trauma and critical care.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from callroom.domain.grades import Grade
from callroom.domain.operating import CptTable, CreditRole, surgeon_role
from callroom.domain.program import Person, Program
from callroom.formats.cpt_table import default_cpt_table
from callroom.formats.csv_records import write_records
from callroom.formats.or_cases_csv import COLUMNS, OPTIONAL
from callroom.rules.caselog import (
    ACGME_TOTALS,
    DEFAULT_TARGETS,
    TRAINING_MONTHS,
    YearlyTargets,
    academic_year,
    grade_on,
    months_in_training,
)

SEED = 2027
FIRST_CASE = time(7, 30)
ROOM_CLOSES = time(17, 0)
TURNOVER = timedelta(minutes=30)
MOST_CASES_A_ROOM = {"gen-surg": 3, "pediatric": 3}
"""The most cases a room of the service runs in a day (2 for the others)."""


@dataclass(frozen=True)
class Operation:
    """An operation on a service's list: words, CPT codes, typical minutes, flags."""

    procedure: str
    codes: tuple[str, ...]
    minutes: int
    flags: str = ""
    weight: int = 1  # how often it comes up, relative to the service's other operations


def _op(procedure: str, codes: str, minutes: int, flags: str = "", weight: int = 1) -> Operation:
    return Operation(procedure, tuple(codes.split(";")), minutes, flags, weight)


MENU: dict[str, tuple[Operation, ...]] = {
    "gen-surg": (
        _op("Laparoscopic cholecystectomy", "47562", 90, "laparoscopic", 13),
        _op("Laparoscopic cholecystectomy with cholangiogram", "47563", 105, "laparoscopic", 3),
        _op("Laparoscopic appendectomy", "44970", 60, "laparoscopic", 8),
        _op("Open inguinal hernia repair", "49505", 75, "", 7),
        _op("Laparoscopic inguinal hernia repair", "49650", 90, "laparoscopic", 4),
        _op("Umbilical hernia repair", "49591", 60, "", 5),
        _op("Ventral hernia repair", "49593", 120, "", 4),
        _op("Laparoscopic sigmoid colectomy", "44204", 210, "laparoscopic", 5),
        _op("Laparoscopic right hemicolectomy", "44205", 180, "laparoscopic", 3),
        _op("Small bowel resection", "44120", 150, "", 4),
        _op("Lysis of adhesions", "44005", 120, "", 2),
        _op("Pancreaticoduodenectomy (Whipple)", "48150", 360, "", 1),
        _op("Distal pancreatectomy", "48140", 240, "", 1),
        _op("Partial hepatectomy", "47120", 300, "", 2),
        _op("Distal gastrectomy", "43631", 240, "", 1),
        _op("Laparoscopic Nissen fundoplication", "43280", 150, "laparoscopic", 2),
        _op("Total thyroidectomy", "60240", 150, "", 3),
        _op("Parathyroidectomy", "60500", 120, "", 2),
        _op("Simple mastectomy", "19303", 120, "", 3),
        _op("Partial mastectomy with sentinel node biopsy", "19301;38525", 90, "", 5),
        _op("AV fistula creation", "36821", 90, "", 3),
        _op("Carotid endarterectomy", "35301", 150, "", 2),
        _op("Femoral-popliteal bypass", "35656", 240, "", 1),
        _op("Port placement", "36561", 45, "", 4),
        _op("Laparoscopic sleeve gastrectomy", "43775", 150, "laparoscopic", 1),
        _op("Laparoscopic gastrostomy", "43653", 60, "laparoscopic", 1),
        _op("Tracheostomy", "31600", 45, "", 3),
        _op("Cervical lymph node excision", "38510", 60, "", 2),
        _op("Upper endoscopy", "43235", 30, "", 6),
        _op("Colonoscopy", "45378", 45, "", 9),
        _op("Excision of soft tissue lesion", "11404", 45, "", 5),
        _op("Incision and drainage of abscess", "10060", 30, "", 2),
        _op("Hemorrhoidectomy", "46260", 60, "", 3),
        _op("Drainage of perirectal abscess", "46040", 30, "", 2),
    ),
    "trauma": (
        _op("Exploratory laparotomy", "49000", 120, "", 4),
        _op("Damage-control re-look laparotomy", "49002", 90, "", 2),
        _op("Splenorrhaphy", "38115", 150, "", 1),
        _op("Exploration of penetrating wound", "20102", 60, "", 2),
        _op("Debridement of soft tissue", "11043", 60, "", 2),
    ),
    "neurosurgery": (
        _op("Craniotomy for subdural hematoma", "61312", 180, "", 3),
        _op("Lumbar laminectomy", "63047", 150, "", 3),
        _op("Ventriculoperitoneal shunt", "62223", 90, "", 2),
        _op("Burr hole drainage", "61154", 60, "", 2),
        _op("Craniotomy for tumour", "61510", 300, "", 1),
    ),
    "cardiothoracic": (
        _op("Coronary artery bypass", "33533;33510", 300, "", 3),
        _op("VATS lobectomy", "32663", 240, "thoracoscopic", 2),
        _op("Aortic valve replacement", "33405", 300, "", 1),
        _op("Thoracotomy", "32100", 180, "", 2),
        _op("Lobectomy by thoracotomy", "32480", 240, "", 1),
        _op("VATS decortication", "32651", 150, "thoracoscopic", 1),
    ),
    "plastics": (
        _op("Split-thickness skin graft", "15100", 90, "", 3),
        _op("Myocutaneous flap", "15734", 180, "", 2),
        _op("Breast reduction", "19318", 180, "", 2),
        _op("Breast reconstruction with tissue expander", "19357", 150, "", 2),
        _op("Panniculectomy", "15830", 150, "", 1),
    ),
    "pediatric": (
        _op("Pyloromyotomy", "43520", 60, "", 3),
        _op("Infant inguinal hernia repair", "49495", 60, "", 3),
        _op("Inguinal hernia repair (child)", "49500", 60, "", 3),
        _op("Orchiopexy", "54640", 60, "", 2),
        _op("Laparoscopic appendectomy", "44970", 60, "laparoscopic", 3),
    ),
}

PATIENT_FIRST_NAMES = (
    "Alma", "Bertrand", "Cecilia", "Dorian", "Evangeline", "Finn", "Gwendolyn", "Horace", "Ilse",
    "Jerome", "Katarina", "Leopold", "Marguerite", "Nils", "Ophelia", "Percival", "Rosalind",
    "Silas", "Theodora", "Ulrich", "Vera", "Winifred", "Xavier", "Yolanda", "Zachary", "Agnes",
    "Barnaby", "Clementine", "Desmond", "Edith", "Florian", "Greer", "Hollis", "Imogen", "Jonah",
)  # fmt: skip
PATIENT_LAST_NAMES = (
    "Whitcombe", "Oyelaran", "Marchbanks", "Ashby", "Porter", "Castellano", "Pemberton", "Vance",
    "Lockwood", "Fairbanks", "Holloway", "Quimby", "Rutherford", "Sinclair", "Thackeray", "Underhill",
    "Winterbourne", "Yardley", "Abernethy", "Blackwood", "Cresswell", "Dunmore", "Ellery", "Fenwick",
    "Garrick", "Hargreave", "Ingleby", "Jessop", "Kingsley", "Langford", "Merriweather", "Norcross",
)  # fmt: skip

LOG_WEIGHTS = {
    "gen-surg": 6,
    "cardiothoracic": 3,
    "pediatric": 2.5,
    "trauma": 2,
    "plastics": 1,
    "neurosurgery": 0.5,
}
"""How much more often a resident's logged operation is of each service: general surgery
residents log mostly general surgery, and enough of the rest to meet the defined categories."""

SPECIALTIES = ("trauma", "neurosurgery", "cardiothoracic", "plastics", "pediatric")


# --- a day's OR schedule ------------------------------------------------------------------------


def demo_or_csv(program: Program, day: date, *, seed: int = SEED) -> str:
    """A day's OR schedule for the demo program as CSV (see the module doc)."""
    rng = random.Random(f"{seed}/{day.isoformat()}")
    rooms = _rooms(rng, day, program)
    patients = _patients(rng, program)
    rows: list[list[str]] = []
    for number, service_id in enumerate(rooms, start=1):
        attending = _attending(rng, program, service_id)
        for start, operation in _room_day(rng, day, service_id):
            name, mrn = next(patients)
            rows.append(
                [
                    f"OR {number}",
                    f"{start:%Y-%m-%d %H:%M}",
                    str(operation.minutes + rng.choice((-15, 0, 0, 15, 30))),
                    operation.procedure,
                    ";".join(operation.codes),
                    attending,
                    service_id,
                    mrn,
                    name,
                    operation.flags,
                    _continuity(rng, program, service_id),
                ]
            )
    return write_records((*COLUMNS, *OPTIONAL), rows)


def _rooms(rng: random.Random, day: date, program: Program) -> list[str]:
    """Each room's service, in room order."""
    known = [s for s in ("gen-surg", *SPECIALTIES) if s in program.service and s in MENU]
    if day.weekday() >= 5:  # weekends: the emergency rooms only
        return [s for s in ("gen-surg", "trauma") if s in known]
    general = ["gen-surg"] * rng.choice((2, 3)) if "gen-surg" in known else []
    return [*general, *(s for s in SPECIALTIES if s in known)]


def _room_day(rng: random.Random, day: date, service_id: str) -> list[tuple[datetime, Operation]]:
    """A room's cases back to back from the first case until the room closes."""
    menu = MENU[service_id]
    weights = [o.weight for o in menu]
    at = datetime.combine(day, FIRST_CASE if rng.random() < 0.8 else time(7, 45))
    closes = datetime.combine(day, ROOM_CLOSES)
    found: list[tuple[datetime, Operation]] = []
    for _ in range(8):  # a few draws that do not fit are skipped; the room closes in the end
        operation = rng.choices(menu, weights)[0]
        if at + timedelta(minutes=operation.minutes + 30) > closes and found:
            continue
        found.append((at, operation))
        # Booked minutes may run 15 over (see demo_or_csv): leave room for it before the turnover.
        at += timedelta(minutes=operation.minutes + 30) + TURNOVER
        if len(found) == MOST_CASES_A_ROOM.get(service_id, 2) or at >= closes:
            break
    return found


def _serves(program: Program, person: Person, service_id: str) -> bool:
    return any(program.post[p].service_id == service_id for p in person.post_ids if p in program.post)


def _attending(rng: random.Random, program: Program, service_id: str) -> str:
    choices = [p.id for p in program.people if p.grade is Grade.ATTENDING and _serves(program, p, service_id)]
    return rng.choice(choices) if choices else ""


def _continuity(rng: random.Random, program: Program, service_id: str) -> str:
    if rng.random() > 0.3:
        return ""
    residents = [p.id for p in program.residents if _serves(program, p, service_id)]
    return rng.choice(residents) if residents else ""


def _patients(rng: random.Random, program: Program) -> _PatientNames:
    return _PatientNames(rng, {p.name for p in program.people})


class _PatientNames:
    """Fresh fictional patients: a name nobody on the staff has, and an MRN of their own."""

    def __init__(self, rng: random.Random, staff: set[str]) -> None:
        self.rng = rng
        self.staff = staff
        self.used: set[str] = set()

    def __next__(self) -> tuple[str, str]:
        while True:
            name = f"{self.rng.choice(PATIENT_FIRST_NAMES)} {self.rng.choice(PATIENT_LAST_NAMES)}"
            mrn = f"MRN-{self.rng.randrange(100000, 999999)}"
            if name not in self.staff and name not in self.used and mrn not in self.used:
                self.used |= {name, mrn}
                return name, mrn


# --- case logs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    person_id: str
    day: date
    codes: tuple[str, ...]
    role: CreditRole
    attending_id: str
    case: str


PACES = (0.6, 0.8, 0.9, 0.95, 1.0, 1.0, 1.05, 1.1, 1.15)
"""How a resident's volume compares with the program's targets: most near them, a few behind."""

NON_OPERATIVE_A_MONTH = {"99199": 0.8, "99291": 0.8}
"""Non-operative trauma and critical care lines a month (a little above the minimums' pace)."""


def demo_case_log_csv(
    program: Program, today: date, *, seed: int = SEED, targets: YearlyTargets = DEFAULT_TARGETS
) -> str:
    """Every resident's case log up to the day before `today` as CSV (see the module doc)."""
    rng = random.Random(f"{seed}/log/{today.isoformat()}")
    table = default_cpt_table()
    log = _Log(rng, program, table, today)
    for person in program.residents:
        log.resident(person, rng.choice(PACES), targets)
    rows = sorted(log.lines, key=lambda line: (line.person_id, line.day, line.case))
    return write_records(
        ("resident", "date", "cpt", "role", "attending", "case"),
        (
            [r.person_id, r.day.isoformat(), ";".join(r.codes), r.role.value, r.attending_id, r.case]
            for r in rows
        ),
    )


class _Log:
    """Builds the lines: each resident's operations, their teaching, their non-operative care."""

    def __init__(self, rng: random.Random, program: Program, table: CptTable, today: date) -> None:
        self.rng = rng
        self.program = program
        self.table = table
        self.today = today
        self.lines: list[_Line] = []
        self.operations = [
            (service, o) for service, menu in MENU.items() for o in menu if service in program.service
        ]
        self.weights = [o.weight * LOG_WEIGHTS.get(service, 1) for service, o in self.operations]
        needs = [max(table.entries[c].min_grade for c in o.codes) for _, o in self.operations]
        # Residents are mostly given cases suited to their grade (and assist at the others).
        self.suited = {g: [i for i, need in enumerate(needs) if need <= g] for g in Grade if g.is_resident}
        self.attendings = {
            s.id: [p.id for p in program.people if p.grade is Grade.ATTENDING and _serves(program, p, s.id)]
            for s in program.services
        }

    def resident(self, person: Person, pace: float, targets: YearlyTargets) -> None:
        done = months_in_training(person.grade, self.today)
        first = self._started(person)
        on_targets = targets.at(done) or ACGME_TOTALS.major * done / TRAINING_MONTHS
        quota = round(on_targets * pace)
        made = 0
        for _ in range(3 * quota):  # first-assistant lines come on top of the major cases
            # The day follows the targets' curve: more operations a month in the senior years.
            month = _month_of(targets, self.rng.uniform(0, on_targets))
            made += self._operation(
                person, min(first + timedelta(days=round(month * 30.44)), self._yesterday)
            )
            if made >= quota:
                break
        for code, monthly in NON_OPERATIVE_A_MONTH.items():
            for _ in range(round(monthly * done * pace)):
                day = self._when(first)
                self._add(person.id, day, (code,), surgeon_role(self._grade_then(person, day)), "trauma")

    def _operation(self, person: Person, day: date) -> int:
        """Log one operation the resident took part in; 1 if it is a major case of theirs."""
        grade = self._grade_then(person, day)
        pool = self.suited[grade] if self.rng.random() < 0.85 else range(len(self.operations))
        service, operation = self.operations[self.rng.choices(pool, [self.weights[i] for i in pool])[0]]
        need = max(self.table.entries[c].min_grade for c in operation.codes)
        case = self._case_id()
        if grade < need or (grade <= Grade.PGY2 and self.rng.random() < 0.15):
            self._add(person.id, day, operation.codes, CreditRole.FA, service, case)
            return 0
        if grade >= Grade.PGY4 and self.rng.random() < 0.15 and (junior := self._junior(person, day)):
            self._add(person.id, day, operation.codes, CreditRole.TA, service, case)
            self._add(junior.id, day, operation.codes, CreditRole.SJ, service, case)
            return 1
        self._add(person.id, day, operation.codes, surgeon_role(grade), service, case)
        return 1

    def _junior(self, senior: Person, day: date) -> Person | None:
        """A resident more junior than `senior` who was already training on `day`."""
        juniors = [
            p
            for p in self.program.residents
            if p.grade < senior.grade and self._started(p) <= day and p.id != senior.id
        ]
        return self.rng.choice(juniors) if juniors else None

    def _started(self, person: Person) -> date:
        """The first of July the resident started PGY-1."""
        return date(academic_year(self.today) - (person.grade.value - 1), 7, 1)

    def _grade_then(self, person: Person, day: date) -> Grade:
        return grade_on(person.grade, self.today, day)

    @property
    def _yesterday(self) -> date:
        return self.today - timedelta(days=1)

    def _when(self, first: date) -> date:
        span = max((self.today - first).days, 1)
        return first + timedelta(days=self.rng.randrange(span))

    def _case_id(self) -> str:
        return f"L{len(self.lines) + 1:06d}"

    def _add(
        self, person_id: str, day: date, codes: Sequence[str], role: CreditRole, service: str, case: str = ""
    ) -> None:
        attendings = self.attendings.get(service) or self.attendings.get("gen-surg") or [""]
        self.lines.append(
            _Line(person_id, day, tuple(codes), role, self.rng.choice(attendings), case or self._case_id())
        )


def _month_of(targets: YearlyTargets, cases: float) -> float:
    """The month by which `cases` are done on the program's targets (the inverse of `at`)."""
    points = targets.curve() or tuple(ACGME_TOTALS.major * year / 5 for year in range(6))
    for year in range(5):
        low, high = points[year], points[year + 1]
        if cases <= high and high > low:
            return year * 12 + 12 * (cases - low) / (high - low)
    return 60.0
