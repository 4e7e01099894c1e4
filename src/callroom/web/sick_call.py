"""Sick calls (`/changes/sick-call`): the chief says who is off sick and from when to when, and
gets the roster repaired with the fewest changes; the repair is a proposal shown as a diff (who
comes off which shift, who goes on, and the rules behind each move), approved or declined with a
reason, and a shift no one could cover is published as an open shift from the same page.

The page lives under /changes, beside the API's `/api/v1/changes/repairs`, because a repair is a
change proposal of the change service (`ChangeService.propose_repair`, `approve`, `decline`,
`publish_open_shift`): it needs `request:approve`, as they do. The menu and the schedule grid
link to it; a cell's editor opens it for that person and day.

The repair is a background job (`JobService.submit_repair`; CP-SAT, seconds up to the chief's
time limit), the same one `POST /api/v1/changes/repairs` queues: the form is checked first (a
refusal comes back beside its field, nothing queued), then the chief watches the job on the
shared job page (`web.job_page`: its phase, the fewest changes found, cancel) and the browser
goes on to the repair when it is stored. A repair that fails or is cancelled leads back to the
form with the values it was asked with (`?job=N`).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from callroom.accounts.permissions import Permission
from callroom.api.deps import Changes, Jobs, Rosters
from callroom.api.errors import status_of
from callroom.api.params import RowId
from callroom.changes.repairs import RepairAsk
from callroom.changes.service import ChangeService
from callroom.changes.types import (
    Kind,
    ProposalDetail,
    ProposalNotFound,
    ProposalRecord,
    RepairPending,
    State,
    Superseded,
)
from callroom.domain.clock import utc_now
from callroom.errors import CallroomError, Invalid, NotFound
from callroom.jobs.service import JobRecord, JobService, JobState, repair_ask
from callroom.rosters.live import Live
from callroom.rosters.service import RosterService
from callroom.web import sick_view
from callroom.web.forms import check_csrf, form_data
from callroom.web.job_page import JobView, render_job
from callroom.web.names import Names
from callroom.web.session import Viewer, require
from callroom.web.templating import render

router = APIRouter()
PATH = "/changes/sick-call"
Chief = Annotated[Viewer, Depends(require(Permission.REQUEST_APPROVE, "repair the roster for a sick call"))]
Form = Annotated[dict[str, str], Depends(form_data)]
NOTICES = {
    "approved": "Approved: the repaired roster is live, and everyone moved has been told.",
    "declined": "Declined: the roster is unchanged.",
    "waiting": "This sick call was asked before: its repair, below, is waiting for your decision.",
    "opened": "Published as an open shift: everyone the rules allow is paged; the first to take it gets it.",
}


# --- the sick call ---------------------------------------------------------------------------


@router.get(PATH, response_class=HTMLResponse)
def sick_call_page(
    request: Request, viewer: Chief, rosters: Rosters, changes: Changes, jobs: Jobs
) -> HTMLResponse:
    """The form, with its defaults (`sick_view.defaults`), a person and day from the grid, or
    the sick call a repair job was asked with (`job`), with why it ended without a repair."""
    live = rosters.live()
    if live is None:
        return render(request, "empty.html", {"title": "Sick call"})
    values = sick_view.defaults(live.program, utc_now())
    given = request.query_params
    if given.get("absent") in live.program.person:
        values["absent"] = given["absent"]
    if given.get("day", "") and _is_day(given["day"]):
        values |= {"from_day": given["day"], "from_time": "", "to_day": given["day"]}
    errors: dict[str, str] = {}
    if given.get("job", "").isdigit():
        job = _repair_job(jobs, viewer, int(given["job"]))
        values = sick_view.form_of(_ask(job))
        errors = _ended(job)
    return _form_page(request, viewer, live, changes, values, errors=errors)


@router.post(PATH, response_model=None)
def ask_repair(
    request: Request, viewer: Chief, form: Form, rosters: Rosters, changes: Changes, jobs: Jobs
) -> Response:
    """Check the sick call and queue its repair, then show it being solved; a refusal
    re-renders the form with what was typed and the message next to its field, and queues
    nothing. The same sick call asked again while it is being solved shows that job; asked
    again while its repair awaits approval, it shows that repair."""
    check_csrf(request, viewer, form)
    live = rosters.require_live()
    try:
        job, _ = jobs.submit_repair(viewer.principal, sick_view.ask_of(form))
    except RepairPending as pending:  # the same sick call again: its repair is the answer
        return _go(request, f"{PATH}/{pending.proposal_id}?done=waiting")
    except CallroomError as error:
        field = error.field if error.field in ("absent", "from", "to", "time_limit", "only") else "absent"
        return _form_page(
            request, viewer, live, changes, form, errors={field: error.message}, status=status_of(error)
        )
    return _go(request, f"{PATH}/jobs/{job.id}")


def _ended(job: JobRecord) -> dict[str, str]:
    """Why the sick call's repair job ended without a repair, shown above the form."""
    if job.state is JobState.FAILED:
        return {"job": f"The repair found nothing: {job.error}"}
    if job.state is JobState.CANCELLED:
        return {"job": "The repair was cancelled; change the sick call and try again."}
    return {}


