"""`/schedule/posts.css`: the grid's background colour per post, as a stylesheet.

The colours come from the live program (a colour per post, `callroom.web.grid.post_colours`),
so they cannot live in app.css; and the Content-Security-Policy allows no inline stylesheet,
so the grid page links this one instead. Every value in it is made here (class names `p0`,
`p1`, ... and `hsl(...)` numbers), none typed by anyone.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from callroom.accounts.permissions import Permission
from callroom.api.deps import Rosters
from callroom.web.grid import post_colours
from callroom.web.session import Viewer, require

router = APIRouter()
Reader = Annotated[Viewer, Depends(require(Permission.ROSTER_READ, "read the schedule"))]


@router.get("/schedule/posts.css")
def post_colours_css(_viewer: Reader, rosters: Rosters) -> Response:
    """One rule per post of the live program (none before a roster is stored)."""
    live = rosters.live()
    colours = post_colours(live.program) if live is not None else ()
    rules = (f"table.grid td.{c.css}, .swatch.{c.css} {{ background: {c.colour}; }}\n" for c in colours)
    return Response("".join(rules), media_type="text/css; charset=utf-8")
