"""Bodies of the OR board, patient, case-log and CPT-table routes. No board body carries a
patient identifier: only `PatientRead`, answered by the audited patient routes."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from callroom.api.params import Day
from callroom.domain.operating import CreditRole, LoggedCase, Patient
from callroom.operating.caselog import Dashboard
from callroom.operating.types import (
    AccessEntry,
    BoardCase,
    CptTableView,
    DayBoard,
    ImportResult,
    LogLine,
    PlanVersion,
    PublishOutcome,
    PurgeResult,
)
from callroom.storage.records import MAX_ID

MAX_TEXT = 4 * 1024 * 1024


class FileCreate(BaseModel):
    """A whole file sent as text: an OR schedule (CSV or FHIR JSON) or a case log (CSV)."""

    filename: str = Field(min_length=1, max_length=200, description="its name: .json is read as FHIR")
    text: str = Field(max_length=MAX_TEXT)


class OrImportCreate(FileCreate):
    day: Day | None = Field(None, description="when given, every case must be on this day")


class ImportRead(BaseModel):
    days: list[date]
    added: list[str]
    changed: list[str]
    unchanged: list[str]
    removed: list[str]
    patients: int

    @classmethod
    def of(cls, result: ImportResult) -> ImportRead:
        return cls(
            days=list(result.days),
            added=list(result.added),
            changed=list(result.changed),
            unchanged=list(result.unchanged),
            removed=list(result.removed),
            patients=result.patients,
        )


class RoleRead(BaseModel):
    person_id: str
    name: str
    role: CreditRole


class CaseRead(BaseModel):
    id: str
    day: date
    room: str
    start: datetime
    minutes: int
    procedure: str
    cpt_codes: list[str]
    service_id: str
    service: str
    attending_id: str | None
    attending: str | None
    flags: list[str]
    continuity: list[str]
    min_grade: str
    categories: list[str]
    index: bool
    has_patient: bool
    roles: list[RoleRead]

    @classmethod
    def of(cls, found: BoardCase) -> CaseRead:
        case = found.case
        return cls(
            id=case.id,
            day=case.day,
            room=case.room,
            start=case.start,
            minutes=case.minutes,
            procedure=case.procedure,
            cpt_codes=list(case.cpt_codes),
            service_id=case.service_id,
            service=found.service,
            attending_id=case.attending_id,
            attending=found.attending,
            flags=sorted(case.flags),
            continuity=list(case.continuity),
            min_grade=found.needs.min_grade.label,
            categories=list(found.needs.categories),
            index=found.needs.index,
            has_patient=found.has_patient,
            roles=[RoleRead(person_id=r.role.person_id, name=r.name, role=r.role.role) for r in found.roles],
        )


class PlanRead(BaseModel):
    number: int
    published: bool
    created_at: datetime
    created_by: str
    note: str

    @classmethod
    def of(cls, version: PlanVersion | None) -> PlanRead | None:
        if version is None:
            return None
        return cls(
            number=version.number,
            published=version.published,
            created_at=version.created_at,
            created_by=version.created_by,
            note=version.note,
        )


class UnavailableRead(BaseModel):
    case_id: str
    person_id: str
    reason: str


class BoardRead(BaseModel):
    day: date
    program: str
    timezone: str
    cases: list[CaseRead]
    plan: PlanRead | None
    published: PlanRead | None
    problems: list[str]
    unavailable: list[UnavailableRead] = Field(description="each resident who may not take a case, and why")

    @classmethod
    def of(cls, board: DayBoard) -> BoardRead:
        return cls(
            day=board.day,
            program=board.program,
            timezone=board.timezone,
            cases=[CaseRead.of(c) for c in board.cases],
            plan=PlanRead.of(board.plan),
            published=PlanRead.of(board.published),
            problems=list(board.problems),
            unavailable=[
                UnavailableRead(case_id=case_id, person_id=person_id, reason=why)
                for (case_id, person_id), why in board.availability.items()
                if why is not None
            ],
        )


class MoveCreate(BaseModel):
    case_id: str = Field(min_length=1, max_length=100)
    person_id: str | None = Field(None, max_length=100, description="none: take whoever holds the role off")
    role: CreditRole
    plan: int | None = Field(None, ge=0, le=MAX_ID, description="the plan version the change was made on")


class PublishCreate(BaseModel):
    plan: int | None = Field(None, ge=0, le=MAX_ID, description="the plan version being published")


class PublishRead(BaseModel):
    board: BoardRead
    notified: list[str]
    not_reached: list[str]

    @classmethod
    def of(cls, outcome: PublishOutcome) -> PublishRead:
        return cls(
            board=BoardRead.of(outcome.board),
            notified=[person for person, _ in outcome.notified],
            not_reached=list(outcome.not_reached),
        )


class BreakGlassCreate(BaseModel):
    case_id: str = Field(min_length=1, max_length=100)
    reason: str = Field(min_length=1, max_length=1000, description="why you need this patient's identifiers")


class PatientRead(BaseModel):
    case_id: str
    mrn: str
    name: str
    birth_date: date | None

    @classmethod
    def of(cls, case_id: str, patient: Patient) -> PatientRead:
        return cls(case_id=case_id, mrn=patient.mrn, name=patient.name, birth_date=patient.birth_date)


class AccessRead(BaseModel):
    id: int
    at: datetime
    account_id: int | None
    username: str
    role: str
    patient_key: str | None
    case_id: str
    route: str
    action: str
    reason: str | None
    outcome: str

    @classmethod
    def of(cls, entry: AccessEntry) -> AccessRead:
        return cls(
            id=entry.id,
            at=entry.at,
            account_id=entry.account_id,
            username=entry.username,
            role=entry.role,
            patient_key=entry.patient_key,
            case_id=entry.case_id,
            route=entry.route,
            action=entry.action,
            reason=entry.reason,
            outcome=entry.outcome,
        )


class PurgeCreate(BaseModel):
    older_than_days: int | None = Field(
        None, ge=0, le=36500, description="default: CALLROOM_PHI_RETENTION_DAYS"
    )


class PurgeRead(BaseModel):
    patients_purged: int
    before: date
    cases_kept: int
    case_logs_kept: int

    @classmethod
    def of(cls, result: PurgeResult) -> PurgeRead:
        return cls(
            patients_purged=result.patients_purged,
            before=result.before,
            cases_kept=result.cases_kept,
            case_logs_kept=result.case_logs_kept,
        )


class LogCreate(BaseModel):
    day: Day
    cpt_codes: list[str] = Field(min_length=1, max_length=20)
    role: CreditRole
    attending_id: str | None = Field(None, max_length=100)
    case_id: str | None = Field(None, max_length=100)

    def entry(self, person_id: str) -> LoggedCase:
        return LoggedCase(
            person_id, self.day, tuple(self.cpt_codes), self.role, (), self.attending_id, self.case_id
        )


class LogRead(BaseModel):
    id: int | None
    person_id: str
    day: date
    cpt_codes: list[str]
    role: CreditRole
    categories: list[str]
    attending_id: str | None
    case_id: str | None
    source: str
    created_at: datetime
    created_by: str

    @classmethod
    def of(cls, line: LogLine) -> LogRead:
        e = line.entry
        return cls(
            id=e.id,
            person_id=e.person_id,
            day=e.day,
            cpt_codes=list(e.cpt_codes),
            role=e.role,
            categories=list(e.categories),
            attending_id=e.attending_id,
            case_id=e.case_id,
            source=line.source,
            created_at=line.created_at,
            created_by=line.created_by,
        )


class ProgressRowRead(BaseModel):
    category: str
    name: str
    count: int
    minimum: int
    target: int | None
    expected: int
    behind: bool


class DashboardRead(BaseModel):
    person_id: str
    name: str
    grade: str
    major: int
    chief_year_major: int
    ta: int
    fa: int
    rows: list[ProgressRowRead]

    @classmethod
    def of(cls, found: Dashboard) -> DashboardRead:
        return cls(
            person_id=found.person_id,
            name=found.name,
            grade=found.grade.label,
            major=found.tally.major,
            chief_year_major=found.tally.chief_year_major,
            ta=found.tally.ta,
            fa=found.tally.fa,
            rows=[
                ProgressRowRead(
                    category=r.category,
                    name=r.name,
                    count=r.count,
                    minimum=r.minimum,
                    target=r.target,
                    expected=r.expected,
                    behind=r.behind,
                )
                for r in found.rows
            ],
        )


class CptTableCreate(BaseModel):
    text: str = Field(
        min_length=1, max_length=MAX_TEXT, description="CSV: code,description,categories,min_grade,index"
    )


class CptTableRead(BaseModel):
    number: int = Field(description="0: the default table shipped with callroom")
    text: str
    created_by: str | None

    @classmethod
    def of(cls, view: CptTableView) -> CptTableRead:
        return cls(number=view.number, text=view.text, created_by=view.created_by)
