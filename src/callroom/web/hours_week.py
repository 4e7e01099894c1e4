"""A resident's week of duty hours (`/hours/week`), made for a phone at 3 a.m.: the seven days
with the shifts the roster scheduled and the hours logged, "worked as scheduled" in one tap,
a day's times corrected, clock in and clock out, and a reason given for staying late.

Every action is the hours service's, with the viewer's principal: the same checks as the API
(`/api/v1/hours/me/...`), so a resident acts only on their own hours. A refusal re-renders the
page with the service's message next to the field it names and every value as it was typed
(status 4xx, which app.js lets htmx swap in); nothing typed is lost. Times are the hospital's
wall clock, read and shown in its zone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from callroom.accounts.permissions import Permission
from callroom.api.deps import Hours, Rosters
from callroom.api.errors import status_of
from callroom.api.params import RowId
from callroom.domain.clock import utc_now
from callroom.domain.program import Person, Program
from callroom.domain.wallclock import local_instant
from callroom.domain.worklog import Reason, WorkKind
from callroom.errors import CallroomError, Detail, Invalid, NotFound
from callroom.hours.service import (
    Correction,
    Entry,
    HoursReport,
    HoursService,
    JustificationRecord,
    PeriodRecord,
)
from callroom.rosters.live import Live
from callroom.web.board import Holder, person_shifts
from callroom.web.forms import check_csrf, form_data
from callroom.web.hours import weekly_limit
from callroom.web.session import Viewer, forbidden, require
from callroom.web.templating import render

router = APIRouter()
Logger = Annotated[Viewer, Depends(require(Permission.HOURS_LOG_OWN, "log duty hours"))]
Form = Annotated[dict[str, str], Depends(form_data)]
INPUT_FORMAT = "%Y-%m-%dT%H:%M"  # what an <input type="datetime-local"> sends and shows


@dataclass(frozen=True)
class Logged:
    """A logged period as the resident reads it: local times and its newest justification."""

    record: PeriodRecord
    start: datetime
    end: datetime | None
    justification: JustificationRecord | None

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600 if self.end else 0.0


@dataclass(frozen=True)
class Day:
    day: date
    scheduled: tuple[tuple[Holder, str], ...]  # each shift with its post's name
    logged: tuple[Logged, ...]


@dataclass(frozen=True)
class Week:
    number: int  # 1 for the block's first week
    count: int  # weeks in the block
    days: tuple[Day, ...]
    scheduled_hours: float
    logged_hours: float
    limit: int
    open: Logged | None  # the period clocked in and not yet out

    @property
    def start(self) -> date:
        return self.days[0].day

    @property
    def forms(self) -> set[str]:
        """The keys of the forms on the page, where an outcome is shown beside its form (an
        outcome about a form not on it, a period another week holds now, goes at the top)."""
        keys = {"clock", "confirm"}
        for day in self.days:
            keys |= {f"{a}-{p.record.id}" for p in day.logged for a in ("correct", "justify")}
            keys |= set() if day.logged else {f"log-{day.day.isoformat()}"}
        return keys


def week_starts(program: Program) -> list[date]:
    """The block's weeks start on its first day, as the hours report counts them."""
    return program.block.dates()[::7]


def current_week(program: Program, today: date) -> int:
    """The week holding `today`, or the nearest week of the block."""
    elapsed = (today - program.block.start).days // 7 + 1
    return max(1, min(len(week_starts(program)), elapsed))


def _logged(record: PeriodRecord, zone: ZoneInfo, justifications: Iterable[JustificationRecord]) -> Logged:
    values = record.current.values
    own = [j for j in justifications if j.period_id == record.id]
    # The latest word on the period: a decision made after a reason was sent is newer than it.
    latest = max(own, key=lambda j: (j.changed_at, j.id), default=None)
    return Logged(
        record, values.start.astimezone(zone), values.end.astimezone(zone) if values.end else None, latest
    )


def build_week(
    live: Live, person: Person, number: int, periods: list[PeriodRecord], report: HoursReport
) -> Week:
    """The week's days with scheduled shifts and logged periods (by local start day), and its
    totals as the hours report counts them."""
    program, zone = live.program, ZoneInfo(live.program.hospital.timezone)
    start = week_starts(program)[number - 1]
    shifts = person_shifts(live.schedule, person.id)
    logged = [_logged(p, zone, report.justifications) for p in periods]
    days = tuple(
        Day(
            day,
            tuple(s for s in shifts if s[0].start.date() == day),
            tuple(p for p in logged if p.start.date() == day and p.end is not None),
        )
        for day in (start + timedelta(days=i) for i in range(7))
        if day <= program.block.end
    )
    totals = next((w for w in report.weeks if w.person_id == person.id and w.week_start == start), None)
    return Week(
        number,
        len(week_starts(program)),
        days,
        totals.scheduled_minutes / 60 if totals else 0.0,
        totals.worked_minutes / 60 if totals else 0.0,
        weekly_limit(program, person),
        next((p for p in logged if p.end is None), None),
    )


