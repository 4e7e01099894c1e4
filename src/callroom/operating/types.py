"""What the OR services answer: frozen records the front ends show (no patient identifiers
anywhere here; `Patient` comes only from the patient guard)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime

from callroom.domain.grades import Grade
from callroom.domain.operating import CaseNeeds, CaseRole, CptTable, LoggedCase, OrCase
from callroom.storage.operating_repositories import AccessRecord


@dataclass(frozen=True)
class PlanVersion:
    """One stored version of a day's plan: its number, draft or published, who made it, when."""

    number: int
    published: bool
    created_at: datetime
    created_by: str
    note: str = ""


@dataclass(frozen=True)
class NamedRole:
    """A credit role on a case with the person's name."""

    role: CaseRole
    name: str


@dataclass(frozen=True)
class BoardCase:
    """A case on the board: the case (its `patient_key` left out), what its codes need, the
    service's and attending's names, and who is on it in the current plan."""

    case: OrCase
    needs: CaseNeeds
    service: str
    attending: str | None
    roles: tuple[NamedRole, ...] = ()
    has_patient: bool = False


@dataclass(frozen=True)
class Resident:
    """A resident who may be put on cases: id, name, grade."""

    person_id: str
    name: str
    grade: Grade


@dataclass(frozen=True)
class DayBoard:
    """A day's OR board: the cases by start, the newest plan version (a draft or published) and
    the newest published one, the residents with, per (case id, person id), None when they may
    take the case or the reason they may not, and what breaks a rule in the current plan (worded
    for the reader, declared conflicts private as `rules.privacy` says). `changed_since_published`
    (for whoever may assign): the plan or the day's cases changed since the last publication, so
    the residents have not been told."""

    day: date
    program: str
    timezone: str
    cases: tuple[BoardCase, ...]
    plan: PlanVersion | None
    published: PlanVersion | None
    residents: tuple[Resident, ...]
    availability: Mapping[tuple[str, str], str | None] = field(default_factory=dict, hash=False)
    problems: tuple[str, ...] = ()
    changed_since_published: bool = False

    def case(self, case_id: str) -> BoardCase | None:
        return next((c for c in self.cases if c.case.id == case_id), None)


@dataclass(frozen=True)
class ImportResult:
    """What an import stored: the days it held and the case ids added, changed, unchanged and
    removed (a case of those days the file no longer lists), and how many patients it named."""

    days: tuple[date, ...]
    added: tuple[str, ...]
    changed: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]
    patients: int
    # removed cases that had residents on the day's published plan, as "OR 6, 13:00, Excision"
    removed_published: tuple[str, ...] = ()


@dataclass(frozen=True)
class AssignOutcome:
    """A solved assignment stored as a draft: the board with it, for each case nobody could take
    why each resident is out (worded for whoever assigned: the chief reads a declared conflict
    with its reason, see `rules.privacy`), and whether it is proven optimal."""

    board: DayBoard
    unassigned: Mapping[str, tuple[str, ...]] = field(hash=False)
    optimal: bool
    objective: int | None
    bound: int | None
    wall_s: float


@dataclass(frozen=True)
class PublishOutcome:
    """A published plan: the board, (person id, notice page id) for each resident told, those
    not reached, and what each resident was told (person id, notice body): every resident on
    the plan the first time, only those whose cases changed after."""

    board: DayBoard
    notified: tuple[tuple[str, int], ...]
    not_reached: tuple[str, ...]
    told: tuple[tuple[str, str], ...] = ()
    first: bool = True


@dataclass(frozen=True)
class AccessEntry(AccessRecord):
    """One row of the access log of patient identifiers (the patient by its opaque key), with
    the reader's name and the case for the report to name them by."""

    name: str = ""  # the reader's name (their account's, else the username)
    case: OrCase | None = None  # the case read (its patient_key left out); None once removed

    @classmethod
    def of(cls, row: AccessRecord, name: str, case: OrCase | None) -> AccessEntry:
        return cls(**{f.name: getattr(row, f.name) for f in fields(AccessRecord)}, name=name, case=case)


@dataclass(frozen=True)
class PurgeResult:
    """What the retention purge did: patients whose identifiers were removed, and the cases and
    case-log lines kept (their counts do not change)."""

    patients_purged: int
    before: date
    cases_kept: int
    case_logs_kept: int


@dataclass(frozen=True)
class LogLine:
    """A stored case-log line with where it came from (the app or an import) and who wrote it."""

    entry: LoggedCase
    source: str
    created_at: datetime
    created_by: str
    again: bool = False
    """True when the line was stored already, by the same form sent twice (nothing more stored)."""


@dataclass(frozen=True)
class LogImport:
    """What a case-log import stored, and how many of its lines were stored already (skipped)."""

    stored: tuple[LogLine, ...]
    skipped: int


@dataclass(frozen=True)
class CptTableView:
    """The program's CPT table in use: parsed, as text, its version (0 for the default)."""

    table: CptTable
    text: str
    number: int
    created_by: str | None = None
