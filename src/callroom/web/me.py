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

from callroom.accounts.permissions import Permission
from callroom.api.deps import Accounts, Rosters
from callroom.api.errors import status_of
from callroom.errors import CallroomError
from callroom.rosters.service import RosterService
from callroom.rules.summary import summarise
from callroom.web.board import person_shifts
from callroom.web.forms import check_csrf, form_data
from callroom.web.session import Viewer, require
from callroom.web.templating import render

router = APIRouter()
Owner = Annotated[Viewer, Depends(require(Permission.CALENDAR_OWN, "see a schedule of your own"))]
Form = Annotated[dict[str, str], Depends(form_data)]


def _page(
    request: Request,
    viewer: Viewer,
    rosters: RosterService,
    link: str | None = None,
    notice: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    live = rosters.live()
    person = live.program.person.get(viewer.person_id or "") if live is not None else None
    shifts = person_shifts(live.schedule, person.id) if live is not None and person is not None else []
    summary = None
    if live is not None and person is not None:
        summary = next(s for s in summarise(live.program, live.roster) if s.person.id == person.id)
    return render(
        request,
        "me.html",
        {
            "live": live,
            "person": person,
            "shifts": shifts,
            "summary": summary,
            "link": link,
            "calendar_notice": notice,
            "link_error": error,
        },
        status=status,
    )


@router.get("/me", response_class=HTMLResponse)
def my_schedule(request: Request, viewer: Owner, rosters: Rosters) -> HTMLResponse:
    return _page(request, viewer, rosters)


@router.post("/me/calendar", response_class=HTMLResponse)
def new_link(
    request: Request, viewer: Owner, form: Form, accounts: Accounts, rosters: Rosters
) -> HTMLResponse:
    check_csrf(request, viewer, form)
    try:
        token = accounts.new_calendar_link(viewer.principal)
    except CallroomError as error:
        return _page(request, viewer, rosters, error=error.message, status=status_of(error))
    link = str(request.url_for("calendar_feed", token=token))
    said = "New calendar link made; any older link has stopped working."
    return _page(request, viewer, rosters, link=link, notice=said)


@router.post("/me/calendar/revoke", response_class=HTMLResponse)
def revoke_links(
    request: Request, viewer: Owner, form: Form, accounts: Accounts, rosters: Rosters
) -> HTMLResponse:
    check_csrf(request, viewer, form)
    count = accounts.revoke_calendar_links(viewer.principal)
    said = "No calendar link was active." if count == 0 else f"Revoked {count} calendar link(s)."
    return _page(request, viewer, rosters, notice=said)