# --- the repair being solved -----------------------------------------------------------------


REPAIR_FIGURES = (
    ("elapsed_s", "Elapsed"),
    ("solutions", "Repairs found"),
    ("changes", "Fewest changes found"),
    ("bound", "Proven at least"),
    ("short", "Left uncovered"),
)


@router.get(PATH + "/jobs/{job_id}", response_class=HTMLResponse)
def repair_job_page(
    request: Request, job_id: RowId, viewer: Chief, rosters: Rosters, jobs: Jobs
) -> HTMLResponse:
    """The repair being solved, live: its phase and figures; the repair once it is stored."""
    job = _repair_job(jobs, viewer, job_id)
    ask = _ask(job)
    live = rosters.require_live()
    absence = {"person_id": ask.absent, "from": ask.start, "to": ask.end}
    view = JobView(
        f"Sick call #{job.id}",
        f"{_name(live, ask.absent)}, {sick_view.span(live.program, absence)}",
        REPAIR_FIGURES,
        PATH + "/{proposal}",
        "See the repair",
        f"{PATH}/jobs/{job.id}/cancel",
        ((f"{PATH}?job={job.id}", "Back to the sick call form, with these values"),),
        go=True,
    )
    return render_job(request, job, view, may_cancel=True)


@router.post(PATH + "/jobs/{job_id}/cancel")
def cancel_repair(request: Request, job_id: RowId, viewer: Chief, jobs: Jobs, form: Form) -> Response:
    check_csrf(request, viewer, form)
    _repair_job(jobs, viewer, job_id)
    jobs.cancel(viewer.principal, job_id)
    return RedirectResponse(f"{PATH}/jobs/{job_id}", status_code=303)


def _repair_job(jobs: JobService, viewer: Viewer, job_id: int) -> JobRecord:
    job = jobs.get(viewer.principal, job_id)
    if repair_ask(job) is None:
        raise NotFound("job", f"job {job_id} is not a sick call's repair")
    return job


def _ask(job: JobRecord) -> RepairAsk:
    ask = repair_ask(job)
    assert ask is not None  # `_repair_job` found a repair
    return ask


