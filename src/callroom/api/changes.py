"""`/api/v1/changes`: sick-call repairs, swaps, offered shifts, days off and open shifts.

Routes are thin: they authenticate, call `ChangeService` and shape the answer. The service
takes the caller's principal and refuses a decision by anyone without `request:approve` (403);
it names the field of any bad input (422), a request that breaks a hard rule when it is asked
for (422, each rule in `errors`, nothing stored), a stale or finished proposal (409), and the
rule and numbers behind a refusal at approval (409, each rule in `errors`). A repair takes
seconds of CP-SAT, so it is a background job (`JobService.submit_repair`): the route answers
202 with the job, as a queued solve does.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from callroom.accounts.permissions import Permission
from callroom.api.auth import Principal, require
from callroom.api.deps import Changes as Service
from callroom.api.deps import Jobs
from callroom.api.params import RowId
from callroom.api.schemas import ErrorRead
from callroom.api.schemas.changes import (
    AheadCreate,
    CheckRead,
    DayOffCreate,
    DecisionRead,
    DetailRead,
    OfferCreate,
    OpenShiftCreate,
    OpenShiftRead,
    ProposalRead,
    ReasonCreate,
    RepairCreate,
    SwapCreate,
)
from callroom.api.schemas.jobs import JobRead
from callroom.changes.repairs import RepairAsk

# Who may try each route (the permission table); ownership and chief decisions are checked again
# by the service with the caller's person id and role.
Own = Annotated[Principal, Depends(require(Permission.REQUEST_OWN))]
Chief = Annotated[Principal, Depends(require(Permission.REQUEST_APPROVE))]
Reader = Annotated[Principal, Depends(require(Permission.REQUEST_READ))]
# Reading one proposal: anyone it may touch (residents, and attendings a repair moves or an open
# shift is offered to) and those who read every request (program directors) may ask; the service
# answers only those it touches and `request:read` (403 for anyone else).
Concerned = Annotated[Principal, Depends(require(Permission.ROSTER_READ))]
ERRORS = {status: {"model": ErrorRead} for status in (401, 403, 404, 409, 422)}
router = APIRouter(prefix="/api/v1/changes", tags=["changes"], responses=ERRORS)  # type: ignore[arg-type]


@router.post("/repairs", status_code=202)
def create_repair(body: RepairCreate, caller: Chief, jobs: Jobs, response: Response) -> JobRead:
    """Queue a minimal-change repair for an absence (chief only), solved in the background; bad
    input is refused at once (422, naming the field) and queues nothing. Follow the job at
    `/api/v1/jobs/{id}` (or its `/events`): when done, its result's `proposal` is the stored
    repair (`GET /api/v1/changes/{proposal}`), whose payload carries the moves with their
    reasons, the change count, whether it is proven minimal, and any post that goes short (the
    least-bad option) with what blocks it; when it failed, `error` says why (no repair within
    the limits, or none found in time). The same sick call asked again while its repair is
    queued or running answers that job (200)."""
    ask = RepairAsk(
        body.absent,
        body.start,
        body.end,
        body.window_from,
        body.window_to,
        tuple(body.only),
        body.time_limit_s,
        body.note,
    )
    job, new = jobs.submit_repair(caller, ask)
    if not new:
        response.status_code = 200
    return JobRead.of(job)


@router.post("/swaps", status_code=201)
def create_swap(body: SwapCreate, caller: Own, changes: Service) -> ProposalRead:
    """Offer the caller's shift on `day` for the colleague's on `colleague_day`."""
    swapped = changes.propose_swap(caller, body.day, body.colleague, body.colleague_day, body.note)
    return ProposalRead.model_validate(swapped)


@router.post("/offers", status_code=201)
def create_offer(body: OfferCreate, caller: Own, changes: Service) -> ProposalRead:
    """Offer the caller's shift on `day` to a colleague."""
    return ProposalRead.model_validate(changes.offer_shift(caller, body.day, body.colleague, body.note))


