"""`/api/v1/program`: the reference data (people, services, posts, shift types, escalation
policies) as the program file an admin edits, read and replaced whole; `/api/v1/conflicts`: the
declared conflicts with their reasons, which only the chief reads (the admin's file shows a
placeholder for each reason).

A new program file is checked by the same loader as `callroom validate` (every problem with its
line and field, 422, nothing saved) and stored as the program's next version. The live roster
is carried over to it as a new roster version, so paging and the schedule use the new reference
data at once; if the roster names people, posts or shifts the new file no longer has, the
change is refused (409 naming them) and nothing is saved. The work is the roster service's.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from callroom.accounts.permissions import Permission
from callroom.api.auth import Principal, require
from callroom.api.deps import Rosters
from callroom.api.schemas import ErrorRead
from callroom.api.schemas.reference import ConflictRead, ProgramChange, ProgramChanged
from callroom.api.schemas.schedule import RosterVersionRead

ERRORS = {status: {"model": ErrorRead} for status in (401, 403, 404, 409, 413, 422)}
router = APIRouter(prefix="/api/v1", tags=["reference data"], responses=ERRORS)  # type: ignore[arg-type]
Admin = Annotated[Principal, Depends(require(Permission.REFERENCE_EDIT))]
ChiefOnly = Annotated[Principal, Depends(require(Permission.CONFLICTS_READ))]
YAML = {200: {"content": {"application/yaml": {}}, "description": "the live program file"}}


@router.get("/program", response_class=Response, responses=YAML)  # type: ignore[arg-type]
def get_program(caller: Admin, rosters: Rosters) -> Response:
    """The program file the live roster was made for, as stored, with each declared conflict's
    reason replaced by a placeholder (the reasons are the chief's: `GET /api/v1/conflicts`).
    Sent back in a `PUT` unchanged, a placeholder keeps the stored reason."""
    return Response(rosters.program_source(caller), media_type="application/yaml")


@router.get("/conflicts")
def get_conflicts(caller: ChiefOnly, rosters: Rosters) -> list[ConflictRead]:
    """The live program's declared conflicts: who must never share a team, and why (the chief's
    eyes only)."""
    return [ConflictRead.of(c) for c in rosters.conflicts(caller)]


@router.put("/program")
def replace_program(body: ProgramChange, caller: Admin, rosters: Rosters) -> ProgramChanged:
    """Replace the program file; the live roster moves over to it (see the module's doc)."""
    done = rosters.replace_program(caller, body.source, body.reason)
    saved = None if done.version is None else RosterVersionRead.of(done.version, done.program)
    return ProgramChanged(
        program=done.program,
        program_version=done.program_version,
        unchanged=done.version is None,
        roster=saved,
    )
