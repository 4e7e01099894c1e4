"""My schedule (`/me`): the signed-in person's shifts in the live roster, and their private
calendar subscription link.

The link's token is shown once, when it is made (only its digest is stored, by
`callroom.accounts`); making a new one or revoking stops the old ones, so a link that leaked
is one click from useless. The feed itself is `GET /api/v1/ical/{token}.ics`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from callroom.accounts.errors import AccountError
from callroom.accounts.permissions import Permission
from callroom.api.auth import accounts_of
from callroom.rules.summary import summarise
from callroom.web.board import person_shifts
from callroom.web.forms import check_csrf, form_data
from callroom.web.live import current
from callroom.web.session import Viewer, require
from callroom.web.templating import render

router = APIRouter()
Owner = Annotated[Viewer, Depends(require(Permission.CALENDAR_OWN, "see a schedule of your own"))]
Form = Annotated[dict[str, str], Depends(form_data)]


def _page(request: Request, viewer: Viewer, link: str | None = None, notice: str | None = None,
          error: str | None = None, status: int = 200) -> HTMLResponse:
    live = current(request)
    person = live.program.person.get(viewer.person_id or "") if live is not None else None
    shifts = person_shifts(live.schedule, person.id) if live is not None and person is not None else []
    summary = None
    if live is not None and person is not None:
        summary = next(s for s in summarise(live.program, live.roster) if s.person.id == person.id)
    return render(request, "me.html", {"live": live, "person": person, "shifts": shifts, "summary": summary,
                                       "link": link, "notice": notice, "link_error": error}, status=status)


@router.get("/me", response_class=HTMLResponse)
def my_schedule(request: Request, viewer: Owner) -> HTMLResponse:
    return _page(request, viewer)


@router.post("/me/calendar", response_class=HTMLResponse)
def new_link(request: Request, viewer: Owner, form: Form) -> HTMLResponse:
    check_csrf(request, viewer, form)
    try:
        token = accounts_of(request).new_calendar_link(viewer.principal)
    except AccountError as error:
        return _page(request, viewer, error=error.message, status=error.status)
    link = str(request.url_for("calendar_feed", token=token))
    said = "New calendar link made; any older link has stopped working."
    return _page(request, viewer, link=link, notice=said)


@router.post("/me/calendar/revoke", response_class=HTMLResponse)
def revoke_links(request: Request, viewer: Owner, form: Form) -> HTMLResponse:
    check_csrf(request, viewer, form)
    count = accounts_of(request).revoke_calendar_links(viewer.principal)
    said = "No calendar link was active." if count == 0 else f"Revoked {count} calendar link(s)."
    return _page(request, viewer, notice=said)
