"""On call now (`/oncall`): every post, who holds it now and next, searchable, with a page
button. The board a nurses' station keeps open; `at` looks at another instant (the demo
hospital's block lies in the future, so the board offers its first morning)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from callroom.accounts.permissions import Permission
from callroom.api.deps import Paging, Rosters
from callroom.api.params import OUT_OF_RANGE, in_range
from callroom.domain.clock import utc_now
from callroom.domain.paging import Priority
from callroom.domain.wallclock import local_instant
from callroom.errors import CallroomError, Invalid
from callroom.paging.service import PageRequest
from callroom.rosters.live import Live
from callroom.web.board import block_span, board
from callroom.web.forms import check_csrf, form_data
from callroom.web.session import Viewer, require
from callroom.web.templating import render

router = APIRouter()
Reader = Annotated[Viewer, Depends(require(Permission.ONCALL_READ, "see who is on call"))]
Sender = Annotated[Viewer, Depends(require(Permission.PAGE_SEND, "send pages"))]
Form = Annotated[dict[str, str], Depends(form_data)]
PRIORITIES = [p.value for p in Priority]


def _instant(live: Live, text: str | None) -> tuple[datetime, str | None]:
    """The instant the board shows (`at`, local wall time in the hospital's zone, or now)."""
    if not text:
        return utc_now(), None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return utc_now(), "the time must look like 2027-03-01T09:00"
    if not in_range(parsed):
        return utc_now(), f"the time {OUT_OF_RANGE}"
    try:  # the one strict reading: a skipped wall time is refused, a repeated one needs its offset
        return local_instant(text, ZoneInfo(live.program.hospital.timezone), "at"), None
    except Invalid as error:
        return utc_now(), error.message


@router.get("/oncall", response_class=HTMLResponse)
def oncall_page(request: Request, viewer: Reader, rosters: Rosters) -> HTMLResponse:
    live = rosters.live()
    if live is None:
        return render(request, "empty.html", {"title": "On call now"})
    query = request.query_params.get("q", "").strip()
    at, error = _instant(live, request.query_params.get("at"))
    start, end = block_span(live.schedule)
    zone = ZoneInfo(live.program.hospital.timezone)
    first_morning = datetime.combine(live.program.block.start, time(9, 0)).isoformat(timespec="minutes")
    rows = board(live.schedule, at, query)
    return render(
        request,
        "oncall.html",
        {
            "live": live,
            "rows": rows,
            "query": query,
            "at": at.astimezone(zone),
            "at_error": error,
            "outside": not start <= at < end,
            "first_morning": first_morning,
            "can_page": viewer.can(Permission.PAGE_SEND),
            "priorities": PRIORITIES,
            "at_value": request.query_params.get("at", ""),
            "people": live.program.people,
        },
        status=422 if error else 200,
    )


FIELDS = ("target", "body", "callback", "priority", "patient_ref", "label")


@router.post("/oncall/page", response_class=HTMLResponse)
def send_page(request: Request, viewer: Sender, form: Form, paging: Paging, rosters: Rosters) -> HTMLResponse:
    """Send a page from the board: the confirmation (who it reached, a link to its log) takes
    the form's place; a refusal gives the form back as typed, the message next to the field."""
    check_csrf(request, viewer, form)
    values = {k: form.get(k, "") for k in FIELDS}
    errors: dict[str, str] = {}
    if values["priority"] not in PRIORITIES:
        errors["priority"] = "choose routine, urgent or stat"
    if not errors:
        try:
            sent = paging.send(
                PageRequest(
                    viewer.principal.identity,
                    values["target"],
                    values["body"],
                    values["callback"],
                    Priority(values["priority"]),
                    values["patient_ref"].strip() or None,
                )
            )
        except CallroomError as error:
            errors[error.field if error.field in FIELDS else "form"] = error.message
    live = rosters.live()
    if errors:
        people = live.program.people if live is not None and form.get("by_name") else ()
        return render(
            request,
            "_page_form.html",
            {"values": values, "errors": errors, "people": people, "priorities": PRIORITIES},
            status=422,
        )
    known = live.program.person if live is not None else {}
    reached = [known[p].name if p in known else p for p in sent.recipients]
    return render(request, "_page_sent.html", {"sent": sent, "label": values["label"], "reached": reached})
