"""A resident's or attending's own OR cases (`/or/mine`), on the phone the evening before and
between cases: today's and tomorrow's cases (room, time, procedure, attending, their role, who
else is on it), each linking to its case page and, for a resident, to logging it. And the
program director's access report (`/or/access`): every read of a patient's identifiers, the
break-glass reads first, with their reasons.

`?day=` shows that day and the next instead of today and tomorrow (a look ahead, or back).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from callroom.accounts.permissions import Permission
from callroom.api.deps import Operating, Rosters
from callroom.domain.clock import utc_now
from callroom.rules.operating import case_words
from callroom.web import operating_view as view
from callroom.web.names import Names
from callroom.web.operating import PATH, parse_day
from callroom.web.session import Viewer, require
from callroom.web.templating import render

router = APIRouter()
Reader = Annotated[Viewer, Depends(require(Permission.OR_READ, "see OR cases"))]
Auditor = Annotated[Viewer, Depends(require(Permission.PHI_AUDIT, "read the patient access log"))]


@router.get(PATH + "/mine", response_class=HTMLResponse)
def my_cases(request: Request, viewer: Reader, rosters: Rosters, operating: Operating) -> HTMLResponse:
    live = rosters.live()
    if live is None:
        return render(request, "empty.html", {"title": "My cases"})
    program = live.program
    asked = request.query_params.get("day")
    first = parse_day(asked, program) if asked else view.hospital_today(program, utc_now())
    grades = {p.id: p.grade.label for p in program.people}
    days = []
    for day in (first, first + timedelta(days=1)):
        mine = operating.my_cases(viewer.principal, day)
        blocks = [view.block_of(c, program.hospital.timezone, grades) for c in mine]
        days.append((day, sorted(blocks, key=lambda b: b.case.start)))
    context = {
        "days": days,
        "labels": ("Today", "Tomorrow") if asked is None else ("", ""),
        "previous": first - timedelta(days=1),
        "next": first + timedelta(days=1),
        "me": viewer.person_id,
        "resident": viewer.can(Permission.CASELOG_OWN),
        "person": program.person.get(viewer.person_id or ""),
    }
    return render(request, "or_mine.html", context)


@router.get(PATH + "/access", response_class=HTMLResponse)
def access_report(request: Request, viewer: Auditor, rosters: Rosters, operating: Operating) -> HTMLResponse:
    live = rosters.live()
    names = Names(live.program if live is not None else None)
    entries = list(operating.access_log(viewer.principal))
    glass = [e for e in entries if e.action == "break-glass"]
    plain = [e for e in entries if e.action != "break-glass"]
    zone = live.program.hospital.timezone if live is not None else "UTC"
    context = {
        "glass": glass,
        "plain": plain,
        "names": names,
        "zone": zone,
        "case_words": case_words,
        "read_at": view.read_at,
        "route_words": view.route_words,
    }
    return render(request, "or_access.html", context)
