"""Duty hours (`/hours`): for each resident, hours per week against the 80-hour line, free
days and call nights, drawn with Chart.js.

Scheduled hours come from the live roster through the rule checkers' own figures
(`callroom.rules.summary`), so the chart and the ACGME check can never disagree; worked hours
are what the resident logged (`callroom.hours`), drawn beside them once any are logged. Residents see
their own; chiefs, program directors and admins see everyone (the permission table).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from callroom.accounts.permissions import Permission
from callroom.api.deps import Hours, Rosters
from callroom.errors import CallroomError
from callroom.hours.service import HoursService
from callroom.rosters.live import Live
from callroom.rules.summary import PersonSummary, summarise
from callroom.web.session import Viewer, forbidden, viewer
from callroom.web.templating import render

router = APIRouter()
Signed = Annotated[Viewer, Depends(viewer)]


def _limit(live: Live, summary: PersonSummary) -> int:
    limits = live.program.rules.limits_for(summary.person)
    return limits.weekly_hours if limits is not None else 80


def _chart(live: Live, summary: PersonSummary, worked: list[float] | None) -> dict[str, object]:
    """What the page's script draws: weekly bars (scheduled, and worked when any hours are
    logged) and the person's weekly-hour limit line."""
    starts = live.program.block.dates()[::7]
    return {
        "labels": [f"Week of {d.strftime('%d %b')}" for d in starts],
        "hours": [round(h, 1) for h in summary.weekly_hours],
        "limit": _limit(live, summary),
        "average": round(summary.average_hours, 1),
        "worked": worked,
    }


def _worked(service: HoursService, viewer: Viewer, person_id: str) -> list[float] | None:
    """Logged hours per week of the block (the hours service), or None when none are logged."""
    try:
        weeks = service.report(viewer.principal, person_id).weeks
    except CallroomError:
        return None
    mine = sorted((w for w in weeks if w.person_id == person_id), key=lambda w: w.week_start)
    if not any(w.worked_minutes for w in mine):
        return None
    return [round(w.worked_minutes / 60, 1) for w in mine]


def _overview(live: Live, residents: list[PersonSummary]) -> dict[str, object]:
    ordered = sorted(residents, key=lambda s: -s.average_hours)
    return {
        "labels": [s.person.name for s in ordered],
        "ids": [s.person.id for s in ordered],
        "hours": [round(s.average_hours, 1) for s in ordered],
        "limit": max((_limit(live, s) for s in ordered), default=80),
    }


@router.get("/hours", response_class=HTMLResponse)
def hours_page(request: Request, viewer: Signed, rosters: Rosters, service: Hours) -> HTMLResponse:
    everyone = viewer.can(Permission.HOURS_READ)
    if not (everyone or viewer.can(Permission.HOURS_LOG_OWN)):
        raise forbidden("read duty hours")
    live = rosters.live()
    if live is None:
        return render(request, "empty.html", {"title": "Duty hours"})
    residents = [s for s in summarise(live.program, live.roster) if s.person.grade.is_resident]
    wanted = request.query_params.get("person") or (None if everyone else viewer.person_id)
    if not everyone and wanted != viewer.person_id:
        raise forbidden("read another resident's duty hours")
    chosen = next((s for s in residents if s.person.id == wanted), None)
    error = f"no resident {wanted!r}" if wanted and chosen is None else None
    return render(
        request,
        "hours.html",
        {
            "live": live,
            "residents": residents if everyone else [],
            "chosen": chosen,
            "person_error": error,
            "chart": _chart(live, chosen, _worked(service, viewer, chosen.person.id)) if chosen else None,
            "overview": _overview(live, residents) if everyone else None,
            "limit": _limit(live, chosen) if chosen else 80,
        },
        status=404 if error else 200,
    )
