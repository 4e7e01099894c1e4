"""The schedule grid (`/schedule`) and the chief's cell edit (`/schedule/cell...`, htmx).

Everyone who may read rosters sees the grid, filtered by service and grade, a week or the whole
block at a time. A chief clicks a cell: the editor offers what that person may work, "Check"
shows what the rules say (violations and cover gaps the edit would cause), and "Save" stores a
new roster version. An edit that breaks a hard rule is shown with its warning and never saved.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from callroom.accounts.permissions import Permission
from callroom.api import rosters
from callroom.changes.service import ChangeService
from callroom.changes.types import Actor, ChangeError
from callroom.storage import ProgramRepository, RosterRepository, RosterVersionRecord
from callroom.web import editing
from callroom.web.forms import check_csrf, form_data
from callroom.web.grid import GridFilter, block_weeks, build_grid, grade_labels
from callroom.web.live import Live, current, database
from callroom.web.session import Viewer, require
from callroom.web.templating import render

router = APIRouter()
Reader = Annotated[Viewer, Depends(require(Permission.ROSTER_READ, "read the schedule"))]
Editor = Annotated[Viewer, Depends(require(Permission.ROSTER_EDIT, "edit the schedule"))]
Form = Annotated[dict[str, str], Depends(form_data)]


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
def schedule_page(request: Request, viewer: Reader) -> HTMLResponse:
    live = current(request)
    if live is None:
        return render(request, "empty.html", {"title": "Schedule"})
    chosen, errors = _filters(live, dict(request.query_params))
    grid = build_grid(live.program, live.roster, chosen)
    saved = request.query_params.get("saved")
    notice = f"Saved as roster version {saved}." if saved and saved.isdigit() else None
    return render(request, "schedule.html", {
        "live": live, "grid": grid, "chosen": chosen, "errors": errors, "notice": notice,
        "history": _history(request, live),
        "grades": grade_labels(live.program), "editable": viewer.can(Permission.ROSTER_EDIT),
        "query": request.url.query,
    }, status=422 if errors else 200)


HISTORY = 10
BACK = re.compile(r"[A-Za-z0-9_=&%.+-]{0,200}")


def _history(request: Request, live: Live) -> list[tuple[RosterVersionRecord, str]]:
    """The newest roster versions of the live program, each with how it came to be (the audit)."""
    with database(request).reading() as session:
        source = ProgramRepository(session).get_version(live.version.program_version_id)
        assert source is not None  # a roster version's program version is a foreign key
        versions = RosterRepository(session).list_versions(source.program_name)[-HISTORY:]
    return [(v, editing.audit_line(v)) for v in reversed(versions)]


def _live_or_404(request: Request) -> Live:
    live = current(request)
    if live is None:
        raise editing.FieldError("version", "no roster is stored yet: solve one first")
    return live


@router.get("/schedule/cell", response_class=HTMLResponse)
def cell_editor(request: Request, viewer: Editor, person: str = "", day: str = "") -> HTMLResponse:
    """The editor for one cell (an htmx fragment)."""
    live = _live_or_404(request)
    edit = editing.parse_edit(live.program, {"person": person, "day": day, "choice": editing.OFF})
    now = live.roster.on(edit.person_id, edit.day)
    value = f"{now.post_id}|{now.shift_id}" if now else editing.OFF
    return render(request, "_cell_editor.html", {
        "live": live, "person": live.program.person[edit.person_id], "day": edit.day, "assignment": now,
        "choices": editing.choices(live.program, edit.person_id), "value": value, "errors": {},
    })


def _impact_context(live: Live, edit: editing.CellEdit) -> dict[str, object]:
    found = editing.check(live.program, live.roster, edit)
    return {"impact": found, "gaps": editing.cover_gaps(found), "breaks": editing.rule_breaks(found),
            "is_hard": editing.is_hard, "people": live.program.person, "unchanged": not editing.change_of(
                live.roster, edit).people}


@router.post("/schedule/cell/check", response_class=HTMLResponse)
def check_cell(request: Request, viewer: Editor, form: Form) -> HTMLResponse:
    """What the rules say about the edit, and a Save button only if no hard rule breaks."""
    check_csrf(request, viewer, form)
    live = _live_or_404(request)
    try:
        edit = editing.parse_edit(live.program, form)
    except editing.FieldError as error:
        return render(request, "_impact.html", {"field_error": error}, status=422)
    return render(request, "_impact.html", _impact_context(live, edit))


@router.post("/schedule/cell", response_class=HTMLResponse)
def save_cell(request: Request, viewer: Editor, form: Form) -> Response:
    """Save the edit as a new roster version, unless it breaks a hard rule or the roster moved on."""
    check_csrf(request, viewer, form)
    live = _live_or_404(request)
    try:
        edit = editing.parse_edit(live.program, form)
        if form.get("version") != str(live.version.id):
            raise editing.StaleVersion("version", editing.STALE)
        program_name = request.app.state.settings.paging_program
        saved = editing.save(database(request), live.program, live.roster, editing.SaveRequest(
            live.version, edit, viewer.username, viewer.role.value, datetime.now(UTC), program_name))
    except editing.HardRule as refused:
        context = _impact_context(live, edit) | {"refused": True}
        return render(request, "_impact.html", context | {"impact": refused.impact}, status=422)
    except editing.StaleVersion as error:
        return render(request, "_impact.html", {"field_error": error}, status=409)
    except editing.FieldError as error:
        return render(request, "_impact.html", {"field_error": error}, status=422)
    rosters.forget_schedule(request)  # the API's cached live schedule sees the new version at once
    back = form.get("back", "")
    if not BACK.fullmatch(back):
        back = ""  # only the grid's own filters go back into the URL (and into a header)
    target = f"/schedule?{back}&saved={saved.number}" if back else f"/schedule?saved={saved.number}"
    return Response(status_code=200, headers={"HX-Redirect": target})


@router.post("/schedule/open-shift", response_class=HTMLResponse)
def open_shift(request: Request, viewer: Editor, form: Form) -> HTMLResponse:
    """Offer the cell's shift as an open shift (the holder keeps it until someone takes it):
    the change service offers it to everyone the rules let take it, and pages them."""
    check_csrf(request, viewer, form)
    live = _live_or_404(request)
    edit = editing.parse_edit(live.program, form | {"choice": editing.OFF})
    held = live.roster.on(edit.person_id, edit.day)
    if held is None:
        raise editing.FieldError("person", "there is no shift in this cell to offer")
    service: ChangeService = request.app.state.changes
    try:
        published = service.publish_open_shift(Actor(viewer.principal.identity, viewer.role.value), held.day,
                                               held.shift_id, held.post_id, holder=held.person_id)
    except ChangeError as error:
        return render(request, "_impact.html", {"field_error": error}, status=error.status)
    names = [live.program.person[p].name for p in published.offered if p in live.program.person]
    return render(request, "_open_shift.html", {"published": published, "names": names})
