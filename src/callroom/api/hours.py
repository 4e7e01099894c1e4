"""`/api/v1/hours`: log, confirm, clock in and out, correct, justify, review, report; and
`/api/v1/whatif`.

Who may try each route is the permission table (`hours:log-own` for a resident's own hours,
`hours:read` for everyone's, `hours:review` for justifications, `roster:read` for the what-if);
the service checks ownership again with the caller's person id: a resident logs, corrects,
justifies and reads only their own hours, and asks what-ifs only about themselves. Routes under
`/me` are the caller's own; `/people/{person_id}` and `/periods/{id}/history` read anyone's.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from callroom.accounts.permissions import Permission
from callroom.api.auth import Principal, require
from callroom.api.headers import SELF_CONTAINED_POLICY
from callroom.api.params import Day, Instant, RowId, bounded
from callroom.api.schemas import ErrorRead
from callroom.domain.worklog import Decision, Reason, WorkKind
from callroom.hours.report import csv_text, html_page
from callroom.hours.service import Correction, Entry, HoursActor, HoursReport, HoursService
from callroom.rules.violations import Violation
from callroom.rules.whatif import WhatIf
from callroom.storage.hours_repositories import JustificationRecord, PeriodRecord, RevisionRecord

Own = Annotated[Principal, Depends(require(Permission.HOURS_LOG_OWN))]
Reader = Annotated[Principal, Depends(require(Permission.HOURS_READ))]
Reviewer = Annotated[Principal, Depends(require(Permission.HOURS_REVIEW))]
Asker = Annotated[Principal, Depends(require(Permission.ROSTER_READ))]
ERRORS = {status: {"model": ErrorRead} for status in (401, 403, 404, 409, 422)}
router = APIRouter(tags=["hours"], responses=ERRORS)  # type: ignore[arg-type]
PREFIX = "/api/v1/hours"


def service(request: Request) -> HoursService:
    hours: HoursService = request.app.state.hours
    return hours


Service = Annotated[HoursService, Depends(service)]


def actor(caller: Principal) -> HoursActor:
    """The caller as the hours service sees them. Nobody edits another's hours through the API;
    a coordinator entering a paper log uses the CLI, which records them as the author."""
    return HoursActor(caller.identity, reads_all=caller.can(Permission.HOURS_READ),
                      reviews=caller.can(Permission.HOURS_REVIEW))


class PeriodCreate(BaseModel):
    start: Instant = Field(description="ISO 8601 with an offset")
    end: Instant
    kind: WorkKind = WorkKind.IN_HOUSE
    shift: str | None = Field(None, max_length=100, description="the scheduled shift it was worked as")
    post: str | None = Field(None, max_length=100)
    note: str = Field("", max_length=1000)


class ConfirmCreate(BaseModel):
    week_start: Day = Field(description="the first of the 7 days to confirm as worked as scheduled")


class ClockCreate(BaseModel):
    at: Instant | None = Field(None, description="default: now")
    kind: WorkKind = WorkKind.IN_HOUSE
    shift: str | None = Field(None, max_length=100)
    post: str | None = Field(None, max_length=100)


class CorrectionCreate(BaseModel):
    start: Instant | None = None
    end: Instant | None = None
    kind: WorkKind | None = None
    shift: str | None = Field(None, max_length=100)
    post: str | None = Field(None, max_length=100)
    note: str = Field("", max_length=1000)
    withdraw: bool = Field(False, description="take the period out of the hours (its history stays)")


class JustificationCreate(BaseModel):
    reason: Reason
    note: str = Field("", max_length=1000)


class ReviewCreate(BaseModel):
    decision: Decision
    note: str = Field("", max_length=1000)


class WhatIfCreate(BaseModel):
    person: str | None = Field(None, max_length=100, description="default: the caller")
    take: str = Field(min_length=1, max_length=200, description="DATE:SHIFT[:POST]")

    @field_validator("take")
    @classmethod
    def _day_in_range(cls, take: str) -> str:
        """A day out of range is refused here; any other malformed take by the service."""
        try:
            day = date.fromisoformat(take.partition(":")[0])
        except ValueError:
            return take
        bounded(day)
        return take


class RevisionRead(BaseModel):
    number: int
    start: datetime
    end: datetime | None
    kind: WorkKind
    shift: str | None
    post: str | None
    withdrawn: bool
    source: str
    note: str
    changed_by: str
    changed_at: datetime

    @classmethod
    def of(cls, record: RevisionRecord) -> RevisionRead:
        v = record.values
        return cls(number=record.number, start=v.start, end=v.end, kind=v.kind, shift=v.shift_id,
                   post=v.post_id, withdrawn=v.withdrawn, source=record.source, note=v.note,
                   changed_by=record.changed_by, changed_at=record.changed_at)


class PeriodRead(BaseModel):
    id: int
    person: str
    created_by: str
    created_at: datetime
    current: RevisionRead

    @classmethod
    def of(cls, record: PeriodRecord) -> PeriodRead:
        return cls(id=record.id, person=record.person_id, created_by=record.created_by,
                   created_at=record.created_at, current=RevisionRead.of(record.current))


class ReviewRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    decision: Decision
    note: str
    reviewer: str
    reviewed_at: datetime


class JustificationRead(BaseModel):
    id: int
    period_id: int
    reason: Reason
    note: str
    created_by: str
    created_at: datetime
    status: str
    reviews: list[ReviewRead]

    @classmethod
    def of(cls, record: JustificationRecord) -> JustificationRead:
        return cls(id=record.id, period_id=record.period_id, reason=record.reason, note=record.note,
                   created_by=record.created_by, created_at=record.created_at, status=record.status,
                   reviews=[ReviewRead.model_validate(r) for r in record.reviews])


class HistoryRead(BaseModel):
    period: PeriodRead
    revisions: list[RevisionRead]
    justifications: list[JustificationRead]


class ConfirmRead(BaseModel):
    logged: list[PeriodRead]
    skipped: list[str]


class ViolationRead(BaseModel):
    rule: str
    citation: str
    severity: str
    person: str | None
    day: date | None
    measured: float | None
    limit: float | None
    message: str

    @classmethod
    def of(cls, v: Violation) -> ViolationRead:
        return cls(rule=v.rule.code, citation=v.rule.cited, severity=v.rule.severity.value,
                   person=v.person_id, day=v.day, measured=v.measured, limit=v.limit, message=v.message)


class WeekRead(BaseModel):
    person: str
    week_start: date
    scheduled_hours: float
    worked_hours: float
    difference_hours: float
    by_kind_hours: dict[str, float]


class BlockRead(BaseModel):
    number: int
    start: date
    end: date
    violations: list[ViolationRead]
    early_warnings: list[ViolationRead]


class ReportRead(BaseModel):
    blocks: list[BlockRead]
    weeks: list[WeekRead]
    justifications: list[JustificationRead]


class FindingRead(BaseModel):
    when: str
    text: str
    violation: ViolationRead


class WhatIfRead(BaseModel):
    person: str
    day: date
    shift: str
    post: str
    acceptable: bool
    logged_through: date | None
    findings: list[FindingRead]
    resolved: list[ViolationRead]

    @classmethod
    def of(cls, answer: WhatIf) -> WhatIfRead:
        take = answer.take
        return cls(person=take.person_id, day=take.day, shift=take.shift_id, post=take.post_id,
                   acceptable=answer.acceptable, logged_through=answer.logged_through,
                   findings=[FindingRead(when=f.when, text=f.text, violation=ViolationRead.of(f.violation))
                             for f in answer.findings],
                   resolved=[ViolationRead.of(v) for v in answer.resolved])


def _report_read(report: HoursReport) -> ReportRead:
    return ReportRead(
        blocks=[BlockRead(number=b.number, start=b.block.start, end=b.block.end,
                          violations=[ViolationRead.of(v) for v in b.violations],
                          early_warnings=[ViolationRead.of(v) for v in b.warnings]) for b in report.blocks],
        weeks=[WeekRead(person=w.person_id, week_start=w.week_start, scheduled_hours=w.scheduled_minutes / 60,
                        worked_hours=w.worked_minutes / 60, difference_hours=w.difference_minutes / 60,
                        by_kind_hours={k.value: m / 60 for k, m in w.by_kind.items()}) for w in report.weeks],
        justifications=[JustificationRead.of(j) for j in report.justifications])


Format = Literal["json", "csv", "html"]
# At most 1000: far beyond any real report, and small enough that the block's dates exist
# (a generated block number of 10**18 overflowed the date arithmetic: a 500).
BlockNumber = Annotated[int, Field(ge=1, le=1000)]
Blocks = Annotated[list[BlockNumber], Query(alias="block",
                                              description="block numbers (1: the program's own)")]


def _shaped(report: HoursReport, fmt: Format) -> ReportRead | Response:
    if fmt == "csv":
        return Response(csv_text(report), media_type="text/csv; charset=utf-8")
    if fmt == "html":
        return Response(html_page(report), media_type="text/html; charset=utf-8",
                        headers={"Content-Security-Policy": SELF_CONTAINED_POLICY})
    return _report_read(report)


# -- the caller's own hours ----------------------------------------------------------------------

@router.post(f"{PREFIX}/me/periods", status_code=201)
def log_period(body: PeriodCreate, caller: Own, hours: Service) -> PeriodRead:
    """Log a period worked. 422 naming the field: end before start, over 30 hours, in the
    future, overlapping another period, unknown shift or post; nothing is saved."""
    entry = Entry(caller.identity, body.start, body.end, body.kind, body.shift, body.post, body.note)
    return PeriodRead.of(hours.log(actor(caller), entry))


@router.get(f"{PREFIX}/me/periods")
def my_periods(caller: Own, hours: Service) -> list[PeriodRead]:
    return [PeriodRead.of(p) for p in hours.periods(actor(caller), caller.identity)]


@router.post(f"{PREFIX}/me/confirm", status_code=201)
def confirm_week(body: ConfirmCreate, caller: Own, hours: Service) -> ConfirmRead:
    """Worked as scheduled: log the week's ended shifts from the live roster in one action."""
    done = hours.confirm(actor(caller), caller.identity, body.week_start)
    return ConfirmRead(logged=[PeriodRead.of(p) for p in done.logged], skipped=list(done.skipped))