@router.post("/days-off", status_code=201)
def create_day_off(body: DayOffCreate, caller: Own, changes: Service) -> ProposalRead:
    """Ask for a day off; it goes to the chief."""
    return ProposalRead.model_validate(changes.request_day_off(caller, body.day, body.note))


@router.post("/ahead", status_code=201)
def create_ahead(body: AheadCreate, caller: Own, changes: Service) -> ProposalRead:
    """Ask for leave, a day off or a wish in a later block; it goes to the chief."""
    return ProposalRead.model_validate(changes.ask_ahead(caller, body.ask))


@router.get("/ahead")
def asked_ahead(caller: Own, changes: Service) -> list[ProposalRead]:
    """The caller's requests for later blocks, in every state, newest first."""
    return [ProposalRead.model_validate(r) for r in changes.asked_ahead(caller)]


@router.post("/open-shifts", status_code=201)
def create_open_shift(body: OpenShiftCreate, caller: Chief, changes: Service) -> OpenShiftRead:
    """Publish a hole (chief only); it is offered to everyone the rules let take it."""
    published = changes.publish_open_shift(
        caller, body.day, body.shift_id, body.post_id, body.holder, body.note
    )
    return OpenShiftRead(
        proposal=ProposalRead.model_validate(published.proposal), offered=list(published.offered)
    )


@router.get("/pending")
def pending_mine(caller: Own, changes: Service) -> list[ProposalRead]:
    """What waits on or concerns the caller, including open shifts offered to them."""
    return [ProposalRead.model_validate(r) for r in changes.pending_for(caller)]


@router.get("/pending/chief")
def pending_chief(caller: Reader, changes: Service) -> list[ProposalRead]:
    """Everything awaiting the chief's decision, and open shifts not yet taken."""
    return [ProposalRead.model_validate(r) for r in changes.pending_for_chief(caller)]


@router.get("/{proposal_id}")
def get_proposal(proposal_id: RowId, caller: Concerned, changes: Service) -> DetailRead:
    """The proposal with its events and offers, for the people it touches (who asked, the
    colleague named, everyone whose shifts it moves, those offered an open shift), chiefs and
    program directors; 403 for anyone else."""
    return DetailRead.of(changes.get(caller, proposal_id))


@router.get("/{proposal_id}/check")
def check_proposal(proposal_id: RowId, caller: Concerned, changes: Service) -> CheckRead:
    """The rules the change would break or clear, for everyone it touches, on the newest roster
    (for those who may read the proposal). A declared conflict between two others is only "a
    confidential rule"; the chief sees its reason."""
    return CheckRead.of(changes.check(caller, proposal_id))


@router.post("/{proposal_id}/accept")
def accept_proposal(proposal_id: RowId, caller: Own, changes: Service) -> ProposalRead:
    return ProposalRead.model_validate(changes.accept(caller, proposal_id))


@router.post("/{proposal_id}/decline")
def decline_proposal(proposal_id: RowId, body: ReasonCreate, caller: Own, changes: Service) -> ProposalRead:
    return ProposalRead.model_validate(changes.decline(caller, proposal_id, body.reason))


@router.post("/{proposal_id}/withdraw")
def withdraw_proposal(proposal_id: RowId, caller: Own, changes: Service) -> ProposalRead:
    return ProposalRead.model_validate(changes.withdraw(caller, proposal_id))


@router.post("/{proposal_id}/approve")
def approve_proposal(proposal_id: RowId, body: ReasonCreate, caller: Chief, changes: Service) -> DecisionRead:
    """Apply the change as a new roster version and page everyone it moved (chief only)."""
    return DecisionRead.of(changes.approve(caller, proposal_id, body.reason))


@router.post("/{proposal_id}/take")
def take_open_shift(proposal_id: RowId, caller: Own, changes: Service) -> DecisionRead:
    """Take an open shift offered to the caller: the first to accept gets it."""
    return DecisionRead.of(changes.take_open_shift(caller, proposal_id))
