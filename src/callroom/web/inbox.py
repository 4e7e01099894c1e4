"""The pager (`/inbox`): pages that reached me arrive live, with acknowledge and decline;
pages I sent, each with its recipients and timeline (`/inbox/pages/{id}`).

Live arrival reuses the paging API's Server-Sent Events (`callroom.api.stream`): the page's
script listens on `/inbox/stream` (the session cookie is the credential, which a browser's
EventSource sends and cannot replace with a header) and fetches each new page as a fragment.
An operator's inbox is the switchboard's queue, as in the API.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sse_starlette import EventSourceResponse

from callroom.accounts.permissions import Permission
from callroom.api.params import RowId
from callroom.api.stream import InboxHub, LastEventId, events
from callroom.paging.engine import OPEN_STATES
from callroom.paging.service import PageDetail, PagingError, PagingService
from callroom.storage.web_repositories import PageListRepository
from callroom.web.forms import check_csrf, form_data
from callroom.web.live import database
from callroom.web.session import Viewer, require
from callroom.web.templating import render

router = APIRouter()
Pager = Annotated[Viewer, Depends(require(Permission.PAGE_SEND, "use the pager"))]
Form = Annotated[dict[str, str], Depends(form_data)]
RECENT = 50
OPEN = OPEN_STATES


def _paging(request: Request) -> PagingService:
    service: PagingService = request.app.state.paging
    return service


@router.get("/inbox", response_class=HTMLResponse)
def inbox_page(request: Request, viewer: Pager) -> HTMLResponse:
    with database(request).reading() as session:
        pages = PageListRepository(session)
        received = pages.received(viewer.principal.inbox, RECENT)
        sent = pages.sent(viewer.principal.identity, RECENT)
    return render(request, "inbox.html", {"received": received, "sent": sent, "open": OPEN,
                                          "show_patient": _show_patient(viewer)})


def _show_patient(viewer: Viewer) -> bool:
    return viewer.can(Permission.PATIENT_READ)


@router.get("/inbox/stream", response_class=EventSourceResponse)
async def inbox_stream(request: Request, viewer: Pager,
                       last_event_id: LastEventId = None) -> EventSourceResponse:
    """`event: page` for each page delivered to the viewer's inbox (see api.stream)."""
    hub: InboxHub = request.app.state.hub
    ping = request.app.state.settings.stream_ping_s
    return EventSourceResponse(events(hub, viewer.principal.inbox, last_event_id), ping=ping)


def _detail(request: Request, viewer: Viewer, page_id: int) -> PageDetail:
    return _paging(request).detail(page_id, viewer.principal.actor)


def _item(request: Request, viewer: Viewer, page_id: int, status: int = 200,
          error: PagingError | None = None) -> HTMLResponse:
    try:
        detail = _detail(request, viewer, page_id)
    except PagingError as refused:
        return render(request, "_error_fragment.html", {"message": refused.message}, status=refused.status)
    return render(request, "_inbox_item.html", {"page": detail.page, "open": OPEN, "error": error,
                                                "show_patient": _show_patient(viewer)}, status=status)


@router.get("/inbox/item/{page_id}", response_class=HTMLResponse)
def inbox_item(request: Request, viewer: Pager, page_id: RowId) -> HTMLResponse:
    """One received page as a fragment: what the live script inserts when a page arrives."""
    return _item(request, viewer, page_id)


@router.post("/inbox/pages/{page_id}/ack", response_class=HTMLResponse)
def acknowledge(request: Request, viewer: Pager, form: Form, page_id: RowId) -> HTMLResponse:
    check_csrf(request, viewer, form)
    try:
        _paging(request).acknowledge(page_id, viewer.principal.actor)
    except PagingError as error:
        return _item(request, viewer, page_id, error.status, error)
    return _item(request, viewer, page_id)


@router.post("/inbox/pages/{page_id}/decline", response_class=HTMLResponse)
def decline(request: Request, viewer: Pager, form: Form, page_id: RowId) -> HTMLResponse:
    check_csrf(request, viewer, form)
    try:
        _paging(request).decline(page_id, viewer.principal.actor, form.get("reason", ""))
    except PagingError as error:
        return _item(request, viewer, page_id, error.status, error)
    return _item(request, viewer, page_id)


@router.get("/inbox/pages/{page_id}", response_class=HTMLResponse)
def page_detail(request: Request, viewer: Pager, page_id: RowId) -> HTMLResponse:
    """The page, its recipients (who and why) and its whole timeline."""
    try:
        detail = _detail(request, viewer, page_id)
    except PagingError as refused:
        return render(request, "error.html", {"title": "Page", "message": refused.message},
                      status=refused.status)
    show = _show_patient(viewer) or detail.page.sender == viewer.principal.identity
    return render(request, "page_detail.html", {"detail": detail, "show_patient": show, "open": OPEN})