@router.post(f"{PREFIX}/me/clock-in", status_code=201)
def clock_in(caller: Own, hours: Service, body: ClockCreate | None = None) -> PeriodRead:
    """Start a period now (or at `at`); the body may be left out."""
    body = body or ClockCreate()
    return PeriodRead.of(hours.clock_in(actor(caller), caller.identity, body.at, body.kind, body.shift,
                                        body.post))


@router.post(f"{PREFIX}/me/clock-out")
def clock_out(caller: Own, hours: Service, body: ClockCreate | None = None) -> PeriodRead:
    """End the open period now (or at `at`)."""
    return PeriodRead.of(hours.clock_out(actor(caller), caller.identity, (body or ClockCreate()).at))


@router.post(f"{PREFIX}/me/periods/{{period_id}}/corrections", status_code=201)
def correct_period(period_id: RowId, body: CorrectionCreate, caller: Own, hours: Service) -> PeriodRead:
    """A new value for one's own period; the earlier values stay in its history."""
    change = Correction(body.start, body.end, body.kind, body.shift, body.post, body.note, body.withdraw)
    return PeriodRead.of(hours.correct(actor(caller), period_id, change))


@router.get(f"{PREFIX}/me/periods/{{period_id}}/history")
def my_period_history(period_id: RowId, caller: Own, hours: Service) -> HistoryRead:
    return _history(hours, HoursActor(caller.identity), period_id)


