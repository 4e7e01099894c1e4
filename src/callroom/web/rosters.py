"""Rosters (`/rosters`): the chief's monthly job. Solve a program in the background and watch it
(elapsed time, rosters found, best objective, bound and gap, and a chart of the objective
against time, live from the job's event stream); compare the draft with the live roster (the
cells that change, penalties per rule and per person, fairness per cohort, cover gaps);
publish it, or roll back to an earlier version, with a reason. Everyone else reads the
versions and how each came to be.

Every action is a service call with the viewer's principal (`JobService`, `Publishing`): the
page checks nothing the services do not.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from callroom.accounts.permissions import Permission
from callroom.api.deps import Jobs, Publishing, Rosters
from callroom.api.errors import status_of
from callroom.api.params import RowId
from callroom.domain.program import Program
from callroom.domain.roster import Assignment
from callroom.errors import CallroomError, Invalid, NotFound
from callroom.jobs.service import SOLVE, JobRecord
from callroom.rosters.audit import PublishAudit, audit_of, describe
from callroom.rosters.live import Live
from callroom.rosters.service import RosterService
from callroom.rules import ids
from callroom.web.forms import check_csrf, form_data
from callroom.web.job_page import JobView, render_job
from callroom.web.names import Names
from callroom.web.session import Viewer, require
from callroom.web.templating import render

router = APIRouter()
# Drafts are the chief's work in progress: the pages are the chief's (everyone reads the live
# roster on the schedule grid).
Chief = Annotated[Viewer, Depends(require(Permission.ROSTER_EDIT, "solve and publish rosters"))]
Form = Annotated[dict[str, str], Depends(form_data)]
ProgramParam = Annotated[str | None, Query(max_length=200, description="a stored program's name")]
TIME_LIMITS = (10, 30, 60, 120, 300)


@router.get("/rosters", response_class=HTMLResponse)
def rosters_page(
    request: Request,
    viewer: Chief,
    rosters: Rosters,
    jobs: Jobs,
    program: ProgramParam = None,
    error: Annotated[str | None, Query(max_length=1000)] = None,
) -> HTMLResponse:
    return _versions_page(request, viewer, rosters, jobs, program, error)


def _versions_page(
    request: Request,
    viewer: Viewer,
    rosters: Rosters,
    jobs: Jobs,
    program: str | None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The versions page; `error` is a refusal to show (with its `status` when it is this
    request's own, 200 when a redirect brought it)."""
    live = rosters.live()
    name = program or (live.name if live is not None else None)
    versions = list(reversed(rosters.versions(name))) if name else []
    live_number = next((v.number for v in versions if v.published), None)
    context = {
        "program": name,
        "versions": [(v, describe(v, _program_of(live, name))) for v in versions],
        "live_number": live_number,
        "jobs": jobs.recent(viewer.principal, name)[:5] if name else [],
        "time_limits": TIME_LIMITS,
        "may_edit": viewer.can(Permission.ROSTER_EDIT),
        "error": error,
        "zone": live.program.hospital.timezone if live is not None else "UTC",
    }
    return render(request, "rosters.html", context, status)


def _program_of(live: Live | None, name: str | None) -> Program | None:
    """The program to name people and posts by: the live one, when these are its versions."""
    return live.program if live is not None and live.name == name else None


@router.post("/rosters/solve", response_model=None)
def solve(request: Request, viewer: Chief, rosters: Rosters, jobs: Jobs, form: Form) -> Response:
    check_csrf(request, viewer, form)
    program = form.get("program", "")
    try:
        seconds = float(form.get("time_limit", "30"))
        job, _ = jobs.submit_solve(viewer.principal, program, seconds)
    except ValueError:
        return _versions_page(request, viewer, rosters, jobs, program, "choose a time limit", 422)
    except CallroomError as error:
        return _versions_page(request, viewer, rosters, jobs, program, error.message, status_of(error))
    return RedirectResponse(f"/rosters/jobs/{job.id}", status_code=303)


