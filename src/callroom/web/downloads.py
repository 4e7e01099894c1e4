"""The schedule's downloads, for whoever may read the grid, and the one way a page answers with
a file (`attachment`).

- `/schedule/roster.csv`: the live roster as `callroom export` writes it (`formats.roster_csv`);
- `/schedule/calendar.ics`: the viewer's own shifts (`?person=ID`: anyone's) as a calendar;
- `/schedule/roster.ics`: everyone's shifts in one calendar, each event named with its person.

The calendars are `formats.ical`'s, stamped with the time the roster version was made, so a
calendar app that imports a newer version's file updates each event in place.
"""

from __future__ import annotations

import io
import re
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from callroom.accounts.permissions import Permission
from callroom.api.deps import Rosters
from callroom.errors import Invalid, NotFound
from callroom.formats.ical import person_calendar, roster_calendar
from callroom.formats.roster_csv import write_roster_csv
from callroom.rosters.live import Live
from callroom.web.session import Viewer, require

router = APIRouter()
Reader = Annotated[Viewer, Depends(require(Permission.ROSTER_READ, "read the schedule"))]
PersonParam = Annotated[str | None, Query(max_length=100, description="a person's id")]
CSV = "text/csv; charset=utf-8"
ICAL = "text/calendar; charset=utf-8"


def attachment(body: bytes, media_type: str, filename: str) -> Response:
    """`body` as a file to save. The name carries a program's name, which a chief chose: quoted,
    and only characters a file name may have."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    return Response(
        body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{safe}"'}
    )


def _named(live: Live, what: str) -> str:
    return f"{live.name}-v{live.record.number}-{what}"


@router.get("/schedule/roster.csv")
def roster_csv(viewer: Reader, rosters: Rosters) -> Response:
    """The live roster, one row per assignment, times with the hospital's UTC offset."""
    live = rosters.require_live()
    out = io.StringIO()
    write_roster_csv(live.program, live.roster, out)
    return attachment(out.getvalue().encode("utf-8"), CSV, _named(live, "roster.csv"))


@router.get("/schedule/calendar.ics")
def person_ics(viewer: Reader, rosters: Rosters, person: PersonParam = None) -> Response:
    """`person`'s shifts in the live roster, or the viewer's own."""
    live = rosters.require_live()
    chosen = person or viewer.person_id
    if chosen is None:
        raise Invalid("person", "say whose shifts: /schedule/calendar.ics?person=ID")
    if chosen not in live.program.person:
        raise NotFound("person", f"{chosen!r} is not on the roster of {live.name}")
    calendar = person_calendar(live.program, live.roster, chosen, stamp=live.record.created_at)
    return attachment(calendar.to_ical(), ICAL, _named(live, f"{chosen}.ics"))


@router.get("/schedule/roster.ics")
def roster_ics(viewer: Reader, rosters: Rosters) -> Response:
    """Everyone's shifts in the live roster, in one calendar."""
    live = rosters.require_live()
    calendar = roster_calendar(live.program, live.roster, stamp=live.record.created_at)
    return attachment(calendar.to_ical(), ICAL, _named(live, "roster.ics"))
