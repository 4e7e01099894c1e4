"""Declared conflicts (`/setup/conflicts`): two people who must never share a team, with the
reason, kept by the chief, who alone reads them (`accounts.permissions`).

Like every set-up form, a change is made to the program's newest file and saved through the
roster service, checked as the whole file is (`RosterService.replace_conflicts`); a refusal is
shown beside its field with what was typed kept, and nothing is saved.
"""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from callroom.accounts.permissions import Permission
from callroom.api.deps import Rosters
from callroom.api.errors import status_of
from callroom.domain.program import Conflict, Program
from callroom.errors import CallroomError, Invalid
from callroom.rosters.service import RosterService
from callroom.web.forms import check_csrf, form_data
from callroom.web.session import Viewer, require
from callroom.web.templating import render

router = APIRouter()
Chief = Annotated[Viewer, Depends(require(Permission.CONFLICTS_EDIT, "declare conflicts"))]
Form = Annotated[dict[str, str], Depends(form_data)]
ProgramName = Annotated[str | None, Query(max_length=200)]
FIELDS = ("first", "second", "reason")
# A refused file names conflicts[i].between[0] or .reason: the form's first, second or reason
_FIELD = re.compile(r"conflicts\[(\d+)\](?:\.(between)\[(\d)\]|\.(reason))?")


def _name(rosters: RosterService, program: str | None) -> str:
    if program:
        return program
    live = rosters.live()
    if live is None:
        raise Invalid("program", "no program is stored yet: an admin makes one on the set-up page")
    return live.name


@router.get("/setup/conflicts", response_class=HTMLResponse)
def conflicts_page(
    request: Request, viewer: Chief, rosters: Rosters, program: ProgramName = None
) -> HTMLResponse:
    return _page(request, viewer, rosters, _name(rosters, program))


@router.get("/setup/conflicts/{key}", response_class=HTMLResponse)
def edit_page(
    request: Request, viewer: Chief, rosters: Rosters, key: int, program: ProgramName = None
) -> HTMLResponse:
    return _page(request, viewer, rosters, _name(rosters, program), key=key)


@router.post("/setup/conflicts", response_class=HTMLResponse)
def add(request: Request, viewer: Chief, form: Form, rosters: Rosters) -> Response:
    return _save(request, viewer, form, rosters, None)


@router.post("/setup/conflicts/{key}", response_class=HTMLResponse)
def change(request: Request, viewer: Chief, form: Form, rosters: Rosters, key: int) -> Response:
    return _save(request, viewer, form, rosters, key)


@router.post("/setup/conflicts/{key}/remove", response_class=HTMLResponse)
def remove(request: Request, viewer: Chief, form: Form, rosters: Rosters, key: int) -> Response:
    check_csrf(request, viewer, form)
    name = form.get("program", "")
    program = rosters.conflicts_of(viewer.principal, name)
    kept = list(program.conflicts)
    if not 0 <= key < len(kept):
        raise Invalid("key", "that conflict is no longer in the program: reload the page")
    gone = kept.pop(key)
    reason = f"Removed a declared conflict ({_pair(program, gone)})"
    rosters.replace_conflicts(viewer.principal, name, kept, reason)
    return _back(name, "Conflict removed.")


def _save(
    request: Request, viewer: Viewer, form: dict[str, str], rosters: RosterService, key: int | None
) -> Response:
    check_csrf(request, viewer, form)
    name = form.get("program", "")
    values = {f: form.get(f, "").strip() for f in FIELDS}
    program = rosters.conflicts_of(viewer.principal, name)
    wanted = list(program.conflicts)
    made = Conflict(values["first"], values["second"], values["reason"])
    if key is None:
        wanted.append(made)
        index, verb = len(wanted) - 1, "Declared"
    elif 0 <= key < len(wanted):
        wanted[key], index, verb = made, key, "Changed"
    else:
        raise Invalid("key", "that conflict is no longer in the program: reload the page")
    try:
        rosters.replace_conflicts(
            viewer.principal, name, wanted, f"{verb} a conflict ({_pair(program, made)})"
        )
    except CallroomError as error:
        errors = _errors(error, index)
        return _page(
            request, viewer, rosters, name, key=key, values=values, errors=errors, status=status_of(error)
        )
    return _back(name, f"{verb}.")


def _back(name: str, notice: str) -> RedirectResponse:
    return RedirectResponse(
        "/setup/conflicts?" + urlencode({"program": name, "notice": notice}), status_code=303
    )


def _errors(error: CallroomError, index: int) -> dict[str, str]:
    """Each problem beside its field; one elsewhere in the file at the top of the form."""
    found: dict[str, str] = {}
    for detail in error.details or ():
        match = _FIELD.match(detail.field)
        if match is None or int(match.group(1)) != index:
            found.setdefault("form", detail.message)
        elif match.group(4) or not match.group(2):
            found.setdefault("reason" if match.group(4) else "first", detail.message)
        else:
            found.setdefault("first" if match.group(3) == "0" else "second", detail.message)
    return found or {"form": error.message}


def _pair(program: Program, conflict: Conflict) -> str:
    def called(person: str) -> str:
        return program.person[person].name if person in program.person else person

    return f"{called(conflict.first)} and {called(conflict.second)}"


def _page(
    request: Request,
    viewer: Viewer,
    rosters: RosterService,
    name: str,
    *,
    key: int | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    program = rosters.conflicts_of(viewer.principal, name)
    rows = list(enumerate(program.conflicts))
    if values is None:
        chosen = next((c for i, c in rows if i == key), None)
        values = {"first": chosen.first, "second": chosen.second, "reason": chosen.reason} if chosen else {}
    context = {
        "program": name,
        "rows": [(i, _pair(program, c), c.reason) for i, c in rows],
        "people": [(p.id, p.name) for p in program.people],
        "key": key,
        "values": values,
        "errors": errors or {},
        "notice": request.query_params.get("notice"),
    }
    return render(request, "setup_conflicts.html", context, status)