def _person(live: Live, viewer: Viewer) -> Person:
    person = live.program.person.get(viewer.person_id or "")
    if person is None:
        raise forbidden("log duty hours: this account is not a person on the schedule")
    return person


def _number(live: Live, asked: str | None) -> int:
    if not asked:
        return current_week(live.program, utc_now().astimezone(_zone(live)).date())
    count = len(week_starts(live.program))
    if not asked.isdigit() or not 1 <= int(asked) <= count:
        raise NotFound("week", f"the block has weeks 1 to {count}")
    return int(asked)


@dataclass(frozen=True)
class Outcome:
    """What the page says after an action, beside the form that acted (`key`): a notice, or
    the refusal's messages and the values as typed, each keyed "form key.field"."""

    notice: str | None = None
    lines: tuple[str, ...] = ()
    key: str = ""  # the form that acted, where the page shows the outcome
    errors: dict[str, str] | None = None
    values: dict[str, str] | None = None
    status: int = 200


def _page(
    request: Request,
    viewer: Viewer,
    service: HoursService,
    live: Live | None,
    number: str | None,
    said: Outcome,
) -> HTMLResponse:
    if live is None:
        return render(request, "empty.html", {"title": "My duty hours"})
    person = _person(live, viewer)
    week = build_week(
        live,
        person,
        _number(live, number),
        service.periods(viewer.principal, person.id),
        service.report(viewer.principal, person.id),
    )
    context = {
        "live": live,
        "person": person,
        "week": week,
        "said": said,
        "errors": said.errors or {},
        "values": said.values or {},
        "reasons": list(Reason),
        "input_time": lambda value: value.strftime(INPUT_FORMAT) if value else "",
        "span": _span,
        "name_of": lambda identity: _name(live.program, identity),
    }
    return render(request, "hours_week.html", context, status=said.status)


def _span(start: datetime, end: datetime | None) -> str:
    """Local times of a shift or period: "07:00–19:00", "19:00–07:00 next day"."""
    if end is None:
        return f"{start:%H:%M}, still clocked in"
    days = (end.date() - start.date()).days
    after = "" if days == 0 else " next day" if days == 1 else f" {end:%a %d %b}"
    return f"{start:%H:%M}–{end:%H:%M}{after}"


def _name(program: Program, identity: str) -> str:
    """A person's name for who did something (an account not on the schedule: its username)."""
    found = program.person.get(identity)
    return found.name if found else identity


@router.get("/hours/week", response_class=HTMLResponse)
def week_page(request: Request, viewer: Logger, service: Hours, rosters: Rosters) -> HTMLResponse:
    return _page(request, viewer, service, rosters.live(), request.query_params.get("week"), Outcome())


# -- actions ---------------------------------------------------------------------------------------


def _zone(live: Live | None) -> ZoneInfo:
    """The hospital's zone (without a live roster every action is refused before any time is
    read, so UTC is never shown)."""
    return ZoneInfo(live.program.hospital.timezone) if live is not None else ZoneInfo("UTC")


def _instant(form: dict[str, str], field: str, zone: ZoneInfo) -> datetime:
    text = form.get(field, "").strip()
    if not text:
        raise Invalid(field, "give a date and a time")
    return local_instant(text, zone, field)


def _refused(key: str, error: CallroomError, form: dict[str, str], fields: tuple[str, ...]) -> Outcome:
    """The refusal's messages by field of form `key` (a field the form lacks: the form's own)."""
    errors: dict[str, str] = {}
    for item in error.details or (Detail(error.field, error.message),):
        spot = f"{key}.{item.field if item.field in fields else 'form'}"
        errors[spot] = f"{errors[spot]}; {item.message}" if spot in errors else item.message
    values = {f"{key}.{name}": value for name, value in form.items() if name != "csrf_token"}
    return Outcome(key=key, errors=errors, values=values, status=status_of(error))


Action = Callable[[HoursService, Viewer, dict[str, str], ZoneInfo], Outcome]


def _confirm(service: HoursService, viewer: Viewer, form: dict[str, str], zone: ZoneInfo) -> Outcome:
    try:
        start = date.fromisoformat(form.get("week_start", ""))
    except ValueError:
        raise Invalid("week_start", "choose a week") from None
    done = service.confirm(viewer.principal, viewer.person_id or "", start)
    count = len(done.logged)
    notice = f"Logged {count} shift{'s' if count != 1 else ''} as scheduled."
    return Outcome(notice, tuple(f"Not logged: {why}" for why in done.skipped))


