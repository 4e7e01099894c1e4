"""The pager (`/inbox`): pages that reached me arrive live, with acknowledge and decline;
pages I sent, each with its recipients and timeline (`/inbox/pages/{id}`), and how many of its
recipients it has reached, counted again every second while deliveries land (a page to a group
of thousands). A notice (a roster changed) asks no answer: it is only marked seen. Times are
the hospital's, people and posts named.

Live arrival reuses the paging API's Server-Sent Events (`callroom.paging.stream`): the page's
script listens on `/inbox/stream` (the session cookie is the credential, which a browser's
EventSource sends and cannot replace with a header) and fetches each new page as a fragment.
An operator's inbox is the switchboard's queue, as in the API.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sse_starlette import EventSourceResponse

from callroom.accounts.permissions import Permission
from callroom.api.deps import AppSettings, Hub, Paging, Rosters
from callroom.api.errors import status_of
from callroom.api.params import LastEventId, RowId
from callroom.errors import CallroomError, NotFound
from callroom.paging.engine import OPEN_STATES
from callroom.paging.service import PagingService
from callroom.paging.stream import events
from callroom.rosters.service import RosterService
from callroom.web.forms import check_csrf, form_data
from callroom.web.names import Names
from callroom.web.session import Viewer, require
from callroom.web.templating import render

router = APIRouter()
Pager = Annotated[Viewer, Depends(require(Permission.PAGE_SEND, "use the pager"))]
Form = Annotated[dict[str, str], Depends(form_data)]
RECENT = 50
OPEN = OPEN_STATES


@router.get("/inbox", response_class=HTMLResponse)
def inbox_page(request: Request, viewer: Pager, paging: Paging, rosters: Rosters) -> HTMLResponse:
    received, sent = paging.recent(viewer.principal, RECENT)
    context = {"received": received, "sent": sent, "open": OPEN, "show_patient": _show_patient(viewer)}
    return render(request, "inbox.html", context | _reading(rosters))


def _reading(rosters: RosterService) -> dict[str, object]:
    """What turns stored ids and UTC instants into what a user reads: names from the live
    program, times on the hospital's clock."""
    live = rosters.live()
    program = live.program if live is not None else None
    return {"names": Names(program), "zone": program.hospital.timezone if program else "UTC"}


def _show_patient(viewer: Viewer) -> bool:
    return viewer.can(Permission.PATIENT_READ)


@router.get("/inbox/stream", response_class=EventSourceResponse)
async def inbox_stream(
    viewer: Pager, hub: Hub, settings: AppSettings, last_event_id: LastEventId = None
) -> EventSourceResponse:
    """`event: page` for each page delivered to the viewer's inbox (see api.stream)."""
    stream = events(hub, viewer.principal.inbox, last_event_id)
    return EventSourceResponse(stream, ping=settings.stream_ping_s)


def _item(
    request: Request,
    paging: PagingService,
    rosters: RosterService,
    viewer: Viewer,
    page_id: int,
    error: CallroomError | None = None,
) -> HTMLResponse:
    try:
        detail = paging.detail(viewer.principal, page_id)
    except CallroomError as refused:
        return render(
            request, "_error_fragment.html", {"message": refused.message}, status=status_of(refused)
        )
    status = 200 if error is None else status_of(error)
    return render(
        request,
        "_inbox_item.html",
        {"page": detail.page, "open": OPEN, "error": error, "show_patient": _show_patient(viewer)}
        | _reading(rosters),
        status=status,
    )


@router.get("/inbox/item/{page_id}", response_class=HTMLResponse)
def inbox_item(
    request: Request, viewer: Pager, paging: Paging, rosters: Rosters, page_id: RowId
) -> HTMLResponse:
    """One received page as a fragment: what the live script inserts when a page arrives."""
    return _item(request, paging, rosters, viewer, page_id)


@router.post("/inbox/pages/{page_id}/{action}", response_class=HTMLResponse)
def act(
    request: Request, viewer: Pager, form: Form, paging: Paging, rosters: Rosters, page_id: RowId, action: str
) -> HTMLResponse:
    """`seen` (a notice read: it asks nothing more), `ack` or `decline` (with a reason); the
    item comes back as it now is, with the refusal if there was one."""
    check_csrf(request, viewer, form)
    me = viewer.principal
    acts: dict[str, Callable[[], object]] = {
        "seen": lambda: paging.seen(me, page_id),
        "ack": lambda: paging.acknowledge(me, page_id),
        "decline": lambda: paging.decline(me, page_id, form.get("reason", "")),
    }
    if action not in acts:
        raise NotFound("action", f"no action {action!r} on a page")
    try:
        acts[action]()
    except CallroomError as error:
        return _item(request, paging, rosters, viewer, page_id, error)
    return _item(request, paging, rosters, viewer, page_id)


@router.get("/inbox/pages/{page_id}", response_class=HTMLResponse)
def page_detail(
    request: Request, viewer: Pager, paging: Paging, rosters: Rosters, page_id: RowId
) -> HTMLResponse:
    """The page, its recipients (who and why) and its whole timeline."""
    try:
        detail = paging.detail(viewer.principal, page_id)
    except CallroomError as refused:
        return render(
            request, "error.html", {"title": "Page", "message": refused.message}, status=status_of(refused)
        )
    show = _show_patient(viewer) or detail.page.sender == viewer.principal.identity
    context = {"detail": detail, "progress": detail.progress, "show_patient": show, "open": OPEN}
    return render(request, "page_detail.html", context | _reading(rosters))


@router.get("/inbox/pages/{page_id}/progress", response_class=HTMLResponse)
def page_progress(request: Request, viewer: Pager, paging: Paging, page_id: RowId) -> HTMLResponse:
    """How many of the page's recipients it has reached, as the fragment the page's view polls
    while deliveries land."""
    try:
        progress = paging.progress(viewer.principal, page_id)
    except CallroomError as refused:
        return render(
            request, "_error_fragment.html", {"message": refused.message}, status=status_of(refused)
        )
    return render(request, "_page_progress.html", {"progress": progress, "refresh": True})
