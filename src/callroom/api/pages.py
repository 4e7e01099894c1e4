"""`/api/v1/pages`: send, read with timeline, act on a page, and the in-app event stream.

Routes are thin: they authenticate, translate the body, call the paging service and shape the
answer. Errors raised by the service name the field; api/errors.py chooses the status.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from sse_starlette import EventSourceResponse

from callroom.accounts.permissions import Permission
from callroom.api.auth import Principal, require
from callroom.api.deps import AppSettings, Hub
from callroom.api.deps import Paging as Service
from callroom.api.params import LastEventId, RowId, Since
from callroom.api.schemas import ErrorRead
from callroom.api.schemas.pages import (
    DeclineCreate,
    PageBatchCreate,
    PageBatchRead,
    PageCreate,
    PageRead,
    SentRead,
)
from callroom.paging.service import PagingService
from callroom.paging.stream import events

Caller = Annotated[Principal, Depends(require(Permission.PAGE_SEND))]
ERRORS = {status: {"model": ErrorRead} for status in (401, 403, 404, 409, 413, 422)}
router = APIRouter(prefix="/api/v1/pages", tags=["pages"], responses=ERRORS)  # type: ignore[arg-type]


def _read(paging: PagingService, page_id: RowId, caller: Principal) -> PageRead:
    """The page as the caller may see it: operators (no `patient:read`) see the patient
    reference only on pages they sent themselves."""
    read = PageRead.of(paging.detail(caller, page_id))
    if caller.can(Permission.PATIENT_READ) or read.sender == caller.identity:
        return read
    return read.model_copy(update={"patient_ref": None})


@router.post("", status_code=201)
def create_page(body: PageCreate, caller: Caller, paging: Service) -> PageRead:
    """Send a page. It resolves to recipients from the live schedule now; `notes` says what
    the sender should know (cover, fallback)."""
    sent = paging.send(body.request(caller.identity))
    return _read(paging, sent.id, caller)


@router.post("/batch", status_code=201)
def create_pages(body: PageBatchCreate, caller: Caller, paging: Service) -> PageBatchRead:
    """Send several pages in one transaction: all of them, or none when any is refused (the
    error names each bad one as `pages.<index>.<field>`). Each answer is the page's id, its
    recipients and its notes, in the order sent."""
    sent = paging.send_batch([page.request(caller.identity) for page in body.pages])
    return PageBatchRead(pages=[SentRead.of(s) for s in sent])


STREAM: dict[int | str, dict[str, object]] = {200: {"content": {"text/event-stream": {}}}}


@router.get("/stream", response_class=EventSourceResponse, responses=STREAM)
async def stream(
    caller: Caller,
    hub: Hub,
    settings: AppSettings,
    last_event_id: LastEventId = None,
    since: Since = None,
) -> EventSourceResponse:
    """Server-Sent Events: each page delivered to the caller's in-app inbox, as `event: page`."""
    after = last_event_id if last_event_id is not None else since
    return EventSourceResponse(events(hub, caller.inbox, after), ping=settings.stream_ping_s)


@router.get("/{page_id}")
def get_page(page_id: RowId, caller: Caller, paging: Service) -> PageRead:
    """The page, its recipients (who and why) and its timeline, for its sender, its
    recipients, operators and admins."""
    return _read(paging, page_id, caller)


@router.post("/{page_id}/seen")
def see_page(page_id: RowId, caller: Caller, paging: Service) -> PageRead:
    paging.seen(caller, page_id)
    return _read(paging, page_id, caller)


@router.post("/{page_id}/ack")
def acknowledge_page(page_id: RowId, caller: Caller, paging: Service) -> PageRead:
    paging.acknowledge(caller, page_id)
    return _read(paging, page_id, caller)


@router.post("/{page_id}/decline")
def decline_page(page_id: RowId, body: DeclineCreate, caller: Caller, paging: Service) -> PageRead:
    paging.decline(caller, page_id, body.reason)
    return _read(paging, page_id, caller)


@router.post("/{page_id}/resolve")
def resolve_page(page_id: RowId, caller: Caller, paging: Service) -> PageRead:
    paging.resolve(caller, page_id)
    return _read(paging, page_id, caller)
