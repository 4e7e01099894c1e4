"""`/api/v1/changes`: sick-call repairs, swaps, offered shifts, days off and open shifts.

Routes are thin: they authenticate, call `ChangeService` and shape the answer. The caller acts
as themselves (`Principal.user`) with their role; the service refuses a non-chief decision
(403) and names the field of any bad input (422), a stale or finished proposal (409), and the
rule and numbers behind a refusal (409, each rule in `errors`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from callroom.accounts.permissions import Permission
from callroom.api.auth import Principal, require
from callroom.api.params import RowId
from callroom.api.schemas import ErrorRead
from callroom.changes.repairs import RepairAsk
from callroom.changes.service import ChangeService
from callroom.changes.types import Actor, Check, Decision, ProposalDetail
from callroom.storage.changes_repositories import ChangeEventRecord, OfferRecord, ProposalRecord

# Who may try each route (the permission table); ownership and chief decisions are checked again
# by the service with the caller's person id and role.
Own = Annotated[Principal, Depends(require(Permission.REQUEST_OWN))]
Chief = Annotated[Principal, Depends(require(Permission.REQUEST_APPROVE))]
Reader = Annotated[Principal, Depends(require(Permission.REQUEST_READ))]
ERRORS = {status: {"model": ErrorRead} for status in (401, 403, 404, 409, 422)}
router = APIRouter(prefix="/api/v1/changes", tags=["changes"], responses=ERRORS)  # type: ignore[arg-type]


def service(request: Request) -> ChangeService:
    changes: ChangeService = request.app.state.changes
    return changes


Service = Annotated[ChangeService, Depends(service)]


def actor(caller: Principal) -> Actor:
    """The caller as the service sees them: their person on the schedule, and their role."""
    return Actor(caller.identity, caller.role.value)


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


class OpenShiftCreate(BaseModel):
    day: date
    shift_id: str = Field(min_length=1, max_length=100)
    post_id: str = Field(min_length=1, max_length=100)
    holder: str | None = Field(None, max_length=100,
                               description="who gives the shift up (none: an extra slot)")
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
        return cls(proposal=_read(detail.proposal), events=[_event(e) for e in detail.events],
                   offers=[_offer(o) for o in detail.offers])


class ViolationRead(BaseModel):
    rule: str
    title: str
    message: str
    person_id: str | None
    day: date | None
    measured: float | None
    limit: float | None


class CheckRead(BaseModel):
    proposal_id: int
    acceptable: bool
    refusal: str | None
    introduced: list[ViolationRead]
    resolved: list[ViolationRead]
    roster_version_id: int

    @classmethod
    def of(cls, check: Check) -> CheckRead:
        def views(found: Any) -> list[ViolationRead]:
            return [ViolationRead(rule=v.rule.code, title=v.rule.title, message=v.message,
                                  person_id=v.person_id, day=v.day, measured=v.measured, limit=v.limit)
                    for v in found]
        return cls(proposal_id=check.proposal_id, acceptable=check.acceptable, refusal=check.refusal,
                   introduced=views(check.introduced), resolved=views(check.resolved),
                   roster_version_id=check.roster_version_id)


class DecisionRead(BaseModel):
    proposal: ProposalRead
    roster_version_id: int | None
    roster_version_number: int | None
    notified: list[str]

    @classmethod
    def of(cls, decision: Decision) -> DecisionRead:
        version = decision.version
        return cls(proposal=_read(decision.proposal), roster_version_id=version.id if version else None,
                   roster_version_number=version.number if version else None,
                   notified=list(decision.notified))


class OpenShiftRead(BaseModel):
    proposal: ProposalRead
    offered: list[str]


def _read(record: ProposalRecord) -> ProposalRead:
    return ProposalRead.model_validate(record)


def _event(record: ChangeEventRecord) -> EventRead:
    return EventRead.model_validate(record)


def _offer(record: OfferRecord) -> OfferRead:
    return OfferRead.model_validate(record)


@router.post("/repairs", status_code=201)
def create_repair(body: RepairCreate, caller: Chief, changes: Service) -> ProposalRead:
    """Solve a minimal-change repair for an absence and store it for approval (chief only). The
    payload carries the moves with their reasons, the change count, whether it is proven
    minimal, and any post that goes short (the least-bad option) with what blocks it."""
    ask = RepairAsk(body.absent, body.start, body.end, body.window_from, body.window_to, tuple(body.only),
                    body.time_limit_s, body.note)
    return _read(changes.propose_repair(actor(caller), ask).proposal)


@router.post("/swaps", status_code=201)
def create_swap(body: SwapCreate, caller: Own, changes: Service) -> ProposalRead:
    """Offer the caller's shift on `day` for the colleague's on `colleague_day`."""
    return _read(changes.propose_swap(actor(caller), body.day, body.colleague, body.colleague_day, body.note))


@router.post("/offers", status_code=201)
def create_offer(body: OfferCreate, caller: Own, changes: Service) -> ProposalRead:
    """Offer the caller's shift on `day` to a colleague."""
    return _read(changes.offer_shift(actor(caller), body.day, body.colleague, body.note))


