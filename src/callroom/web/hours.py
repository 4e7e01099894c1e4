"""Duty hours (`/hours`): for each resident, hours per week against their own weekly limit, free
days and call nights, drawn with Chart.js.

Scheduled hours come from the live roster through the rule checkers' own figures
(`callroom.rules.summary`), so the chart and the ACGME check can never disagree; logged hours
are the hours service's report (`callroom.hours`), drawn and listed beside them. Each resident is
drawn against the limit the rules give them (`RuleProfile.limits_for`: 88 on a rotation with the
Review Committee's exception, 80 otherwise). Residents see their own; chiefs, program directors
and admins see everyone (the permission table). A resident logs a week at `/hours/week`
(`web.hours_week`); a program director reviews justifications at `/hours/review`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from callroom.accounts.permissions import Permission
from callroom.api.deps import Hours, Rosters
from callroom.domain.program import Person, Program
from callroom.errors import CallroomError
from callroom.hours.service import HoursReport, HoursService
from callroom.rosters.live import Live
from callroom.rules.summary import PersonSummary, summarise
from callroom.web.session import Viewer, forbidden, viewer
from callroom.web.templating import render

router = APIRouter()
Signed = Annotated[Viewer, Depends(viewer)]
DEFAULT_LIMIT = 80
"""The ACGME weekly limit, for a person no resident limits bind (an attending has none)."""


def weekly_limit(program: Program, person: Person) -> int:
    """The weekly-hour limit binding `person`: the one place the pages ask the rules for it."""
    limits = program.rules.limits_for(person)
    return limits.weekly_hours if limits is not None else DEFAULT_LIMIT


def rotation_name(program: Program, person: Person) -> str | None:
    """The person's rotation in words: the name of the service it is, when it is one."""
    if person.rotation is None:
        return None
    service = program.service.get(person.rotation)
    return service.name if service is not None else person.rotation.replace("-", " ")


def logged_by_week(report: HoursReport | None) -> dict[str, list[float]]:
    """Logged hours per week of the report, in week order (the service's figures), of each
    person who has logged any."""
    found: dict[str, list[float]] = defaultdict(list)
    for week in sorted(report.weeks if report else (), key=lambda w: (w.person_id, w.week_start)):
        found[week.person_id].append(round(week.worked_minutes / 60, 1))
    return {person: weeks for person, weeks in found.items() if any(weeks)}


def _report(service: HoursService, viewer: Viewer, person_id: str | None) -> HoursReport | None:
    """The hours report of one person (or everyone), or None when it cannot be read."""
    try:
        return service.report(viewer.principal, person_id)
    except CallroomError:
        return None


def _chart(live: Live, summary: PersonSummary, worked: list[float] | None) -> dict[str, object]:
    """What the page's script draws: weekly bars (scheduled, and worked when any hours are
    logged) and the person's weekly-hour limit line."""
    starts = live.program.block.dates()[::7]
    return {
        "labels": [f"Week of {d.strftime('%d %b')}" for d in starts],
        "hours": [round(h, 1) for h in summary.weekly_hours],
        "limit": weekly_limit(live.program, summary.person),
        "average": round(summary.average_hours, 1),
        "worked": worked,
    }


def _overview(live: Live, residents: list[PersonSummary]) -> dict[str, object]:
    """Every resident's average against their OWN limit: one limit mark per bar."""
    ordered = sorted(residents, key=lambda s: -s.average_hours)
    return {
        "labels": [s.person.name for s in ordered],
        "ids": [s.person.id for s in ordered],
        "hours": [round(s.average_hours, 1) for s in ordered],
        "limits": [weekly_limit(live.program, s.person) for s in ordered],
    }


def _weeks(live: Live, summary: PersonSummary, worked: list[float] | None) -> list[dict[str, object]]:
    """The chosen resident's weeks as table rows: scheduled and logged beside each other."""
    starts = live.program.block.dates()[::7]
    logged = worked or [0.0] * len(starts)
    return [
        {"start": day, "scheduled": round(hours, 1), "logged": logged[i]}
        for i, (day, hours) in enumerate(zip(starts, summary.weekly_hours, strict=True))
    ]


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
    logged = logged_by_week(_report(service, viewer, None if everyone else viewer.person_id))
    worked = logged.get(chosen.person.id) if chosen else None
    return render(
        request,
        "hours.html",
        {
            "live": live,
            "residents": residents if everyone else [],
            "chosen": chosen,
            "person_error": error,
            "chart": _chart(live, chosen, worked) if chosen else None,
            "weeks": _weeks(live, chosen, worked) if chosen else [],
            "overview": _overview(live, residents) if everyone else None,
            "limit_of": lambda person: weekly_limit(live.program, person),
            "rotation_of": lambda person: rotation_name(live.program, person),
            "logged": logged,
            "logs_own": viewer.can(Permission.HOURS_LOG_OWN) and viewer.person_id is not None,
            "reviews": viewer.can(Permission.HOURS_REVIEW),
        },
        status=404 if error else 200,
    )