def _form_page(
    request: Request,
    viewer: Viewer,
    live: Live,
    changes: ChangeService,
    values: dict[str, str],
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    program = live.program
    waiting = [r for r in changes.pending_for_chief(viewer.principal) if r.kind == Kind.REPAIR]
    context = {
        "live": program,
        "block": program.block,
        "people": sorted(program.people, key=lambda p: p.name),
        "values": values,
        "only": {key.removeprefix(sick_view.ONLY) for key in values if key.startswith(sick_view.ONLY)},
        "errors": errors or {},
        "time_limits": sick_view.TIME_LIMITS,
        "zone": program.hospital.timezone,
        "waiting": [
            (r, _absent_name(live, r), sick_view.span(program, r.payload["absence"])) for r in waiting
        ],
    }
    return render(request, "sick_call.html", context, status=status)


def _absent_name(live: Live, record: ProposalRecord) -> str:
    return _name(live, record.payload["absence"]["person_id"])


def _name(live: Live, person_id: str) -> str:
    return Names(live.program).person(person_id)


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _go(request: Request, target: str) -> Response:
    """Post/redirect/get, for a plain form and for htmx (which follows HX-Redirect instead)."""
    if request.headers.get("hx-request"):
        return Response(status_code=200, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


# --- the repair ------------------------------------------------------------------------------


@router.get(PATH + "/{proposal_id}", response_class=HTMLResponse)
def repair_page(
    request: Request, proposal_id: RowId, viewer: Chief, rosters: Rosters, changes: Changes
) -> HTMLResponse:
    notice = NOTICES.get(request.query_params.get("done", ""))
    return _repair_page(request, viewer, rosters, changes, proposal_id, notice=notice)


def _repair_page(
    request: Request,
    viewer: Viewer,
    rosters: RosterService,
    changes: ChangeService,
    proposal_id: int,
    *,
    notice: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    detail = _repair(changes, viewer, proposal_id)
    live = rosters.require_live()
    record = detail.proposal
    payload = record.payload
    uncovered = sick_view.uncovered(payload)
    span = sick_view.span(live.program, payload["absence"])
    errors = errors or {}
    context: dict[str, Any] = {
        "record": record,
        "payload": payload,
        "absent": _absent_name(live, record),
        "span": span,
        "rows": sick_view.rows(payload, span),
        "uncovered": uncovered,
        "opened": _opened_for(changes, viewer, record),
        "version": _version_number(rosters, record),
        "told": _told(live, detail),
        "decided_by": _name(live, record.decided_by or ""),
        "superseded_by": next((e.detail.get("by") for e in detail.events if e.kind == "superseded"), None),
        "zone": live.program.hospital.timezone,
        "notice": notice,
        "errors": errors,
        "stray": [m for k, m in errors.items() if k not in _shown(record, uncovered)],
        "values": values or {},
    }
    return render(request, "sick_call_repair.html", context, status=status)


def _shown(record: ProposalRecord, uncovered: list[sick_view.Uncovered]) -> set[str]:
    """The error keys the page shows beside their form; any other refusal goes at the top."""
    if record.state == State.ACCEPTED:
        return {"approve", "decline", "superseded"}
    if record.state == State.APPROVED:
        return {f"slot-{short.index}" for short in uncovered}
    return {"superseded"}


def _repair(changes: ChangeService, viewer: Viewer, proposal_id: int) -> ProposalDetail:
    detail = changes.get(viewer.principal, proposal_id)
    if detail.proposal.kind != Kind.REPAIR:
        raise ProposalNotFound("proposal", f"proposal {proposal_id} is not a sick call's repair")
    return detail


def _version_number(rosters: RosterService, record: ProposalRecord) -> int | None:
    if record.result_version_id is None:
        return None
    found = (v.number for v in rosters.versions(record.program_name) if v.id == record.result_version_id)
    return next(found, None)


def _told(live: Live, detail: ProposalDetail) -> list[str]:
    """The names of the people paged about their new shifts (the "notified" event)."""
    pages: dict[str, int] = next((e.detail["pages"] for e in detail.events if e.kind == "notified"), {})
    return sorted(_name(live, person_id) for person_id in pages)


def _opened_for(changes: ChangeService, viewer: Viewer, record: ProposalRecord) -> dict[int, ProposalRecord]:
    """The open shifts already published for this repair's uncovered shifts, by shortfall."""
    if record.state != State.APPROVED:
        return {}
    published = [
        r
        for r in changes.pending_for_chief(viewer.principal)
        if r.kind == Kind.OPEN_SHIFT and r.payload.get("holder") is None
    ]
    found = {}
    for short in sick_view.uncovered(record.payload):
        slot = {"day": short.day.isoformat(), "shift_id": short.shift_id, "post_id": short.post_id}
        match = next((r for r in published if r.payload.get("slot") == slot), None)
        if match is not None:
            found[short.index] = match
    return found


@router.post(PATH + "/{proposal_id}/{action}", response_model=None)
def decide(
    request: Request,
    proposal_id: RowId,
    action: str,
    viewer: Chief,
    form: Form,
    rosters: Rosters,
    changes: Changes,
) -> Response:
    """Approve or decline the repair (with a reason), or publish an uncovered shift as an
    open shift (`slot`: which one)."""
    check_csrf(request, viewer, form)
    if action not in ("approve", "decline", "open-shift"):
        raise ProposalNotFound("action", f"no action {action!r} on a sick call")
    try:
        target = _act(changes, viewer, proposal_id, action, form)
    except CallroomError as error:
        key = f"slot-{form.get('slot', '')}" if action == "open-shift" else action
        message = error.message
        if isinstance(error, Superseded):
            key, message = "superseded", str(error.fresh_id)
        return _repair_page(
            request,
            viewer,
            rosters,
            changes,
            proposal_id,
            errors={key: message},
            values={f"{action}.{k}": v for k, v in form.items()},
            status=status_of(error),
        )
    return _go(request, target)


def _act(changes: ChangeService, viewer: Viewer, proposal_id: int, action: str, form: dict[str, str]) -> str:
    """Do it; where to go afterwards."""
    detail = _repair(changes, viewer, proposal_id)
    reason = form.get("reason", "").strip()
    here = f"{PATH}/{proposal_id}"
    if action == "approve":
        if not reason:
            raise Invalid("reason", "say why (it is kept with the new roster version)")
        changes.approve(viewer.principal, proposal_id, reason)
        return f"{here}?done=approved"
    if action == "decline":
        changes.decline(viewer.principal, proposal_id, reason)
        return f"{here}?done=declined"
    _open_shift(changes, viewer, detail.proposal, form.get("slot", ""))
    return f"{here}?done=opened"


def _open_shift(changes: ChangeService, viewer: Viewer, record: ProposalRecord, slot: str) -> None:
    """Publish the chosen uncovered shift as an open shift (an extra slot on the repaired
    roster, offered to everyone the rules let take it)."""
    shorts = {str(s.index): s for s in sick_view.uncovered(record.payload)}
    short = shorts.get(slot)
    if short is None:
        raise Invalid("slot", "choose one of the shifts left uncovered")
    if record.state != State.APPROVED:
        raise Invalid("slot", "approve the repair first: the shift is open once the repaired roster is live")
    note = f"left uncovered by sick call #{record.id}"
    changes.publish_open_shift(viewer.principal, short.day, short.shift_id, short.post_id, note=note)
