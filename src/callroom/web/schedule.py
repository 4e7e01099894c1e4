"""The schedule grid (`/schedule`) and the chief's cell edit (`/schedule/cell...`, htmx).

Everyone who may read rosters sees the grid, filtered by service and grade, a week or the whole
block at a time, with each person's totals, the cover of each post and shift below, and their
own row first; it prints as the grid on landscape paper (app.css). A chief clicks a cell: the
editor offers what that person may work, "Check" shows what the rules say (violations and cover
gaps the edit would cause), and "Save" stores a new roster version. An edit that breaks a hard
rule is shown with its warning and never saved. The checks and the save are the roster service's,
as for the API.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from callroom.accounts.permissions import Permission
from callroom.api.deps import Changes, Rosters
from callroom.api.errors import status_of
from callroom.domain.program import Program
from callroom.errors import CallroomError, Invalid
from callroom.rosters.edits import CellEdit, EditCheck, HardRulesBroken
from callroom.rosters.live import Live
from callroom.rules.ids import Severity
from callroom.rules.violations import Violation
from callroom.web.forms import check_csrf, form_data
from callroom.web.grid import GridFilter, block_weeks, build_grid, grade_labels
from callroom.web.session import Viewer, require
from callroom.web.templating import render

router = APIRouter()
Reader = Annotated[Viewer, Depends(require(Permission.ROSTER_READ, "read the schedule"))]
Editor = Annotated[Viewer, Depends(require(Permission.ROSTER_EDIT, "edit the schedule"))]
Form = Annotated[dict[str, str], Depends(form_data)]
OFF = "off"
HISTORY = 10
BACK = re.compile(r"[A-Za-z0-9_=&%.+-]{0,200}")


def _filters(live: Live, query: dict[str, str]) -> tuple[GridFilter, dict[str, str]]:
    """The grid filter from the query string, and a message per field that made no sense."""
    errors: dict[str, str] = {}
    service = query.get("service") or None
    if service is not None and service not in live.program.service:
        errors["service"] = f"no service {service!r}: choose one from the list"
        service = None
    grade = query.get("grade") or None
    if grade is not None and grade not in grade_labels(live.program):
        errors["grade"] = f"no grade {grade!r} in this program"
        grade = None
    week, weeks = query.get("week") or None, block_weeks(live.program)
    number = None
    if week is not None:
        if week.isdigit() and 1 <= int(week) <= weeks:
            number = int(week) - 1
        else:
            errors["week"] = f"the week must be 1 to {weeks}, or the whole block"
    return GridFilter(service, grade, number), errors


@router.get("/schedule", response_class=HTMLResponse)
def schedule_page(request: Request, viewer: Reader, rosters: Rosters) -> HTMLResponse:
    live = rosters.live()
    if live is None:
        return render(request, "empty.html", {"title": "Schedule"})
    chosen, errors = _filters(live, dict(request.query_params))
    grid = build_grid(live.program, live.roster, chosen, viewer.person_id)
    saved = request.query_params.get("saved")
    notice = f"Saved as roster version {saved}." if saved and saved.isdigit() else None
    return render(
        request,
        "schedule.html",
        {
            "live": live,
            "grid": grid,
            "chosen": chosen,
            "errors": errors,
            "notice": notice,
            "history": rosters.history(HISTORY),
            "grades": grade_labels(live.program),
            "editable": viewer.can(Permission.ROSTER_EDIT),
            "may_repair": viewer.can(Permission.REQUEST_APPROVE),
            "mine": viewer.person_id in live.program.person,
            "query": request.url.query,
        },
        status=422 if errors else 200,
    )


def choices(program: Program, person_id: str) -> list[tuple[str, str]]:
    """(value, label) for the cell's select: off, then every post and shift the person may work."""
    found = [(OFF, "Off (no shift)")]
    for post_id, shift_id in program.options(program.person[person_id]):
        label = f"{program.shift[shift_id].name} · {program.post[post_id].name}"
        found.append((f"{post_id}|{shift_id}", label))
    return found


