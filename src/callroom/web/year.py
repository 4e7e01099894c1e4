"""The year (`/year`): the published year plan as residents × weeks, a block to a column group,
each week's rotation as a letter in the rotation's colour (vacation struck through), the viewer's
own row first and highlighted. The plan shown is the one the live roster's block was made from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from callroom.accounts.permissions import Permission
from callroom.api.deps import Rosters, Years
from callroom.domain.program import Person
from callroom.domain.year import Year, YearPlan, rotation_letters
from callroom.web.session import Viewer, require
from callroom.web.templating import render

router = APIRouter()
Reader = Annotated[Viewer, Depends(require(Permission.ROSTER_READ, "read the schedule"))]
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
    live = rosters.live()
    shown = years.shown(live.name if live is not None else None)
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
