"""`/api/v1/program`: the reference data (people, services, posts, shift types, escalation
policies) as the program file an admin edits, read and replaced whole.

A new program file is checked by the same loader as `callroom validate` (every problem with its
line and field, 422, nothing saved) and stored as the program's next version. The live roster
is carried over to it as a new roster version, so paging and the schedule use the new reference
data at once; if the roster names people, posts or shifts the new file no longer has, the
change is refused (409 naming them) and nothing is saved.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from callroom.accounts.errors import AccountError, Conflict
from callroom.accounts.permissions import Permission
from callroom.api import rosters
from callroom.api.auth import Principal, require
from callroom.api.schedule_schemas import RosterVersionRead
from callroom.api.schemas import ErrorRead
from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.formats.program_file import ProgramFileError, parse_program
from callroom.storage import ProgramRepository, RosterRepository, RosterSource

ERRORS = {status: {"model": ErrorRead} for status in (401, 403, 404, 409, 413, 422)}
router = APIRouter(prefix="/api/v1", tags=["reference data"], responses=ERRORS)  # type: ignore[arg-type]
Admin = Annotated[Principal, Depends(require(Permission.REFERENCE_EDIT))]
YAML = {200: {"content": {"application/yaml": {}}, "description": "the live program file"}}


class ProgramChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str = Field(min_length=1, description="the whole program file (YAML)")
    reason: str = Field(min_length=1, max_length=500, description="why; kept in the roster version's audit")


class ProgramChanged(BaseModel):
    program: str
    program_version: int
    unchanged: bool
    roster: RosterVersionRead | None


class ProgramInvalid(AccountError):
    def __init__(self, error: ProgramFileError) -> None:
        first = error.issues[0]
        super().__init__(f"source.{first.field}" if first.field else "source", str(first))
        self.errors = [{"field": issue.field, "message": issue.message, "line": str(issue.line or "")}
                       for issue in error.issues]


@router.get("/program", response_class=Response, responses=YAML)  # type: ignore[arg-type]
def get_program(_caller: Admin, request: Request) -> Response:
    """The program file the live roster was made for, as stored."""
    current = rosters.live(request)
    with rosters.database_of(request).reading() as session:
        source = ProgramRepository(session).get_version(current.record.program_version_id)
    assert source is not None
    return Response(source.source_text, media_type="application/yaml")


@router.put("/program")
def replace_program(body: ProgramChange, caller: Admin, request: Request) -> ProgramChanged:
    """Replace the program file; the live roster moves over to it (see the module's doc)."""
    current = rosters.live(request)
    try:
        program = parse_program(body.source, f"{current.program_name}.yaml")
    except ProgramFileError as error:
        raise ProgramInvalid(error) from error
    _check_roster_fits(program, current.roster)
    report: dict[str, Any] = {"program_change": {"by": caller.user, "reason": body.reason,
                                                 "from_program_version": current.record.program_version_id}}
    with rosters.database_of(request).session() as session:
        programs = ProgramRepository(session)
        version = programs.save_source(current.program_name, body.source, f"api:{caller.user}")
        if version.id == current.record.program_version_id:
            return ProgramChanged(program=current.program_name, program_version=version.number,
                                  unchanged=True, roster=None)
        saved = RosterRepository(session).add_version(
            version.id, current.roster, source=RosterSource.EDIT, status="program changed", objective=None,
            bound=None, report=report, parent_id=current.record.id)
    rosters.forget_schedule(request)
    read = RosterVersionRead(id=saved.id, number=saved.number, parent_id=saved.parent_id,
                             created_at=saved.created_at, source=saved.source.value, status=saved.status,
                             objective=saved.objective, program=current.program_name,
                             audit=report["program_change"])
    return ProgramChanged(program=current.program_name, program_version=version.number, unchanged=False,
                          roster=read)


def _check_roster_fits(program: Program, roster: Roster) -> None:
    placed = roster.assignments
    missing = sorted({f"person {a.person_id}" for a in placed if a.person_id not in program.person}
                     | {f"post {a.post_id}" for a in placed if a.post_id not in program.post}
                     | {f"shift {a.shift_id}" for a in placed if a.shift_id not in program.shift})
    if missing:
        raise Conflict("source", "the live roster still uses " + ", ".join(missing[:10])
                       + ("" if len(missing) <= 10 else f" and {len(missing) - 10} more")
                       + ": take them off the roster first")
