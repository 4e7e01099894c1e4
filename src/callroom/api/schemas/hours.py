"""Bodies of the duty-hours routes and the what-if."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from callroom.api.params import Day, Instant, bounded
from callroom.api.schemas.schedule import ViolationRead
from callroom.domain.worklog import Decision, Reason, WorkKind
from callroom.hours.service import HoursReport, JustificationRecord, PeriodRecord, RevisionRecord
from callroom.rules.whatif import WhatIf


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
        return cls(
            number=record.number,
            start=v.start,
            end=v.end,
            kind=v.kind,
            shift=v.shift_id,
            post=v.post_id,
            withdrawn=v.withdrawn,
            source=record.source,
            note=v.note,
            changed_by=record.changed_by,
            changed_at=record.changed_at,
        )


class PeriodRead(BaseModel):
    id: int
    person: str
    created_by: str
    created_at: datetime
    current: RevisionRead

    @classmethod
    def of(cls, record: PeriodRecord) -> PeriodRead:
        return cls(
            id=record.id,
            person=record.person_id,
            created_by=record.created_by,
            created_at=record.created_at,
            current=RevisionRead.of(record.current),
        )


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
        return cls(
            id=record.id,
            period_id=record.period_id,
            reason=record.reason,
            note=record.note,
            created_by=record.created_by,
            created_at=record.created_at,
            status=record.status,
            reviews=[ReviewRead.model_validate(r) for r in record.reviews],
        )


class HistoryRead(BaseModel):
    period: PeriodRead
    revisions: list[RevisionRead]
    justifications: list[JustificationRead]


class ConfirmRead(BaseModel):
    logged: list[PeriodRead]
    skipped: list[str]


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

    @classmethod
    def of(cls, report: HoursReport) -> ReportRead:
        return cls(
            blocks=[
                BlockRead(
                    number=b.number,
                    start=b.block.start,
                    end=b.block.end,
                    violations=[ViolationRead.of(v) for v in b.violations],
                    early_warnings=[ViolationRead.of(v) for v in b.warnings],
                )
                for b in report.blocks
            ],
            weeks=[
                WeekRead(
                    person=w.person_id,
                    week_start=w.week_start,
                    scheduled_hours=w.scheduled_minutes / 60,
                    worked_hours=w.worked_minutes / 60,
                    difference_hours=w.difference_minutes / 60,
                    by_kind_hours={k.value: m / 60 for k, m in w.by_kind.items()},
                )
                for w in report.weeks
            ],
            justifications=[JustificationRead.of(j) for j in report.justifications],
        )


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
        return cls(
            person=take.person_id,
            day=take.day,
            shift=take.shift_id,
            post=take.post_id,
            acceptable=answer.acceptable,
            logged_through=answer.logged_through,
            findings=[
                FindingRead(when=f.when, text=f.text, violation=ViolationRead.of(f.violation))
                for f in answer.findings
            ],
            resolved=[ViolationRead.of(v) for v in answer.resolved],
        )
