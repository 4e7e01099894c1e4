"""The year (`/year`): the published year plan as residents × weeks, a block to a column group,
each week's rotation as a letter in the rotation's colour (vacation struck through), the viewer's
own row first and highlighted. The plan shown is the one the live roster's block was made from.

Its downloads, for whoever may read the page: the plan as CSV (`/year/plan.csv`) and a resident's
year as a calendar (`/year/calendar.ics?person=ID`, the viewer's own without it), written by
`formats.year_export` as `callroom year export` writes them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse

from callroom.accounts.permissions import Permission
from callroom.api.deps import Rosters, Years
from callroom.domain.program import Person
from callroom.domain.year import Year, YearPlan, rotation_letters
from callroom.errors import Invalid, NotFound
from callroom.formats.year_export import write_year_csv, year_calendar
from callroom.rosters.service import RosterService
from callroom.web.downloads import CSV, ICAL, attachment
from callroom.web.session import Viewer, require
from callroom.web.templating import render
from callroom.year.service import PublishedYear, YearService

router = APIRouter()
Reader = Annotated[Viewer, Depends(require(Permission.ROSTER_READ, "read the schedule"))]
PersonParam = Annotated[str | None, Query(max_length=100, description="a resident's id")]
PALETTE = 10  # rotation colours in app.css: rot-0 .. rot-9


@dataclass(frozen=True)
class Cell:
    letter: str
    css: str
    title: str


@dataclass(frozen=True)
class Row:
    person: Person
    cells: tuple[Cell, ...]
    mine: bool


@router.get("/year", response_class=HTMLResponse)
def year_page(request: Request, viewer: Reader, rosters: Rosters, years: Years) -> HTMLResponse:
    shown = _shown(rosters, years)
    if shown is None or shown.program.year is None:
        return render(request, "year.html", {"year": None})
    year = shown.program.year
    codes = rotation_letters([r.id for r in year.rotations])
    legend = [Cell(codes[r.id], f"rot-{i % PALETTE}", r.name) for i, r in enumerate(year.rotations)]
    looks = {r.id: cell for r, cell in zip(year.rotations, legend, strict=True)}
    rows = [_row(year, shown.plan, looks, p, viewer.person_id) for p in shown.program.residents]
    rows.sort(key=lambda row: not row.mine)  # the viewer's own row first
    return render(
        request,
        "year.html",
        {"year": year, "name": shown.name, "record": shown.record, "rows": rows, "legend": legend},
    )


@router.get("/year/plan.csv")
def year_csv(viewer: Reader, rosters: Rosters, years: Years) -> Response:
    """The plan shown on the page, one row per resident-week."""
    shown = _required(rosters, years)
    out = io.StringIO()
    write_year_csv(shown.program, shown.plan, out)
    return attachment(out.getvalue().encode("utf-8"), CSV, f"{shown.name}-year.csv")


@router.get("/year/calendar.ics")
def year_ics(
    viewer: Reader,
    rosters: Rosters,
    years: Years,
    person: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """A resident's year as a calendar: `person`'s, or the viewer's own."""
    shown = _required(rosters, years)
    chosen = person or viewer.person_id
    if chosen is None:
        raise Invalid("person", "say whose year: /year/calendar.ics?person=ID")
    if chosen not in shown.plan.people():
        raise NotFound("person", f"{chosen!r} has no weeks in the year plan of {shown.name}")
    calendar = year_calendar(shown.program, shown.plan, chosen)
    return attachment(calendar.to_ical(), ICAL, f"{chosen}-year.ics")


def _shown(rosters: RosterService, years: YearService) -> PublishedYear | None:
    live = rosters.live()
    return years.shown(live.name if live is not None else None)


def _required(rosters: RosterService, years: YearService) -> PublishedYear:
    shown = _shown(rosters, years)
    if shown is None:
        raise NotFound("year", "no year plan is stored yet: plan one with `callroom year solve`")
    return shown


def _row(year: Year, plan: YearPlan, looks: dict[str, Cell], person: Person, viewer: str | None) -> Row:
    """The person's weeks; `looks` is each rotation's letter and colour (its name as title)."""
    cells = []
    for w in range(year.weeks):
        placed = plan.at.get((person.id, w))
        when = f"week of {year.week_start(w)}"
        if placed is None:
            cells.append(Cell("·", "absent", f"{when}: not yet joined"))
            continue
        look = looks[placed.rotation_id]
        if placed.vacation:
            cells.append(Cell(look.letter, f"{look.css} vac", f"{when}: vacation during {look.title}"))
        else:
            cells.append(Cell(look.letter, look.css, f"{when}: {look.title}"))
    return Row(person, tuple(cells), person.id == viewer)
