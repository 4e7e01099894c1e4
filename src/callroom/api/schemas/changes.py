"""Bodies of the roster-change routes: repairs, swaps, offered shifts, days off, open shifts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from callroom.api.schemas.schedule import ViolationRead
from callroom.changes.ahead import AheadAsk
from callroom.changes.types import Check, Decision, ProposalDetail
from callroom.rosters.wishes import Ahead
from callroom.rules.violations import Violation


class RepairCreate(BaseModel):
    absent: str = Field(min_length=1, max_length=100, description="the absent person's id")
    start: str = Field(alias="from", description="date or ISO datetime (hospital wall clock if no offset)")
    end: str = Field(alias="to", description="date (inclusive) or ISO datetime")
    window_from: date | None = None
    window_to: date | None = None
    only: list[str] = Field(default_factory=list, description="people who may be moved (empty: anyone)")
    time_limit_s: float = Field(10.0, gt=0, le=600)
    note: str = Field("", max_length=1000)


class SwapCreate(BaseModel):
    day: date
    colleague: str = Field(min_length=1, max_length=100)
    colleague_day: date
    note: str = Field("", max_length=1000)


class OfferCreate(BaseModel):
    day: date
    colleague: str = Field(min_length=1, max_length=100)
    note: str = Field("", max_length=1000)


class DayOffCreate(BaseModel):
    day: date
    note: str = Field("", max_length=1000)


class AheadCreate(BaseModel):
    """Leave, a day off or a wish for dates after the live block: `what` is vacation, day_off,
    prefer_off, prefer_on or avoid (with `shift_id`, the shift the resident would rather not
    work); `last` defaults to `first`."""

    what: Ahead
    first: date
    last: date | None = None
    shift_id: str | None = Field(None, max_length=100)
    note: str = Field("", max_length=1000)

    @property
    def ask(self) -> AheadAsk:
        return AheadAsk(self.what, self.first, self.last or self.first, self.shift_id, self.note)


class OpenShiftCreate(BaseModel):
    day: date
    shift_id: str = Field(min_length=1, max_length=100)
    post_id: str = Field(min_length=1, max_length=100)
    holder: str | None = Field(
        None, max_length=100, description="who gives the shift up (none: an extra slot)"
    )
    note: str = Field("", max_length=1000)


class ReasonCreate(BaseModel):
    reason: str = Field("", max_length=1000)


class ProposalRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    program_name: str
    kind: str
    state: str
    base_version_id: int
    requester: str
    colleague: str | None
    payload: dict[str, Any]
    note: str
    created_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    decision_reason: str | None
    result_version_id: int | None


class EventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str
    role: str
    kind: str
    detail: dict[str, Any]


class OfferRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    person_id: str
    state: str
    offered_at: datetime
    answered_at: datetime | None


class DetailRead(BaseModel):
    proposal: ProposalRead
    events: list[EventRead]
    offers: list[OfferRead]

    @classmethod
    def of(cls, detail: ProposalDetail) -> DetailRead:
        return cls(
            proposal=ProposalRead.model_validate(detail.proposal),
            events=[EventRead.model_validate(e) for e in detail.events],
            offers=[OfferRead.model_validate(o) for o in detail.offers],
        )


class CheckRead(BaseModel):
    proposal_id: int
    acceptable: bool
    refusal: str | None
    introduced: list[ViolationRead]
    resolved: list[ViolationRead]
    roster_version_id: int

    @classmethod
    def of(cls, check: Check) -> CheckRead:
        def views(found: tuple[Violation, ...]) -> list[ViolationRead]:
            return [ViolationRead.of(v) for v in found]

        return cls(
            proposal_id=check.proposal_id,
            acceptable=check.acceptable,
            refusal=check.refusal,
            introduced=views(check.introduced),
            resolved=views(check.resolved),
            roster_version_id=check.roster_version_id,
        )


class DecisionRead(BaseModel):
    proposal: ProposalRead
    roster_version_id: int | None
    roster_version_number: int | None
    notified: list[str]

    @classmethod
    def of(cls, decision: Decision) -> DecisionRead:
        version = decision.version
        return cls(
            proposal=ProposalRead.model_validate(decision.proposal),
            roster_version_id=version.id if version else None,
            roster_version_number=version.number if version else None,
            notified=list(decision.notified),
        )


class OpenShiftRead(BaseModel):
    proposal: ProposalRead
    offered: list[str]