def _clock_in(service: HoursService, viewer: Viewer, form: dict[str, str], zone: ZoneInfo) -> Outcome:
    record = service.clock_in(viewer.principal, viewer.person_id or "")
    return Outcome(f"Clocked in at {record.current.values.start.astimezone(zone):%H:%M}.")


def _clock_out(service: HoursService, viewer: Viewer, form: dict[str, str], zone: ZoneInfo) -> Outcome:
    record = service.clock_out(viewer.principal, viewer.person_id or "")
    values = record.current.values
    if values.withdrawn:
        start = f"{values.start.astimezone(zone):%H:%M}"
        return Outcome(f"Clocked out within a minute of clocking in at {start}: nothing logged.")
    end = values.end or values.start  # a clocked-out period always has its end
    hours = (end - values.start).total_seconds() / 3600
    return Outcome(f"Clocked out at {end.astimezone(zone):%H:%M} ({hours:.1f} h logged).")


def _log(service: HoursService, viewer: Viewer, form: dict[str, str], zone: ZoneInfo) -> Outcome:
    start, end = _instant(form, "start", zone), _instant(form, "end", zone)
    entry = Entry(viewer.person_id or "", start, end, WorkKind.IN_HOUSE, note=form.get("note", "").strip())
    record = service.log(viewer.principal, entry)
    return Outcome(f"Logged {record.current.values.start.astimezone(zone):%a %d %b %H:%M}.")


ACTIONS: dict[str, tuple[Action, tuple[str, ...]]] = {
    "confirm": (_confirm, ("week_start",)),
    "clock-in": (_clock_in, ()),
    "clock-out": (_clock_out, ()),
    "log": (_log, ("start", "end", "note")),
}


@router.post("/hours/week/{action}", response_class=HTMLResponse)
def week_action(
    request: Request, viewer: Logger, form: Form, service: Hours, rosters: Rosters, action: str
) -> HTMLResponse:
    """Confirm the week as scheduled, clock in or out, or log a day (`form["key"]` names the
    day's form, so a refusal lands next to it)."""
    check_csrf(request, viewer, form)
    if action not in ACTIONS:
        raise NotFound("action", f"no hours action {action!r}")
    live = rosters.live()
    run, fields = ACTIONS[action]
    key = form.get("key", action)
    try:
        said = replace(run(service, viewer, form, _zone(live)), key=key)
    except CallroomError as error:
        said = _refused(key, error, form, fields)
    return _page(request, viewer, service, live, form.get("week"), said)


def _correct(
    service: HoursService, viewer: Viewer, period_id: int, form: dict[str, str], zone: ZoneInfo
) -> Outcome:
    change = Correction(
        start=_instant(form, "start", zone),
        end=_instant(form, "end", zone),
        note=form.get("note", "").strip(),
    )
    record = service.correct(viewer.principal, period_id, change, own=True)
    values = record.current.values
    end = f"{values.end.astimezone(zone):%H:%M}" if values.end else "now"
    return Outcome(f"Corrected: {values.start.astimezone(zone):%a %d %b %H:%M} to {end}.")


def _justify(
    service: HoursService, viewer: Viewer, period_id: int, form: dict[str, str], zone: ZoneInfo
) -> Outcome:
    try:
        reason = Reason(form.get("reason", ""))
    except ValueError:
        raise Invalid("reason", "choose why you stayed") from None
    service.justify(viewer.principal, period_id, reason, form.get("note", "").strip())
    return Outcome("Reason sent: the program director reviews it.")


PeriodAction = Callable[[HoursService, Viewer, int, dict[str, str], ZoneInfo], Outcome]
PERIOD_ACTIONS: dict[str, tuple[PeriodAction, tuple[str, ...]]] = {
    "correct": (_correct, ("start", "end", "note")),
    "justify": (_justify, ("reason", "note")),
}


@router.post("/hours/week/periods/{period_id}/{action}", response_class=HTMLResponse)
def period_action(
    request: Request,
    viewer: Logger,
    form: Form,
    service: Hours,
    rosters: Rosters,
    period_id: RowId,
    action: str,
) -> HTMLResponse:
    """Correct one's own period's times, or justify staying late on it."""
    check_csrf(request, viewer, form)
    if action not in PERIOD_ACTIONS:
        raise NotFound("action", f"no action {action!r} on a period")
    live = rosters.live()
    run, fields = PERIOD_ACTIONS[action]
    key = f"{action}-{period_id}"
    try:
        said = replace(run(service, viewer, period_id, form, _zone(live)), key=key)
    except CallroomError as error:
        said = _refused(key, error, form, fields)
    return _page(request, viewer, service, live, form.get("week"), said)
