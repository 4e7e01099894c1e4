"""The operating room: a day's cases, who operates on them in which credit role, and the case log.

The vocabulary every OR layer shares (formats read cases into it, the rules and the solver reason
about it, storage keeps it, the pages show it). Nothing here names a patient: a case carries an
opaque `patient_key` into the guarded patient store; only `Patient` holds identifiers, and only
the storage and the service that audits every read of it ever hold a `Patient`.

ACGME General Surgery case-log terms (Review Committee for Surgery, defined category minimums
effective for graduates from AY 2017-2018):
- credit roles: SC (surgeon in the chief year), SJ (surgeon before it), TA (a senior teaching a
  junior who takes surgeon credit), FA (first assistant);
- one surgeon credit (SC or SJ) per operation;
- total major cases = SC + SJ + the first 50 TA; FA counts toward none of the minimums.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from callroom.domain.grades import Grade


class CreditRole(StrEnum):
    SC = "SC"  # surgeon, chief year
    SJ = "SJ"  # surgeon, before the chief year
    TA = "TA"  # teaching assistant: a senior guiding a junior who takes surgeon credit
    FA = "FA"  # first assistant

    @property
    def is_surgeon(self) -> bool:
        return self in (CreditRole.SC, CreditRole.SJ)

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]


_ROLE_LABELS = {
    CreditRole.SC: "surgeon (chief year)",
    CreditRole.SJ: "surgeon (junior)",
    CreditRole.TA: "teaching assistant",
    CreditRole.FA: "first assistant",
}

CHIEF_GRADE = Grade.PGY5
"""The grade of the chief year: a resident of this grade takes surgeon credit as SC, below it as SJ."""

TA_COUNTED_IN_MAJOR = 50
"""Only the first 50 TA cases count toward total major cases."""


def surgeon_role(grade: Grade) -> CreditRole:
    """The surgeon credit a resident of `grade` claims: SC in the chief year, SJ before it."""
    return CreditRole.SC if grade >= CHIEF_GRADE else CreditRole.SJ


@dataclass(frozen=True)
class Category:
    """An ACGME defined category ("abdominal") or sub-category ("abdominal.biliary": its parent
    is the part before the dot). A case in a sub-category counts toward its parent too."""

    id: str
    name: str
    minimum: int

    @property
    def parent(self) -> str | None:
        head, dot, _ = self.id.rpartition(".")
        return head if dot else None


def _categories(*rows: tuple[str, str, int]) -> tuple[Category, ...]:
    return tuple(Category(id_, name, minimum) for id_, name, minimum in rows)


ACGME_CATEGORIES: tuple[Category, ...] = _categories(
    ("skin", "Skin and soft tissue", 25),
    ("breast", "Breast", 40),
    ("breast.mastectomy", "Mastectomy", 5),
    ("breast.axilla", "Axilla", 5),
    ("head-neck", "Head and neck", 25),
    ("alimentary", "Alimentary tract", 180),
    ("alimentary.esophagus", "Esophagus", 5),
    ("alimentary.stomach", "Stomach", 15),
    ("alimentary.small-intestine", "Small intestine", 25),
    ("alimentary.large-intestine", "Large intestine", 40),
    ("alimentary.appendix", "Appendix", 40),
    ("alimentary.anorectal", "Anorectal", 20),
    ("abdominal", "Abdominal", 250),
    ("abdominal.biliary", "Biliary", 85),
    ("abdominal.hernia", "Hernia", 85),
    ("abdominal.liver", "Liver", 5),
    ("abdominal.pancreas", "Pancreas", 5),
    ("vascular", "Vascular", 50),
    ("vascular.access", "Vascular access", 10),
    ("vascular.anastomosis", "Anastomosis, repair, exposure or endarterectomy", 10),
    ("endocrine", "Endocrine", 15),
    ("endocrine.thyroid-parathyroid", "Thyroid or parathyroid", 10),
    ("trauma-operative", "Operative trauma", 10),
    ("trauma-nonoperative", "Non-operative trauma", 40),
    ("thoracic", "Thoracic", 20),
    ("thoracic.thoracotomy", "Thoracotomy", 5),
    ("pediatric", "Pediatric", 20),
    ("plastic", "Plastic", 10),
    ("critical-care", "Surgical critical care", 40),
    ("lap-basic", "Laparoscopic, basic", 100),
    ("lap-complex", "Laparoscopic, complex", 75),
    ("endoscopy", "Endoscopy", 85),
    ("endoscopy.upper", "Upper endoscopy", 35),
    ("endoscopy.colonoscopy", "Colonoscopy", 50),
)
"""The General Surgery defined categories with their minimum numbers."""

NON_OPERATIVE = frozenset({"trauma-nonoperative", "critical-care"})
"""Categories logged for patient management, not operations: they never make a major case."""


@dataclass(frozen=True)
class Totals:
    """The ACGME's totals beside the categories."""

    major: int = 850
    chief_year_major: int = 200
    teaching_assistant: int = 25


@dataclass(frozen=True)
class CptEntry:
    """One row of the program's CPT table: what a code is, the defined categories it counts
    toward, the least grade that may take surgeon credit for it, and whether it is an index case
    (one the program shares out fairly within a cohort)."""

    code: str
    description: str
    categories: tuple[str, ...] = ()
    min_grade: Grade = Grade.PGY1
    index: bool = False


@dataclass(frozen=True)
class CptTable:
    """The program's editable CPT table (a sensible general-surgery default ships with callroom)."""

    entries: Mapping[str, CptEntry] = field(default_factory=dict, hash=False)

    def get(self, code: str) -> CptEntry | None:
        return self.entries.get(code)


@dataclass(frozen=True)
class CaseNeeds:
    """What a case's CPT codes say about it, through the CPT table."""

    min_grade: Grade
    categories: tuple[str, ...]  # each defined category it counts toward, parents included
    index: bool


@dataclass(frozen=True)
class OrCase:
    """A case on a day's OR schedule. `start` is timezone-aware (UTC); `patient_key` is the opaque
    key of its patient in the guarded store (never an MRN); `continuity` names the people who saw
    the patient in clinic or admitted them."""

    id: str
    day: date
    room: str
    start: datetime
    minutes: int
    procedure: str
    cpt_codes: tuple[str, ...]
    service_id: str
    attending_id: str | None = None
    flags: frozenset[str] = frozenset()  # "laparoscopic", "robotic", ...
    patient_key: str | None = None
    continuity: tuple[str, ...] = ()

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class Patient:
    """A patient's identifiers: protected health information, held only in its own tables."""

    key: str
    mrn: str
    name: str
    birth_date: date | None = None


@dataclass(frozen=True, order=True)
class CaseRole:
    """`person_id` takes `role` on case `case_id`."""

    case_id: str
    person_id: str
    role: CreditRole


@dataclass(frozen=True)
class OrPlan:
    """A day's assignment of residents to cases."""

    day: date
    roles: tuple[CaseRole, ...] = ()

    def on_case(self, case_id: str) -> tuple[CaseRole, ...]:
        return tuple(r for r in self.roles if r.case_id == case_id)

    def of_person(self, person_id: str) -> tuple[CaseRole, ...]:
        return tuple(r for r in self.roles if r.person_id == person_id)


@dataclass(frozen=True)
class LoggedCase:
    """One line of a resident's case log. `categories` come from the CPT table when it is logged;
    `case_id` links it to a case on the board when it was logged from one."""

    person_id: str
    day: date
    cpt_codes: tuple[str, ...]
    role: CreditRole
    categories: tuple[str, ...] = ()
    attending_id: str | None = None
    case_id: str | None = None
    id: int | None = None
