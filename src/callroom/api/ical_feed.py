"""`GET /api/v1/ical/{token}.ics`: a person's schedule as RFC 5545, for calendar apps.

Calendar apps cannot sign in, so the secret token in the URL is the credential (the route is
public in the permission table). The token is one the account made at `/api/v1/me/calendar`;
making a new one, revoking, or deactivating the account makes the old URL answer 404.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from callroom.api.deps import Accounts, Rosters
from callroom.api.schemas import ErrorRead
from callroom.domain.clock import utc_now
from callroom.errors import NotFound
from callroom.formats.ical import person_calendar

router = APIRouter(prefix="/api/v1", tags=["calendar"], responses={404: {"model": ErrorRead}})
CALENDAR = {200: {"content": {"text/calendar": {}}, "description": "an iCalendar (RFC 5545) file"}}


@router.get("/ical/{token}.ics", name="calendar_feed", response_class=Response, responses=CALENDAR)  # type: ignore[arg-type]
def calendar_feed(token: str, accounts: Accounts, rosters: Rosters) -> Response:
    """The schedule of the account that owns the link, from the live roster."""
    account = accounts.calendar_owner(token)
    if account is None or account.person_id is None:
        raise NotFound("token", "no such calendar link (it may have been revoked)")
    live = rosters.live()
    schedule = None if live is None else live.schedule
    if schedule is None or account.person_id not in schedule.program.person:
        raise NotFound("token", "nothing is scheduled for this calendar yet")
    calendar = person_calendar(schedule.program, schedule.roster, account.person_id, stamp=utc_now())
    # Not cached (api/headers.py: no-store), so a revoked link stops at once.
    return Response(calendar.to_ical(), media_type="text/calendar; charset=utf-8")