@router.get("/rosters/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: RowId, viewer: Chief, jobs: Jobs) -> HTMLResponse:
    job = jobs.get(viewer.principal, job_id)
    if job.kind != SOLVE:
        raise NotFound("job", f"job {job_id} is not a solve")
    return render_job(request, job, _solve_view(job), viewer.can(Permission.ROSTER_EDIT))


SOLVE_FIGURES = (
    ("elapsed_s", "Elapsed"),
    ("solutions", "Rosters found"),
    ("objective", "Best objective"),
    ("bound", "Bound"),
    ("gap", "Gap"),
)


def _solve_view(job: JobRecord) -> JobView:
    program = job.subject
    seen = "Compare draft" if job.payload.get("draft", True) else "See version"
    return JobView(
        f"Solve #{job.id}",
        program,
        SOLVE_FIGURES,
        f"/rosters/compare?program={quote(program, safe='')}&number={{version}}",
        seen + " {version} with the live roster",
        f"/rosters/jobs/{job.id}/cancel",
        ((f"/rosters?program={quote(program, safe='')}", f"All versions of {program}"),),
        chart=True,
    )


@router.post("/rosters/jobs/{job_id}/cancel")
def cancel(request: Request, job_id: RowId, viewer: Chief, jobs: Jobs, form: Form) -> Response:
    check_csrf(request, viewer, form)
    jobs.cancel(viewer.principal, job_id)
    return RedirectResponse(f"/rosters/jobs/{job_id}", status_code=303)


@router.get("/rosters/compare", response_class=HTMLResponse)
def compare_page(
    request: Request,
    viewer: Chief,
    rosters: Rosters,
    program: Annotated[str, Query(min_length=1, max_length=200)],
    number: Annotated[int, Query(ge=1)],
    error: str | None = None,
) -> HTMLResponse:
    chosen, base, found = rosters.compare(program, number)
    people = chosen.program.person
    context = {
        "program": program,
        "chosen": chosen,
        "base": base,
        "found": found,
        "published_as": _published_as(rosters, program, number),
        "rule_title": lambda code: ids.BY_CODE[code].title if code in ids.BY_CODE else code,
        "name_of": lambda person_id: people[person_id].name if person_id in people else person_id,
        "shift_of": lambda a: _shift_words(chosen.program, a),
        "names": Names(chosen.program),
        "may_edit": viewer.can(Permission.ROSTER_EDIT),
        "error": error,
    }
    return render(request, "rosters_compare.html", context)


def _published_as(rosters: RosterService, program: str, number: int) -> int | None:
    """The version that made draft `number` live, if one did."""
    for version in rosters.versions(program):
        audit = audit_of(version)
        if isinstance(audit, PublishAudit) and not audit.rollback and audit.from_version == number:
            return version.number
    return None


def _shift_words(program: Program, assignment: Assignment) -> str:
    shift, post = program.shift.get(assignment.shift_id), program.post.get(assignment.post_id)
    return f"{shift.name if shift else assignment.shift_id} · {post.name if post else assignment.post_id}"


@router.post("/rosters/publish", response_model=None)
def publish(request: Request, viewer: Chief, publishing: Publishing, form: Form) -> Response:
    return _make_live(request, viewer, publishing, form, rollback=False)


@router.post("/rosters/rollback", response_model=None)
def roll_back(request: Request, viewer: Chief, publishing: Publishing, form: Form) -> Response:
    return _make_live(request, viewer, publishing, form, rollback=True)


def _make_live(
    request: Request, viewer: Viewer, publishing: Publishing, form: dict[str, str], rollback: bool
) -> Response:
    check_csrf(request, viewer, form)
    program, reason = form.get("program", ""), form.get("reason", "")
    try:
        number = int(form.get("number", ""))
    except ValueError:
        raise Invalid("number", "choose a roster version") from None
    try:
        act = publishing.roll_back if rollback else publishing.publish
        done = act(viewer.principal, program, number, reason)
    except CallroomError as error:
        # Back to the form's own page, the refusal shown there.
        page = "/rosters?" if rollback else "/rosters/compare?"
        query = {"program": program, "error": error.message} | ({} if rollback else {"number": number})
        return RedirectResponse(page + urlencode(query), status_code=303)
    told = f"; {len(done.notified)} of {len(done.changed)} people moved were told" if done.changed else ""
    notice = f"Version {done.version.number} is live{told}."
    return RedirectResponse("/rosters?" + urlencode({"program": program, "notice": notice}), status_code=303)
