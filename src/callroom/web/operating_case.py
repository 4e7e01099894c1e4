"""One OR case (`/or/case?id=...&day=...`; a case's id holds slashes, "2027-03-02/OR 3/07:30",
so it travels as a query value): its details and team, its patient on request, and the
chief's form to add or edit a case.

The patient is the one thing here that is protected health information: it is read only through
`OrService.patient`, which checks that the reader is on the case (its attending, a resident on it,
someone who saw the patient in clinic) and writes every read to the access log. Anyone else may
still open it in an emergency by typing why ("break glass"); the reason is kept in the log, and
the program director reads it first in the access report. The page never reads the patient on its
own: the reader presses a button, so opening a case is not a read of its patient.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from callroom.accounts.permissions import Permission
from callroom.api.deps import Operating, Rosters, settings
from callroom.api.errors import status_of
from callroom.domain.operating import OrCase, Patient
from callroom.errors import CallroomError, ErrorKind, Invalid, NotFound
from callroom.formats.or_day import case_id
from callroom.operating.service import OrService
from callroom.operating.types import BoardCase, DayBoard
from callroom.rosters.live import Live
from callroom.web import operating_view as view
from callroom.web.forms import check_csrf, form_data
from callroom.web.names import Names
from callroom.web.operating import PATH, parse_day
from callroom.web.session import Viewer, require
from callroom.web.templating import render

router = APIRouter()
Reader = Annotated[Viewer, Depends(require(Permission.OR_READ, "see OR cases"))]
Chief = Annotated[Viewer, Depends(require(Permission.OR_ASSIGN, "add or edit OR cases"))]
Form = Annotated[dict[str, str], Depends(form_data)]
PATIENT_ROUTE = "POST /or/case/patient"


def find_case(operating: OrService, viewer: Viewer, day: date, case_id: str) -> tuple[BoardCase, DayBoard]:
    """The case and the day's board it is on; NotFound if the day has no such case."""
    board = operating.cases(viewer.principal, day)
    found = board.case(case_id)
    if found is None:
        raise NotFound("case", f"that case is not on the board of {day:%a %d %b %Y} (moved, or removed)")
    return found, board


def _on_case(viewer: Viewer, found: BoardCase) -> bool:
    """Whether the viewer is one of the case's own people: the page offers the plain read
    first (the guard decides, and also lets in whoever is on the case's service that day)."""
    me = viewer.person_id
    case = found.case
    team = {n.role.person_id for n in found.roles}
    return me is not None and (me == case.attending_id or me in team or me in case.continuity)


