"""The program's CPT table (`/or/cpt`), for whoever may replace it (`cpt:edit`: the chief, the
program director): the table in use (code, description, the ACGME categories it counts toward
by name, the least grade for surgeon credit, index or not) and its CSV in an editor with line
numbers, the admin's program editor (`_source_editor.html`, app.js).

Saving goes through `CaseLogService.replace_cpt_table` with the version the editor was opened
from: a refusal lists each problem once above the editor, linking to its line, with the text
kept; someone else's save in between is a 409 saying so, the text kept too.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from callroom.accounts.permissions import Permission
from callroom.api.deps import CaseLogs, Rosters
from callroom.api.errors import status_of
from callroom.domain.operating import ACGME_CATEGORIES
from callroom.errors import CallroomError, Conflict, Invalid
from callroom.operating.caselog import CaseLogService
from callroom.web.forms import check_csrf, form_data
from callroom.web.session import Viewer, require
from callroom.web.templating import render

router = APIRouter()
PATH = "/or/cpt"
Editor = Annotated[Viewer, Depends(require(Permission.CPT_EDIT, "edit the CPT table"))]
Form = Annotated[dict[str, str], Depends(form_data)]
CATEGORY_NAMES = {c.id: c.name for c in ACGME_CATEGORIES}


def _page(
    request: Request,
    viewer: Viewer,
    caselogs: CaseLogService,
    *,
    text: str | None = None,
    base: str | None = None,
    error: CallroomError | None = None,
    notice: str | None = None,
) -> HTMLResponse:
    shown = caselogs.cpt_table(viewer.principal)
    issues = [] if error is None else [d.as_dict() for d in error.details if d.extra.get("line")]
    context = {
        "entries": sorted(shown.table.entries.values(), key=lambda e: e.code),
        "category": lambda category_id: CATEGORY_NAMES.get(category_id, category_id),
        "number": shown.number,
        "text": shown.text if text is None else text,
        "base": str(shown.number) if base is None else base,
        "error": None if error is None else _said(error, issues),
        "issues": issues,
        "notice": notice,
    }
    return render(request, "cpt_table.html", context, status=200 if error is None else status_of(error))


def _said(error: CallroomError, issues: list[dict[str, str]]) -> str:
    """One line above the editor: how many problems (each listed once below it), or the refusal."""
    if isinstance(error, Conflict) or not issues:
        return error.message
    many = f"{len(issues)} problems" if len(issues) > 1 else "a problem"
    return f"Nothing was saved: {many} in the table"


@router.get(PATH, response_class=HTMLResponse)
def cpt_page(request: Request, viewer: Editor, rosters: Rosters, caselogs: CaseLogs) -> HTMLResponse:
    if rosters.live() is None:
        return render(request, "empty.html", {"title": "CPT table"})
    saved = request.query_params.get("saved")
    notice = f"Saved as version {saved} of the CPT table." if saved and saved.isdigit() else None
    return _page(request, viewer, caselogs, notice=notice)


@router.post(PATH, response_class=HTMLResponse)
def save_cpt_table(request: Request, viewer: Editor, form: Form, caselogs: CaseLogs) -> Response:
    """Replace the table with the editor's text, as the version it was opened from says."""
    check_csrf(request, viewer, form)
    text, base = form.get("source", ""), form.get("base", "")
    try:
        if not text.strip():
            raise Invalid("source", "the CPT table cannot be empty")
        stored = caselogs.replace_cpt_table(
            viewer.principal, text, base=int(base) if base.isdigit() else None
        )
    except CallroomError as error:
        return _page(request, viewer, caselogs, text=text, base=base, error=error)
    return RedirectResponse(f"{PATH}?saved={stored.number}", status_code=303)
