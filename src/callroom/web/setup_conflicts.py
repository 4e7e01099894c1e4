"""Declared conflicts (`/setup/conflicts`): two people who must never share a team, with the
reason, kept by the chief, who alone reads them (`accounts.permissions`).

Like every set-up form, a change is made to the program's newest file and saved through the
roster service, checked as the whole file is (`RosterService.replace_conflicts`); a refusal is
shown beside its field with what was typed kept, and nothing is saved. As on the other set-up
pages, a conflict is named by a digest of its content, never its place in the list, and a form
carries the version it was opened from: one opened before a newer save is refused (409), unless
it is the same form sent twice (then it is saved once, and said so).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from callroom.accounts.permissions import Permission
from callroom.api.deps import Rosters
from callroom.api.errors import status_of
from callroom.domain.program import Conflict, Program
from callroom.errors import CallroomError, Invalid
from callroom.errors import Conflict as Refused
from callroom.rosters.service import RosterService
from callroom.web.forms import changed_since, check_csrf, form_data, opened_version
from callroom.web.session import Viewer, require
from callroom.web.templating import render

router = APIRouter()
Chief = Annotated[Viewer, Depends(require(Permission.CONFLICTS_EDIT, "declare conflicts"))]
Form = Annotated[dict[str, str], Depends(form_data)]
ProgramName = Annotated[str | None, Query(max_length=200)]
FIELDS = ("first", "second", "reason")
# A refused file names conflicts[i].between[0] or .reason: the form's first, second or reason
_FIELD = re.compile(r"conflicts\[(\d+)\](?:\.(between)\[(\d)\]|\.(reason))?")
# Changes the list of conflicts in place and says what it did (the version's reason)
Edit = Callable[[list[Conflict], Program], str]


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
    request: Request, viewer: Chief, rosters: Rosters, key: str, program: ProgramName = None
) -> HTMLResponse:
    return _page(request, viewer, rosters, _name(rosters, program), key=key)


@router.post("/setup/conflicts", response_class=HTMLResponse)
def add(request: Request, viewer: Chief, form: Form, rosters: Rosters) -> Response:
    return _save(request, viewer, form, rosters, None)


@router.post("/setup/conflicts/{key}", response_class=HTMLResponse)
def change(request: Request, viewer: Chief, form: Form, rosters: Rosters, key: str) -> Response:
    return _save(request, viewer, form, rosters, key)


@router.post("/setup/conflicts/{key}/remove", response_class=HTMLResponse)
def remove(request: Request, viewer: Chief, form: Form, rosters: Rosters, key: str) -> Response:
    check_csrf(request, viewer, form)
    name = form.get("program", "")

    def edit(conflicts: list[Conflict], program: Program) -> str:
        gone = conflicts.pop(_index(conflicts, key))
        return f"Removed a declared conflict ({_pair(program, gone)})"

    try:
        notice = _commit(rosters, viewer, name, form, edit)
    except CallroomError as error:
        return _page(
            request, viewer, rosters, name, key=key, errors={"form": error.message}, status=status_of(error)
        )
    return _back(name, notice)


def _save(
    request: Request, viewer: Viewer, form: dict[str, str], rosters: RosterService, key: str | None
) -> Response:
    check_csrf(request, viewer, form)
    name = form.get("program", "")
    values = {f: form.get(f, "").strip() for f in FIELDS}
    made = Conflict(values["first"], values["second"], values["reason"])
    at: list[int] = []  # where the conflict went, for naming a refusal's fields

    def edit(conflicts: list[Conflict], program: Program) -> str:
        if key is None:
            conflicts.append(made)
            at.append(len(conflicts) - 1)
            return f"Declared a conflict ({_pair(program, made)})"
        at.append(_index(conflicts, key))
        conflicts[at[-1]] = made
        return f"Changed a conflict ({_pair(program, made)})"

    try:
        notice = _commit(rosters, viewer, name, form, edit)
    except CallroomError as error:
        errors = _errors(error, at[-1] if at and error.field != "version" else -1)
        return _page(
            request, viewer, rosters, name, key=key, values=values, errors=errors, status=status_of(error)
        )
    return _back(name, notice)


def _commit(rosters: RosterService, viewer: Viewer, name: str, form: dict[str, str], edit: Edit) -> str:
    """The edit made to the newest file's conflicts and saved, if that is the version the form
    was opened from; else refused, unless the same edit of that version gives the newest (the
    form sent twice: nothing more is saved). The notice to show."""
    current = rosters.conflicts_of(viewer.principal, name)
    opened = opened_version(form)
    wanted = list(current.program.conflicts)
    if opened != current.version:
        then = None if opened is None else rosters.conflicts_of(viewer.principal, name, opened)
        if then is None:
            raise changed_since()
        before = list(then.program.conflicts)
        try:
            reason = edit(before, then.program)
        except CallroomError as error:
            raise changed_since() from error
        if before != wanted:
            raise changed_since()
        return f"Already saved (this form was sent twice): {reason}."
    reason = edit(wanted, current.program)
    try:
        rosters.replace_conflicts(viewer.principal, name, wanted, reason, base_version=current.version)
    except Refused as error:
        if error.field != "version":
            raise
        raise changed_since() from error
    return f"{reason}."


def _index(conflicts: list[Conflict], key: str) -> int:
    found = next((i for i, c in enumerate(conflicts) if _key(c) == key), None)
    if found is None:
        raise Invalid("key", "that conflict is no longer in the program (removed or changed since)")
    return found


def _key(conflict: Conflict) -> str:
    """A conflict's name in a form's address: a digest of its content, so a form opened
    before a change names the conflict as it was, or none."""
    content = "\n".join((conflict.first, conflict.second, conflict.reason))
    return hashlib.sha256(content.encode()).hexdigest()[:12]


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
    key: str | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    stored = rosters.conflicts_of(viewer.principal, name)
    program = stored.program
    rows = [(_key(c), c) for c in program.conflicts]
    chosen = next((c for k, c in rows if k == key), None)
    if key is not None and chosen is None:
        # Removed or changed since: the form declares what it holds, and says so
        gone = "This conflict is no longer in the program as it was (removed or changed since)"
        errors = {"form": gone + (": saving declares it again." if values else "."), **(errors or {})}
        key = None
    if values is None:
        values = {"first": chosen.first, "second": chosen.second, "reason": chosen.reason} if chosen else {}
    context = {
        "program": name,
        "version": stored.version,
        "rows": [(k, _pair(program, c), c.reason) for k, c in rows],
        "people": [(p.id, p.name) for p in program.people],
        "key": key,
        "values": values,
        "errors": errors or {},
        "notice": request.query_params.get("notice"),
    }
    return render(request, "setup_conflicts.html", context, status)