def _case_page(
    request: Request,
    viewer: Viewer,
    live: Live,
    operating: OrService,
    day: date,
    case_id: str,
    *,
    patient: Patient | None = None,
    no_patient: bool = False,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    found, board = find_case(operating, viewer, day, case_id)
    block = view.block_of(found, board.timezone, view.grades_of(board))
    names = Names(live.program)
    continuity = [names.person(p) for p in found.case.continuity]
    context = {
        "day": day,
        "b": block,
        "continuity": continuity,
        "patient": patient,
        # none imported (a block booking), or the identifiers removed by the retention purge
        "no_patient": no_patient or not found.has_patient,
        "retention_days": settings(request).phi_retention_days,
        "own": _on_case(viewer, found),
        "reads_any": viewer.can(Permission.PHI_ANY),
        "errors": errors or {},
        "values": values or {},
        "may_edit": viewer.can(Permission.OR_ASSIGN),
        "may_log": viewer.can(Permission.CASELOG_OWN)
        and any(r.person_id == viewer.person_id for r in block.residents),
    }
    return render(request, "or_case.html", context, status=status)


@router.post(PATH + "/case/patient", response_class=HTMLResponse)
def show_patient(
    request: Request, viewer: Reader, form: Form, rosters: Rosters, operating: Operating
) -> HTMLResponse:
    """The case's patient, read through the guard (and so logged); with `reason`, a
    break-glass read by someone outside the case."""
    check_csrf(request, viewer, form)
    live = rosters.require_live()
    day = parse_day(form.get("day") or None, live.program)
    case_id = form.get("case", "")
    reason = form.get("reason", "").strip() or None
    try:
        if form.get("break_glass") and reason is None:
            raise Invalid("reason", "say why you need this patient's details: it is kept in the access log")
        patient = operating.patient(viewer.principal, case_id, route=PATIENT_ROUTE, reason=reason)
    except CallroomError as error:
        if error.kind is ErrorKind.NOT_FOUND and error.field == "patient":  # said on the case's page
            return _case_page(request, viewer, live, operating, day, case_id, no_patient=True)
        if error.kind is ErrorKind.NOT_FOUND:
            raise
        return _case_page(
            request,
            viewer,
            live,
            operating,
            day,
            case_id,
            errors={"reason": error.message},
            values=form,
            status=status_of(error),
        )
    return _case_page(request, viewer, live, operating, day, case_id, patient=patient)


# --- add or edit a case -----------------------------------------------------------------------

FIELDS = (
    "room",
    "day",
    "start",
    "minutes",
    "procedure",
    "cpt",
    "attending",
    "service",
    "flags",
    "continuity",
)


def _values_of(case: OrCase, zone: str) -> dict[str, str]:
    start = case.start.astimezone(ZoneInfo(zone))
    return {
        "id": case.id,
        "room": case.room,
        "day": case.day.isoformat(),
        "start": start.strftime("%H:%M"),
        "minutes": str(case.minutes),
        "procedure": case.procedure,
        "cpt": "; ".join(case.cpt_codes),
        "attending": case.attending_id or "",
        "service": case.service_id,
        "flags": "; ".join(sorted(case.flags)),
        "continuity": "; ".join(case.continuity),
    }


def _form_page(
    request: Request,
    live: Live,
    values: dict[str, str],
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    program = live.program
    context = {
        "values": values,
        "errors": errors or {},
        "services": sorted(program.services, key=lambda s: s.name),
        "attendings": sorted((p for p in program.people if not p.grade.is_resident), key=lambda p: p.name),
        "zone": program.hospital.timezone,
    }
    return render(request, "or_case_form.html", context, status=status)


@router.get(PATH + "/case/new", response_class=HTMLResponse)
def new_case(request: Request, viewer: Chief, rosters: Rosters) -> HTMLResponse:
    live = rosters.require_live()
    day = parse_day(request.query_params.get("day"), live.program)
    return _form_page(request, live, {"day": day.isoformat(), "start": "07:30", "minutes": "60"})


@router.get(PATH + "/case/edit", response_class=HTMLResponse)
def edit_case(request: Request, viewer: Chief, rosters: Rosters, operating: Operating) -> HTMLResponse:
    live = rosters.require_live()
    day = parse_day(request.query_params.get("day"), live.program)
    found, board = find_case(operating, viewer, day, request.query_params.get("id", ""))
    return _form_page(request, live, _values_of(found.case, board.timezone))


def case_form(form: dict[str, str], zone: str) -> OrCase:
    """The posted form as a case (its id kept when edited, made as an import makes it when
    new); Invalid naming the field that cannot be read."""
    try:
        day = date.fromisoformat(form.get("day", ""))
    except ValueError as error:
        raise Invalid("day", "choose the day") from error
    try:
        at = time.fromisoformat(form.get("start", ""))
    except ValueError as error:
        raise Invalid("start", "the start must look like 07:30") from error
    minutes = form.get("minutes", "").strip()
    if not minutes.isdigit() or int(minutes) <= 0:
        raise Invalid("minutes", "how long the case is booked for, in minutes (more than 0)")
    room, procedure = form.get("room", "").strip(), form.get("procedure", "").strip()
    for field, value in (("room", room), ("procedure", procedure), ("service", form.get("service", ""))):
        if not value:
            raise Invalid(field, f"give the case's {field}")
    start = datetime.combine(day, at, ZoneInfo(zone))
    return OrCase(
        id=form.get("id") or case_id(day, room, start, ZoneInfo(zone)),
        day=day,
        room=room,
        start=start.astimezone(UTC),
        minutes=int(minutes),
        procedure=procedure,
        cpt_codes=_split(form.get("cpt", "")),
        service_id=form.get("service", ""),
        attending_id=form.get("attending") or None,
        flags=frozenset(_split(form.get("flags", ""))),
        continuity=_split(form.get("continuity", "")),
    )


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.replace(",", ";").split(";") if part.strip())


@router.post(PATH + "/case", response_class=HTMLResponse)
def save_case(
    request: Request, viewer: Chief, form: Form, rosters: Rosters, operating: Operating
) -> Response:
    """Add a case, or change one (`id`): checked as an imported case is; a refusal keeps what
    was typed and says what is wrong beside its field."""
    check_csrf(request, viewer, form)
    live = rosters.require_live()
    try:
        case = case_form(form, live.program.hospital.timezone)
        operating.save_case(viewer.principal, case, adding=not form.get("id"))
    except CallroomError as error:
        field = error.field if error.field in FIELDS else "form"
        return _form_page(request, live, form, errors={field: error.message}, status=status_of(error))
    return RedirectResponse(
        f"{PATH}?day={case.day.isoformat()}&done=saved#{view.anchor(case.id)}", status_code=303
    )


@router.get(PATH + "/case", response_class=HTMLResponse)
def case_page(request: Request, viewer: Reader, rosters: Rosters, operating: Operating) -> HTMLResponse:
    live = rosters.require_live()
    day = parse_day(request.query_params.get("day"), live.program)
    return _case_page(request, viewer, live, operating, day, request.query_params.get("id", ""))