@router.post("/days-off", status_code=201)
def create_day_off(body: DayOffCreate, caller: Own, changes: Service) -> ProposalRead:
    """Ask for a day off; it goes to the chief."""
    return _read(changes.request_day_off(actor(caller), body.day, body.note))


@router.post("/open-shifts", status_code=201)
def create_open_shift(body: OpenShiftCreate, caller: Chief, changes: Service) -> OpenShiftRead:
    """Publish a hole (chief only); it is offered to everyone the rules let take it."""
    published = changes.publish_open_shift(actor(caller), body.day, body.shift_id, body.post_id, body.holder,
                                            body.note)
    return OpenShiftRead(proposal=_read(published.proposal), offered=list(published.offered))


@router.get("/pending")
def pending_mine(caller: Own, changes: Service) -> list[ProposalRead]:
    """What waits on or concerns the caller, including open shifts offered to them."""
    return [_read(r) for r in changes.pending_for(caller.identity)]


@router.get("/pending/chief")
def pending_chief(caller: Reader, changes: Service) -> list[ProposalRead]:
    """Everything awaiting the chief's decision, and open shifts not yet taken."""
    return [_read(r) for r in changes.pending_for_chief()]


@router.get("/{proposal_id}")
def get_proposal(proposal_id: RowId, caller: Own, changes: Service) -> DetailRead:
    return DetailRead.of(changes.get(proposal_id))


@router.get("/{proposal_id}/check")
def check_proposal(proposal_id: RowId, caller: Own, changes: Service) -> CheckRead:
    """The rules the change would break or clear, for everyone it touches, on the newest roster."""
    return CheckRead.of(changes.check(proposal_id))


@router.post("/{proposal_id}/accept")
def accept_proposal(proposal_id: RowId, caller: Own, changes: Service) -> ProposalRead:
    return _read(changes.accept(proposal_id, actor(caller)))


@router.post("/{proposal_id}/decline")
def decline_proposal(proposal_id: RowId, body: ReasonCreate, caller: Own, changes: Service) -> ProposalRead:
    return _read(changes.decline(proposal_id, actor(caller), body.reason))


@router.post("/{proposal_id}/withdraw")
def withdraw_proposal(proposal_id: RowId, caller: Own, changes: Service) -> ProposalRead:
    return _read(changes.withdraw(proposal_id, actor(caller)))


@router.post("/{proposal_id}/approve")
def approve_proposal(proposal_id: RowId, body: ReasonCreate, caller: Chief, changes: Service) -> DecisionRead:
    """Apply the change as a new roster version and page everyone it moved (chief only)."""
    return DecisionRead.of(changes.approve(proposal_id, actor(caller), body.reason))


@router.post("/{proposal_id}/take")
def take_open_shift(proposal_id: RowId, caller: Own, changes: Service) -> DecisionRead:
    """Take an open shift offered to the caller: the first to accept gets it."""
    return DecisionRead.of(changes.take_open_shift(proposal_id, actor(caller)))
