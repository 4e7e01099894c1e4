"""`/api/v1/hours`: log, confirm, clock in and out, correct, justify, review, report; and
`/api/v1/whatif`.

Who may try each route is the permission table (`hours:log-own` for a resident's own hours,
`hours:read` for everyone's, `hours:review` for justifications, `roster:read` for the what-if);
the service checks ownership again with the caller's person id: a resident logs, corrects,
justifies and reads only their own hours, and asks what-ifs only about themselves. Routes under
`/me` are the caller's own; `/people/{person_id}` and `/periods/{id}/history` read anyone's.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import Field

from callroom.accounts.permissions import Permission
from callroom.api.auth import Principal, require
from callroom.api.deps import Hours as Service
from callroom.api.headers import SELF_CONTAINED_POLICY
from callroom.api.params import RowId
from callroom.api.schemas import ErrorRead
from callroom.api.schemas.hours import (
    ClockCreate,
    ConfirmCreate,
    ConfirmRead,
    CorrectionCreate,
    HistoryRead,
    JustificationCreate,
    JustificationRead,
    PeriodCreate,
    PeriodRead,
    ReportRead,
    ReviewCreate,
    RevisionRead,
    WhatIfCreate,
    WhatIfRead,
)
from callroom.hours.report import csv_text, html_page
from callroom.hours.service import Correction, Entry, History, HoursReport

Own = Annotated[Principal, Depends(require(Permission.HOURS_LOG_OWN))]
Reader = Annotated[Principal, Depends(require(Permission.HOURS_READ))]
Reviewer = Annotated[Principal, Depends(require(Permission.HOURS_REVIEW))]
Asker = Annotated[Principal, Depends(require(Permission.ROSTER_READ))]
ERRORS = {status: {"model": ErrorRead} for status in (401, 403, 404, 409, 422)}
router = APIRouter(tags=["hours"], responses=ERRORS)  # type: ignore[arg-type]
PREFIX = "/api/v1/hours"


Format = Literal["json", "csv", "html"]
# At most 1000: far beyond any real report, and small enough that the block's dates exist
# (a generated block number of 10**18 overflowed the date arithmetic: a 500).
BlockNumber = Annotated[int, Field(ge=1, le=1000)]
Blocks = Annotated[
    list[BlockNumber], Query(alias="block", description="block numbers (1: the program's own)")
]


def _shaped(report: HoursReport, fmt: Format) -> ReportRead | Response:
    if fmt == "csv":
        return Response(csv_text(report), media_type="text/csv; charset=utf-8")
    if fmt == "html":
        return Response(
            html_page(report),
            media_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": SELF_CONTAINED_POLICY},
        )
    return ReportRead.of(report)


# -- the caller's own hours ----------------------------------------------------------------------


@router.post(f"{PREFIX}/me/periods", status_code=201)
def log_period(body: PeriodCreate, caller: Own, hours: Service) -> PeriodRead:
    """Log a period worked. 422 naming the field: end before start, over 30 hours, in the
    future, overlapping another period, unknown shift or post; nothing is saved."""
    entry = Entry(caller.identity, body.start, body.end, body.kind, body.shift, body.post, body.note)
    return PeriodRead.of(hours.log(caller, entry))


@router.get(f"{PREFIX}/me/periods")
def my_periods(caller: Own, hours: Service) -> list[PeriodRead]:
    return [PeriodRead.of(p) for p in hours.periods(caller, caller.identity)]


@router.post(f"{PREFIX}/me/confirm", status_code=201)
def confirm_week(body: ConfirmCreate, caller: Own, hours: Service) -> ConfirmRead:
    """Worked as scheduled: log the week's ended shifts from the live roster in one action."""
    done = hours.confirm(caller, caller.identity, body.week_start)
    return ConfirmRead(logged=[PeriodRead.of(p) for p in done.logged], skipped=list(done.skipped))