@router.post(f"{PREFIX}/me/periods/{{period_id}}/justifications", status_code=201)
def justify_period(period_id: RowId, body: JustificationCreate, caller: Own, hours: Service
                   ) -> JustificationRead:
    return JustificationRead.of(hours.justify(actor(caller), period_id, body.reason, body.note))


@router.get(f"{PREFIX}/me/report", response_model=None)
def my_report(caller: Own, hours: Service, block: Blocks = [],  # noqa: B006 (FastAPI reads it)
              format: Format = "json") -> ReportRead | Response:
    return _shaped(hours.report(HoursActor(caller.identity), caller.identity, block), format)


# -- everyone's hours (program directors, chiefs) ------------------------------------------------

@router.get(f"{PREFIX}/people/{{person_id}}/periods")
def person_periods(person_id: str, caller: Reader, hours: Service) -> list[PeriodRead]:
    return [PeriodRead.of(p) for p in hours.periods(actor(caller), person_id)]


@router.get(f"{PREFIX}/periods/{{period_id}}/history")
def period_history(period_id: RowId, caller: Reader, hours: Service) -> HistoryRead:
    """Every value the period has had, who changed it and when, and its justifications."""
    return _history(hours, actor(caller), period_id)


@router.get(f"{PREFIX}/report", response_model=None)
def program_report(caller: Reader, hours: Service, block: Blocks = [],  # noqa: B006
                   person: str | None = None, format: Format = "json") -> ReportRead | Response:
    """Compliance by block on hours as worked, early warnings, scheduled against worked by week
    and justifications: JSON, CSV or a printable HTML page."""
    return _shaped(hours.report(actor(caller), person, block), format)


@router.post(f"{PREFIX}/justifications/{{justification_id}}/reviews", status_code=201)
def review_justification(justification_id: RowId, body: ReviewCreate, caller: Reviewer, hours: Service
                         ) -> JustificationRead:
    return JustificationRead.of(hours.review(actor(caller), justification_id, body.decision, body.note))


# -- what-if ------------------------------------------------------------------------------------

@router.post("/api/v1/whatif")
def what_if(body: WhatIfCreate, caller: Asker, hours: Service) -> WhatIfRead:
    """Would the person (default: the caller) break a rule by taking the shift, at it or later
    in the block? Judged on their logged hours where they have logged, the roster elsewhere."""
    return WhatIfRead.of(hours.whatif(actor(caller), body.person or caller.identity, body.take))


def _history(hours: HoursService, who: HoursActor, period_id: int) -> HistoryRead:
    found = hours.history(who, period_id)
    return HistoryRead(period=PeriodRead.of(found.period),
                       revisions=[RevisionRead.of(r) for r in found.revisions],
                       justifications=[JustificationRead.of(j) for j in found.justifications])