def parse_edit(live: Live, form: Mapping[str, str]) -> CellEdit:
    """The cell edit a submitted form asks for; Invalid naming the form field otherwise."""
    person_id = form.get("person", "")
    if person_id not in live.program.person:
        raise Invalid("person", f"no person {person_id!r} in this program")
    try:
        day = date.fromisoformat(form.get("day", ""))
    except ValueError as error:
        raise Invalid("day", "the day must be a date like 2027-03-01") from error
    version = form.get("version", "")
    base = int(version) if version.isdigit() else live.record.number
    choice = form.get("choice", OFF)
    if choice == OFF:
        return CellEdit(person_id, day, None, None, base)
    if choice not in dict(choices(live.program, person_id)):
        name = live.program.person[person_id].name
        raise Invalid("choice", f"choose off, or a post and shift {name} may work")
    post_id, shift_id = choice.split("|", 1)
    return CellEdit(person_id, day, post_id, shift_id, base)


@router.get("/schedule/cell", response_class=HTMLResponse)
def cell_editor(
    request: Request, viewer: Editor, rosters: Rosters, person: str = "", day: str = ""
) -> HTMLResponse:
    """The editor for one cell (an htmx fragment)."""
    live = rosters.require_live()
    edit = parse_edit(live, {"person": person, "day": day})
    if edit.day not in live.program.block:
        raise Invalid(
            "day", f"{edit.day} is outside the block ({live.program.block.start} to {live.program.block.end})"
        )
    now = live.roster.on(edit.person_id, edit.day)
    return render(
        request,
        "_cell_editor.html",
        {
            "live": live,
            "person": live.program.person[edit.person_id],
            "day": edit.day,
            "assignment": now,
            "choices": choices(live.program, edit.person_id),
            "value": f"{now.post_id}|{now.shift_id}" if now else OFF,
            "errors": {},
        },
    )


def _impact(
    request: Request, live: Live, found: EditCheck, status: int = 200, refused: bool = False
) -> HTMLResponse:
    return render(
        request,
        "_impact.html",
        {
            "impact": found.impact,
            "gaps": found.cover_gaps,
            "breaks": found.rule_breaks,
            "is_hard": _is_hard,
            "people": live.program.person,
            "refused": refused,
        },
        status=status,
    )


def _is_hard(violation: Violation) -> bool:
    return violation.rule.severity is Severity.HARD


def _refusal(request: Request, error: CallroomError) -> HTMLResponse:
    return render(request, "_impact.html", {"field_error": error}, status=status_of(error))


@router.post("/schedule/cell/check", response_class=HTMLResponse)
def check_cell(request: Request, viewer: Editor, form: Form, rosters: Rosters) -> HTMLResponse:
    """What the rules say about the edit, and a Save button only if no hard rule breaks."""
    check_csrf(request, viewer, form)
    live = rosters.require_live()
    try:
        return _impact(request, live, rosters.check(parse_edit(live, form)))
    except CallroomError as error:
        return _refusal(request, error)


@router.post("/schedule/cell", response_class=HTMLResponse)
def save_cell(request: Request, viewer: Editor, form: Form, rosters: Rosters, changes: Changes) -> Response:
    """Save the edit as a new roster version, unless it breaks a hard rule or the roster moved on;
    each person it moves gets a notice saying which shifts changed."""
    check_csrf(request, viewer, form)
    live = rosters.require_live()
    try:
        edit = parse_edit(live, form)
        saved = changes.edit_cell(viewer.principal, edit)
    except HardRulesBroken as refused:
        return _impact(request, live, rosters.check(edit), status_of(refused), refused=True)
    except CallroomError as error:
        return _refusal(request, error)
    back = form.get("back", "")
    if not BACK.fullmatch(back):
        back = ""  # only the grid's own filters go back into the URL (and into a header)
    number = saved.version.number
    target = f"/schedule?{back}&saved={number}" if back else f"/schedule?saved={number}"
    return Response(status_code=200, headers={"HX-Redirect": target})


@router.post("/schedule/open-shift", response_class=HTMLResponse)
def open_shift(
    request: Request, viewer: Editor, form: Form, rosters: Rosters, changes: Changes
) -> HTMLResponse:
    """Offer the cell's shift as an open shift (the holder keeps it until someone takes it):
    the change service offers it to everyone the rules let take it, and pages them."""
    check_csrf(request, viewer, form)
    live = rosters.require_live()
    try:
        edit = parse_edit(live, form | {"choice": OFF})
        held = live.roster.on(edit.person_id, edit.day)
        if held is None:
            raise Invalid("person", "there is no shift in this cell to offer")
        published = changes.publish_open_shift(
            viewer.principal, held.day, held.shift_id, held.post_id, holder=held.person_id
        )
    except CallroomError as error:
        return _refusal(request, error)
    names = [live.program.person[p].name for p in published.offered if p in live.program.person]
    return render(request, "_open_shift.html", {"published": published, "names": names})