@router.post(f"{PREFIX}/me/clock-in", status_code=201)
def clock_in(caller: Own, hours: Service, body: ClockCreate | None = None) -> PeriodRead:
    """Start a period now (or at `at`); the body may be left out."""
    body = body or ClockCreate()
    return PeriodRead.of(hours.clock_in(caller, caller.identity, body.at, body.kind, body.shift, body.post))


@router.post(f"{PREFIX}/me/clock-out")
def clock_out(caller: Own, hours: Service, body: ClockCreate | None = None) -> PeriodRead:
    """End the open period now (or at `at`)."""
    return PeriodRead.of(hours.clock_out(caller, caller.identity, (body or ClockCreate()).at))


@router.post(f"{PREFIX}/me/periods/{{period_id}}/corrections", status_code=201)
def correct_period(period_id: RowId, body: CorrectionCreate, caller: Own, hours: Service) -> PeriodRead:
    """A new value for one's own period; the earlier values stay in its history."""
    change = Correction(body.start, body.end, body.kind, body.shift, body.post, body.note, body.withdraw)
    return PeriodRead.of(hours.correct(caller, period_id, change, own=True))


@router.get(f"{PREFIX}/me/periods/{{period_id}}/history")
def my_period_history(period_id: RowId, caller: Own, hours: Service) -> HistoryRead:
    return _history(hours.history(caller, period_id, own=True))


@router.post(f"{PREFIX}/me/periods/{{period_id}}/justifications", status_code=201)
def justify_period(
    period_id: RowId, body: JustificationCreate, caller: Own, hours: Service
) -> JustificationRead:
    return JustificationRead.of(hours.justify(caller, period_id, body.reason, body.note))


@router.get(f"{PREFIX}/me/report", response_model=None)
def my_report(
    caller: Own,
    hours: Service,
    block: Blocks = [],  # noqa: B006 (FastAPI reads it)
    format: Format = "json",
) -> ReportRead | Response:
    return _shaped(hours.report(caller, caller.identity, block), format)


# -- everyone's hours (program directors, chiefs) ------------------------------------------------


@router.get(f"{PREFIX}/people/{{person_id}}/periods")
def person_periods(person_id: str, caller: Reader, hours: Service) -> list[PeriodRead]:
    return [PeriodRead.of(p) for p in hours.periods(caller, person_id)]


@router.get(f"{PREFIX}/periods/{{period_id}}/history")
def period_history(period_id: RowId, caller: Reader, hours: Service) -> HistoryRead:
    """Every value the period has had, who changed it and when, and its justifications."""
    return _history(hours.history(caller, period_id))


@router.get(f"{PREFIX}/report", response_model=None)
def program_report(
    caller: Reader,
    hours: Service,
    block: Blocks = [],  # noqa: B006
    person: str | None = None,
    format: Format = "json",
) -> ReportRead | Response:
    """Compliance by block on hours as worked, early warnings, scheduled against worked by week
    and justifications: JSON, CSV or a printable HTML page."""
    return _shaped(hours.report(caller, person, block), format)


@router.post(f"{PREFIX}/justifications/{{justification_id}}/reviews", status_code=201)
def review_justification(
    justification_id: RowId, body: ReviewCreate, caller: Reviewer, hours: Service
) -> JustificationRead:
    return JustificationRead.of(hours.review(caller, justification_id, body.decision, body.note))


# -- what-if ------------------------------------------------------------------------------------


@router.post("/api/v1/whatif")
def what_if(body: WhatIfCreate, caller: Asker, hours: Service) -> WhatIfRead:
    """Would the person (default: the caller) break a rule by taking the shift, at it or later
    in the block? Judged on their logged hours where they have logged, the roster elsewhere."""
    return WhatIfRead.of(hours.whatif(caller, body.person or caller.identity, body.take))


def _history(found: History) -> HistoryRead:
    return HistoryRead(
        period=PeriodRead.of(found.period),
        revisions=[RevisionRead.of(r) for r in found.revisions],
        justifications=[JustificationRead.of(j) for j in found.justifications],
    )
