"""The program director's review of duty-hour justifications (`/hours/review`): each reason a
resident gave for staying past their hours, with the period, that week's logged hours against
the resident's own limit, and accept or refuse (a refusal says why: the resident reads it on
their week). The decisions are the hours service's `review`, with the viewer's principal; every
decision is kept, and the ones already made are listed below the pending ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from callroom.accounts.permissions import Permission
from callroom.api.deps import Hours, Rosters
from callroom.api.errors import status_of
from callroom.api.params import RowId
from callroom.domain.program import Person, Program
from callroom.domain.worklog import Decision
from callroom.errors import CallroomError, Invalid
from callroom.hours.service import HoursReport, HoursService, JustificationRecord
from callroom.rosters.live import Live
from callroom.web.forms import check_csrf, form_data
from callroom.web.hours import weekly_limit
from callroom.web.session import Viewer, require
from callroom.web.templating import render

router = APIRouter()
Reviewer = Annotated[Viewer, Depends(require(Permission.HOURS_REVIEW, "review duty-hour justifications"))]
Form = Annotated[dict[str, str], Depends(form_data)]
DECIDED_SHOWN = 30  # the newest decisions listed under the pending ones


@dataclass(frozen=True)
class Item:
    """One justification as the program director reads it."""

    justification: JustificationRecord
    person: Person | None
    start: datetime  # hospital local
    end: datetime
    week_start: date | None  # the block week holding the period, when it is in the live block
    week_hours: float | None  # that week's logged hours (the hours report's)
    limit: int | None

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


def items(program: Program, report: HoursReport) -> list[Item]:
    """Every justification of the report with its period and that week's logged hours."""
    zone = ZoneInfo(program.hospital.timezone)
    periods = {p.id: p for p in report.periods}
    found = []
    for justification in report.justifications:
        period = periods.get(justification.period_id)
        if period is None or period.current.values.end is None:
            continue  # withdrawn, or still clocked in: nothing to weigh yet
        values = period.current.values
        assert values.end is not None
        start = values.start.astimezone(zone)
        person = program.person.get(period.person_id)
        week = next(
            (
                w
                for w in report.weeks
                if w.person_id == period.person_id
                and w.week_start <= start.date() < w.week_start + timedelta(7)
            ),
            None,
        )
        found.append(
            Item(
                justification,
                person,
                start,
                values.end.astimezone(zone),
                week.week_start if week else None,
                week.worked_minutes / 60 if week else None,
                weekly_limit(program, person) if person else None,
            )
        )
    return found


def _page(
    request: Request,
    viewer: Viewer,
    service: HoursService,
    live: Live | None,
    *,
    notice: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    if live is None:
        return render(request, "empty.html", {"title": "Justifications to review"})
    every = items(live.program, service.report(viewer.principal))
    decided = sorted(
        (i for i in every if i.justification.reviews),
        key=lambda i: i.justification.reviews[-1].reviewed_at,
        reverse=True,
    )
    context = {
        "live": live,
        "pending": [i for i in every if not i.justification.reviews],
        "decided": decided[:DECIDED_SHOWN],
        "notice": notice,
        "errors": errors or {},
        "values": values or {},
        "name_of": lambda identity: _name(live.program, identity),
    }
    return render(request, "hours_review.html", context, status=status)


def _name(program: Program, identity: str) -> str:
    found = program.person.get(identity)
    return found.name if found else identity


@router.get("/hours/review", response_class=HTMLResponse)
def review_page(request: Request, viewer: Reviewer, service: Hours, rosters: Rosters) -> HTMLResponse:
    return _page(request, viewer, service, rosters.live())


@router.post("/hours/review/{justification_id}", response_class=HTMLResponse)
def decide(
    request: Request,
    viewer: Reviewer,
    form: Form,
    service: Hours,
    rosters: Rosters,
    justification_id: RowId,
) -> HTMLResponse:
    """Accept or refuse one justification; a refusal without a reason is refused by the service,
    and the page keeps the note as typed."""
    check_csrf(request, viewer, form)
    note = form.get("note", "").strip()
    try:
        decision = _decision(form.get("decision", ""))
        done = service.review(viewer.principal, justification_id, decision, note)
    except CallroomError as error:
        key = f"{justification_id}.{error.field if error.field in ('note', 'decision') else 'form'}"
        return _page(
            request,
            viewer,
            service,
            rosters.live(),
            errors={key: error.message},
            values={f"{justification_id}.note": form.get("note", "")},
            status=status_of(error),
        )
    said = (
        "Justification accepted."
        if done.status == Decision.ACCEPTED
        else "Justification refused: the resident is sent a notice with your reason."
    )
    return _page(request, viewer, service, rosters.live(), notice=said)


def _decision(text: str) -> Decision:
    try:
        return Decision(text)
    except ValueError:
        raise Invalid("decision", "accept or refuse") from None
