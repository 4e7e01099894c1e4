"""The OR board (`/or?day=2027-03-02`): a day's operating-room cases, room by room down the
hours, and the residents on each in their credit role; the chief imports the day (a CSV of the
OR schedule or a FHIR bundle), adds or edits a case, assigns the day, moves a resident on or
off a case, and publishes the day to the residents.

Assigning is a background job (`JobService.submit_or_assign`; CP-SAT, seconds), the same one
`POST /api/v1/or/days/{day}/assign` queues: the chief watches it on the shared job page
(`web.job_page`), and the browser goes on to the board of that day with `?job=N`, which shows
the outcome in words (every case covered or how many are not; the best plan proven, or only the
best found in the time; the solver's figures folded away; each case left without a resident and
why each resident is out, worded for the chief) or why the job stored nothing.

Everything is `callroom.operating.OrService`: it checks the rules before anything is saved and
refuses with a `callroom.errors` error, which the page shows beside the case it is about, with
what was chosen kept. The board never shows a patient: a case's page does, through the
service's guarded, audited `patient` (see `web.operating_case`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from callroom.accounts.permissions import Permission
from callroom.api.deps import Jobs, Operating, Rosters
from callroom.api.errors import status_of
from callroom.api.params import RowId
from callroom.domain.clock import utc_now
from callroom.domain.operating import CreditRole
from callroom.domain.program import Program
from callroom.errors import CallroomError, Invalid, NotFound
from callroom.jobs.service import JobRecord, JobService, JobState, or_assign_ask
from callroom.operating.service import AssignAsk, OrService
from callroom.operating.types import ImportResult
from callroom.web import operating_view as view
from callroom.web.forms import check_csrf, form_data, form_with_file
from callroom.web.job_page import JobView, render_job
from callroom.web.names import Names
from callroom.web.session import Viewer, require
from callroom.web.templating import render

router = APIRouter()
PATH = "/or"
Reader = Annotated[Viewer, Depends(require(Permission.OR_READ, "see the OR board"))]
Chief = Annotated[Viewer, Depends(require(Permission.OR_ASSIGN, "import, assign or publish the OR board"))]
Form = Annotated[dict[str, str], Depends(form_data)]
NOTICES = {
    "saved": "Case saved.",
    "moved": "Saved: the residents on the case are changed.",
}


def parse_day(text: str | None, program: Program) -> date:
    """The day asked for (`day=2027-03-02`), tomorrow in the hospital's time without one."""
    if not text:
        return view.hospital_today(program, utc_now()) + timedelta(days=1)
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise Invalid("day", "the day must look like 2027-03-02") from error


def board_context(viewer: Viewer, operating: OrService, day: date) -> dict[str, Any]:
    """The board of `day`: the rooms and their cases placed, the residents one may choose when
    moving, and whether the viewer may change it."""
    found = operating.cases(viewer.principal, day)
    return {
        "day": day,
        "previous": day - timedelta(days=1),
        "next": day + timedelta(days=1),
        "zone": found.timezone,
        "board": view.board_of(found),
        "state": view.plan_state(found),
        "plan_number": found.plan.number if found.plan is not None else None,
        "problems": found.problems,
        "choices": lambda case_id: view.choices(found, case_id),
        "roles": view.ROLE_CHOICES,
        "anchor": view.anchor,
        "may_edit": viewer.can(Permission.OR_ASSIGN),
        "may_edit_cpt": viewer.can(Permission.CPT_EDIT),
    }


