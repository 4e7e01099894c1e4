"""The case log (`/caselog`): a resident logs each case they operated on (CPT codes, credit role,
attending, date), prefilled from a case on the OR board they were on ("Log this case" on My
cases), and sees their lines and where they stand against the ACGME minimums and the program's
target for their PGY year. `/caselog/program`: the chief and the program director see who is
behind and in which category, import a case-log CSV and export one.

The credit rules (one surgeon per case, a TA needs a junior surgeon, SC only in the chief year)
are `callroom.operating.CaseLogService`'s: a refusal comes back beside the field it is about,
with everything typed kept.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from callroom.accounts.permissions import Permission
from callroom.api.deps import CaseLogs, Operating, Rosters
from callroom.api.errors import status_of
from callroom.domain.clock import utc_now
from callroom.domain.operating import CreditRole, LoggedCase
from callroom.domain.program import Program
from callroom.errors import CallroomError, Invalid
from callroom.operating.caselog import CaseLogService
from callroom.operating.service import OrService
from callroom.rosters.live import Live
from callroom.rules.caselog import CHIEF_YEAR_MAJOR, MAJOR, TEACHING
from callroom.web import operating_view as view
from callroom.web.forms import check_csrf, form_data, form_with_file, opened_version
from callroom.web.names import Names
from callroom.web.session import Viewer, require
from callroom.web.templating import render

router = APIRouter()
PATH = "/caselog"
Resident = Annotated[Viewer, Depends(require(Permission.CASELOG_OWN, "keep a case log"))]
Reader = Annotated[Viewer, Depends(require(Permission.CASELOG_READ, "see the program's case logs"))]
Form = Annotated[dict[str, str], Depends(form_data)]
FIELDS = ("day", "cpt", "role", "attending", "case")
RECENT_LINES = 20  # newest first; the older ones fold away, so a phone reaches them only when asked
DONE = {
    "logged": "Logged.",
    "again": "Already logged (this form was sent twice): the case is in your lines once.",
}
TOTALS = (MAJOR, CHIEF_YEAR_MAJOR, TEACHING)  # the dashboard rows that are totals, not categories


def _defaults(
    program: Program, viewer: Viewer, operating: OrService, case_id: str, day_text: str
) -> dict[str, str]:
    """The form's first values: today, or the case on the board the link came from (its day,
    codes, attending and the role the viewer had on it)."""
    today = view.hospital_today(program, utc_now())
    values = {"day": today.isoformat(), "role": "", "cpt": "", "attending": "", "case": ""}
    if not case_id:
        return values
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        return values
    found = next((c for c in operating.my_cases(viewer.principal, day) if c.case.id == case_id), None)
    if found is None:
        return values
    case = found.case
    role = next((n.role.role.value for n in found.roles if n.role.person_id == viewer.person_id), "")
    return {
        "day": day.isoformat(),
        "cpt": "; ".join(case.cpt_codes),
        "role": role,
        "attending": case.attending_id or "",
        "case": case.id,
        "procedure": case.procedure,
    }


def _page(
    request: Request,
    viewer: Viewer,
    live: Live,
    caselogs: CaseLogService,
    values: dict[str, str],
    *,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    program = live.program
    me = viewer.person_id or ""
    lines = caselogs.entries(viewer.principal, me) if me else ()
    entries = sorted((line.entry for line in lines), key=lambda e: (e.day, e.id or 0), reverse=True)
    newest = max((e.id or 0 for e in entries), default=0)
    context = {
        "values": {"version": str(newest)} | values,
        "errors": errors or {},
        "notice": notice,
        "person": program.person.get(me),
        "entries": entries,
        "recent": RECENT_LINES,
        "today": view.hospital_today(program, utc_now()),  # the date picker offers no later day
        "dashboard": caselogs.dashboard(viewer.principal, me) if me in program.person else None,
        "totals": TOTALS,
        "roles": view.ROLE_CHOICES,
        "attendings": sorted((p for p in program.people if not p.grade.is_resident), key=lambda p: p.name),
        "names": Names(program),
        "category": view.category_name,
    }
    return render(request, "caselog.html", context, status=status)


@router.get(PATH, response_class=HTMLResponse)
def caselog_page(
    request: Request, viewer: Resident, rosters: Rosters, caselogs: CaseLogs, operating: Operating
) -> HTMLResponse:
    live = rosters.live()
    if live is None:
        return render(request, "empty.html", {"title": "Case log"})
    given = request.query_params
    values = _defaults(live.program, viewer, operating, given.get("case", ""), given.get("day", ""))
    notice = DONE.get(given.get("done", ""))
    return _page(request, viewer, live, caselogs, values, notice=notice)


def logged_case(form: dict[str, str], person_id: str) -> LoggedCase:
    """The posted line as a `LoggedCase`; Invalid naming the field that cannot be read."""
    try:
        day = date.fromisoformat(form.get("day", ""))
    except ValueError as error:
        raise Invalid("day", "choose the day of the case") from error
    codes = tuple(p.strip() for p in form.get("cpt", "").replace(",", ";").split(";") if p.strip())
    if not codes:
        raise Invalid("cpt", "give the case's CPT codes (separated by ;)")
    try:
        role = CreditRole(form.get("role", ""))
    except ValueError as error:
        raise Invalid("role", "choose your credit role: SC, SJ, TA or FA") from error
    return LoggedCase(
        person_id=person_id,
        day=day,
        cpt_codes=codes,
        role=role,
        attending_id=form.get("attending") or None,
        case_id=form.get("case") or None,
    )


@router.post(PATH, response_class=HTMLResponse)
def log_case(
    request: Request, viewer: Resident, form: Form, rosters: Rosters, caselogs: CaseLogs
) -> Response:
    check_csrf(request, viewer, form)
    live = rosters.require_live()
    try:
        entry = logged_case(form, viewer.person_id or "")
        stored = caselogs.log(viewer.principal, entry, opened=opened_version(form))
    except CallroomError as error:
        field = error.field if error.field in FIELDS else "form"
        return _page(
            request, viewer, live, caselogs, form, errors={field: error.message}, status=status_of(error)
        )
    done = "again" if stored.again else "logged"
    return RedirectResponse(f"{PATH}?done={done}#lines", status_code=303)


# --- the program ------------------------------------------------------------------------------


def _program_page(
    request: Request,
    viewer: Viewer,
    live: Live | None,
    caselogs: CaseLogService,
    *,
    import_errors: dict[str, Any] | None = None,
    notice: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    dashboards = caselogs.program_progress(viewer.principal)
    context = {
        "dashboards": dashboards,
        "columns": [(row.category, row.name) for row in dashboards[0].rows] if dashboards else [],
        "names": Names(live.program if live is not None else None),
        "category": view.category_name,
        "import_errors": import_errors,
        "notice": notice,
    }
    return render(request, "caselog_program.html", context, status=status)


@router.get(PATH + "/program", response_class=HTMLResponse)
def program_page(request: Request, viewer: Reader, rosters: Rosters, caselogs: CaseLogs) -> HTMLResponse:
    notice = request.query_params.get("imported")
    skipped = request.query_params.get("skipped", "0")
    said = None
    if notice and notice.isdigit():
        said = f"Imported {_lines(int(notice))}."
        if skipped.isdigit() and int(skipped):
            said += f" Skipped {_lines(int(skipped))} already logged (nothing is counted twice)."
    return _program_page(request, viewer, rosters.live(), caselogs, notice=said)


def _lines(count: int) -> str:
    return f"{count} case-log line{'' if count == 1 else 's'}"


@router.post(PATH + "/program/import", response_class=HTMLResponse)
async def import_log(request: Request, viewer: Reader, rosters: Rosters, caselogs: CaseLogs) -> Response:
    """A case-log CSV (`resident,date,cpt,role,attending,case`): every line, or none."""
    _, upload = await form_with_file(request, viewer)
    try:
        outcome = caselogs.import_log(
            viewer.principal, upload.text("choose a case-log CSV file"), upload.name
        )
    except CallroomError as error:
        refused = view.refused_file(error)
        return _program_page(
            request, viewer, rosters.live(), caselogs, import_errors=refused, status=status_of(error)
        )
    counts = f"imported={len(outcome.stored)}&skipped={outcome.skipped}"
    return RedirectResponse(f"{PATH}/program?{counts}", status_code=303)


@router.get(PATH + "/program/export.csv")
def export_log(viewer: Reader, caselogs: CaseLogs) -> Response:
    text = caselogs.export_log(viewer.principal)
    headers = {"Content-Disposition": 'attachment; filename="case-log.csv"'}
    return Response(text, media_type="text/csv; charset=utf-8", headers=headers)