def _page(
    request: Request,
    viewer: Viewer,
    operating: OrService,
    day: date,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    notice: str | None = None,
    extra: dict[str, Any] | None = None,
    outcome: Mapping[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    context = board_context(viewer, operating, day) | {
        "errors": errors or {},
        "values": values or {},
        "notice": notice,
        "assigned": None,
        "told": None,
        "first": True,
        "missed": [],
        "import_errors": None,
    }
    if outcome is not None:
        context["assigned"] = _assigned(outcome, context["board"].blocks)
    return render(request, "or_board.html", context | (extra or {}), status=status)


@router.get(PATH, response_class=HTMLResponse)
def board_page(
    request: Request, viewer: Reader, rosters: Rosters, operating: Operating, jobs: Jobs
) -> HTMLResponse:
    """The day's board; with `job`, the assignment job that led here, its outcome above it."""
    live = rosters.live()
    if live is None:
        return render(request, "empty.html", {"title": "OR board"})
    day = parse_day(request.query_params.get("day"), live.program)
    notice = NOTICES.get(request.query_params.get("done", ""))
    ended = _job_outcome(viewer, jobs, day, request.query_params.get("job"))
    return _page(
        request,
        viewer,
        operating,
        day,
        notice=notice,
        errors=ended.get("errors"),
        outcome=ended.get("assigned"),
    )


def _go(request: Request, target: str) -> Response:
    """Post/redirect/get, for a plain form and for htmx (which follows HX-Redirect instead)."""
    if request.headers.get("hx-request"):
        return Response(status_code=200, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def _posted_day(form: dict[str, str], program: Program) -> date:
    return parse_day(form.get("day") or None, program)


def _base_plan(form: dict[str, str]) -> int | None:
    """The plan version the chief was looking at when they sent the form (a change is refused
    when someone changed the plan since: they look again first)."""
    sent = form.get("plan", "").strip()
    return int(sent) if sent.isdigit() else None


# --- import -----------------------------------------------------------------------------------


@router.post(PATH + "/import", response_class=HTMLResponse)
async def import_day(request: Request, viewer: Chief, rosters: Rosters, operating: Operating) -> Response:
    """A day's OR schedule from a file (CSV, or a FHIR bundle as JSON): every case, or none;
    a refusal lists each row and field it is about."""
    live = rosters.require_live()
    fields, upload = await form_with_file(request, viewer)
    day = _posted_day(fields, live.program)
    try:
        text = upload.text("choose a file: the OR schedule as CSV, or a FHIR bundle as JSON")
        result = operating.import_day(viewer.principal, text, upload.name)
    except CallroomError as error:
        refused = view.refused_file(error)
        return _page(
            request, viewer, operating, day, extra={"import_errors": refused}, status=status_of(error)
        )
    shown = min(result.days) if result.days else day
    return _page(request, viewer, operating, shown, notice=import_words(result, upload.name))


def import_words(result: ImportResult, name: str) -> str:
    """What an import did, in a sentence: how many cases it added, changed, left and removed,
    and which removed cases had residents told of them (publishing tells them)."""
    counts = (
        (len(result.added), "added"),
        (len(result.changed), "changed"),
        (len(result.unchanged), "unchanged"),
        (len(result.removed), "removed (no longer in the file)"),
    )
    parts = [f"{n} {words}" for n, words in counts if n]
    days = ", ".join(d.strftime("%a %d %b") for d in sorted(result.days))
    said = f"Imported {name or 'the file'} for {days or 'no day'}: {', '.join(parts) or 'no cases'}."
    if result.removed_published:
        said += (
            f" Removed with residents on the published plan: {'; '.join(result.removed_published)}."
            " Publish to tell their residents."
        )
    return said


# --- assign, move, publish --------------------------------------------------------------------


@router.post(PATH + "/assign", response_class=HTMLResponse)
def assign(
    request: Request, viewer: Chief, form: Form, rosters: Rosters, operating: Operating, jobs: Jobs
) -> Response:
    """Queue the day's assignment (a background job, `JobService.submit_or_assign`) and show it
    being solved on the shared job page; a refusal (no cases that day) is said beside the Assign
    button and queues nothing. Asked again while the day's job runs, it shows that job."""
    check_csrf(request, viewer, form)
    live = rosters.require_live()
    day = _posted_day(form, live.program)
    try:
        job, _ = jobs.submit_or_assign(viewer.principal, day)
    except CallroomError as error:
        return _page(
            request, viewer, operating, day, errors={"assign": error.message}, status=status_of(error)
        )
    return _go(request, f"{PATH}/jobs/{job.id}")


ASSIGN_FIGURES = (("elapsed_s", "Seconds so far"),)  # the outcome is said in words on the board


@router.get(PATH + "/jobs/{job_id}", response_class=HTMLResponse)
def assign_job_page(request: Request, job_id: RowId, viewer: Chief, jobs: Jobs) -> HTMLResponse:
    """The day's assignment being solved; once its draft plan is stored the browser goes on to
    the board of that day, which shows the outcome."""
    job, ask = _assign_job(jobs, viewer, job_id)
    board = f"{PATH}?day={ask.day.isoformat()}"
    view = JobView(
        f"OR assignment #{job.id}",
        ask.day.strftime("%A %d %B %Y"),
        ASSIGN_FIGURES,
        PATH + "?day={day}&job={job}",
        "See the plan on the board",
        f"{PATH}/jobs/{job.id}/cancel",
        ((f"{board}&job={job.id}", "Back to the board of that day"),),
        go=True,
    )
    return render_job(request, job, view, may_cancel=True)


@router.post(PATH + "/jobs/{job_id}/cancel")
def cancel_assign(request: Request, job_id: RowId, viewer: Chief, jobs: Jobs, form: Form) -> Response:
    check_csrf(request, viewer, form)
    _assign_job(jobs, viewer, job_id)
    jobs.cancel(viewer.principal, job_id)
    return RedirectResponse(f"{PATH}/jobs/{job_id}", status_code=303)


def _assign_job(jobs: JobService, viewer: Viewer, job_id: int) -> tuple[JobRecord, AssignAsk]:
    job = jobs.get(viewer.principal, job_id)
    ask = or_assign_ask(job)
    if ask is None:
        raise NotFound("job", f"job {job_id} is not an OR assignment")
    return job, ask


def _job_outcome(viewer: Viewer, jobs: JobService, day: date, text: str | None) -> dict[str, Any]:
    """What the board shows of the assignment job `text` names (`?job=N`, where its page led):
    the outcome once done, why it ended without a plan otherwise; nothing for a job of another
    day or one the viewer may not see (it is the chief's: its reasons are worded for them)."""
    if not text or not text.isdigit() or not viewer.can(Permission.OR_ASSIGN):
        return {}
    try:
        job, ask = _assign_job(jobs, viewer, int(text))
    except CallroomError:
        return {}
    if ask.day != day:
        return {}
    if job.state is JobState.DONE and job.result is not None:
        return {"assigned": job.result}
    if job.state is JobState.FAILED:
        return {"errors": {"assign": f"The assignment stored nothing: {job.error}"}}
    if job.state is JobState.CANCELLED:
        return {"errors": {"assign": "The assignment was cancelled; the plan is as it was."}}
    return {}


def _assigned(result: Mapping[str, Any], board: Sequence[view.CaseBlock]) -> dict[str, Any]:
    """The solver's answer in words: its objective, proven best or not, and each case left
    without a resident with why each candidate is out."""
    blocks = {b.id: b for b in board}
    unassigned = [
        (blocks.get(case_id), case_id, list(reasons))
        for case_id, reasons in dict(result.get("unassigned", {})).items()
    ]
    return {
        "objective": result.get("objective"),
        "bound": result.get("bound"),
        "optimal": bool(result.get("optimal")),
        "plan": result.get("plan"),
        "unassigned": sorted(unassigned, key=lambda u: (u[0] is None, u[0].starts if u[0] else "", u[1])),
    }


def _role(text: str) -> CreditRole:
    try:
        return CreditRole(text)
    except ValueError as error:
        raise Invalid("role", "choose a credit role: SC, SJ, TA or FA") from error


@router.post(PATH + "/move", response_class=HTMLResponse)
def move(request: Request, viewer: Chief, form: Form, rosters: Rosters, operating: Operating) -> Response:
    """Put a resident on a case in a role (or, `remove`, take whoever holds that role off it),
    checked by the service before anything is saved; a refusal is said beside the case, with
    the resident and role chosen kept in its form."""
    check_csrf(request, viewer, form)
    live = rosters.require_live()
    day = _posted_day(form, live.program)
    case_id = form.get("case", "")
    removing = form.get("action") == "remove"
    person = None if removing else form.get("person", "") or None
    try:
        if not removing and person is None:
            raise Invalid("person", "choose a resident")
        role = _role(form.get("role", ""))
        operating.move(viewer.principal, day, case_id, person, role, base_plan=_base_plan(form))
    except CallroomError as error:
        values = {f"{case_id}.{k}": v for k, v in form.items()}
        return _page(
            request,
            viewer,
            operating,
            day,
            errors={case_id: error.message},
            values=values,
            status=status_of(error),
        )
    return _go(request, f"{PATH}?day={day.isoformat()}&done=moved#{view.anchor(case_id)}")


@router.post(PATH + "/publish", response_class=HTMLResponse)
def publish(request: Request, viewer: Chief, form: Form, rosters: Rosters, operating: Operating) -> Response:
    """Publish the day's plan: each resident on it is told their cases (after the first time,
    only those whose cases changed, told what changed); the board says who was told what."""
    check_csrf(request, viewer, form)
    live = rosters.require_live()
    day = _posted_day(form, live.program)
    try:
        outcome = operating.publish(viewer.principal, day, base_plan=_base_plan(form))
    except CallroomError as error:
        return _page(
            request, viewer, operating, day, errors={"publish": error.message}, status=status_of(error)
        )
    names = Names(live.program)
    told = sorted((names.person(person_id), body) for person_id, body in outcome.told)
    missed = sorted(names.person(person_id) for person_id in outcome.not_reached)
    extra = {"told": told, "missed": missed, "first": outcome.first}
    return _page(request, viewer, operating, day, extra=extra)
