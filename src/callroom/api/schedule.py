"""`/api/v1/people`, `/services`, `/posts`, `/rosters`, `/oncall`: the directory, roster
versions and their differences, the chief's cell edit with its rule check, and who is on call.

Each route takes its permission from the one table (api/auth.require); the logic is the roster
service's (`callroom.rosters`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from starlette.concurrency import run_in_threadpool

from callroom.accounts.permissions import Permission
from callroom.api.auth import Principal, require
from callroom.api.deps import Changes, Rosters
from callroom.api.params import OUT_OF_RANGE, VersionNumber, in_range
from callroom.api.schemas import ErrorRead
from callroom.api.schemas.schedule import (
    AssignmentRead,
    CellEditCreate,
    EditImpactRead,
    HolderRead,
    OnCallRead,
    PersonRead,
    PostRead,
    RosterDiffRead,
    RosterRead,
    RosterVersionRead,
    ServiceRead,
    services_of,
)
from callroom.domain.clock import utc_now
from callroom.errors import Invalid, NotFound
from callroom.paging.routing import Schedule

ERRORS = {status: {"model": ErrorRead} for status in (401, 403, 404, 409, 413, 422)}
router = APIRouter(prefix="/api/v1", tags=["schedule"], responses=ERRORS)  # type: ignore[arg-type]
# Its own router, included first: FastAPI tries routes in order, and this is the one a ward board
# polls (matching through every earlier route cost about half a millisecond a request).
oncall_router = APIRouter(prefix="/api/v1", tags=["on call"], responses=ERRORS)  # type: ignore[arg-type]

Directory = Annotated[Principal, Depends(require(Permission.DIRECTORY_READ))]
Reader = Annotated[Principal, Depends(require(Permission.ROSTER_READ))]
Editor = Annotated[Principal, Depends(require(Permission.ROSTER_EDIT))]
OnCall = Annotated[Principal, Depends(require(Permission.ONCALL_READ))]


@router.get("/people")
def list_people(
    _caller: Directory, rosters: Rosters, service: str | None = None, grade: str | None = None
) -> list[PersonRead]:
    """People of the live program, optionally of one service (rotation) or grade."""
    program = rosters.schedule().program
    return [
        PersonRead.of(p)
        for p in program.people
        if (service is None or p.rotation == service) and (grade is None or p.grade.label == grade)
    ]


@router.get("/people/{person_id}")
def get_person(person_id: str, _caller: Directory, rosters: Rosters) -> PersonRead:
    person = rosters.schedule().program.person.get(person_id)
    if person is None:
        raise NotFound("person_id", f"no person {person_id!r} in the program")
    return PersonRead.of(person)


@router.get("/services")
def list_services(_caller: Directory, rosters: Rosters) -> list[ServiceRead]:
    return services_of(rosters.schedule().program)


@router.get("/posts")
def list_posts(_caller: Directory, rosters: Rosters) -> list[PostRead]:
    return [PostRead.of(p) for p in rosters.schedule().program.posts]


@router.get("/rosters")
def list_rosters(_caller: Reader, rosters: Rosters) -> list[RosterVersionRead]:
    """Every version of the live program's roster, oldest first, with each change's audit."""
    name = rosters.require_live().name
    return [RosterVersionRead.of(r, name) for r in rosters.versions()]


@router.get("/rosters/current")
def current_roster(
    _caller: Reader, rosters: Rosters, person: Annotated[str | None, Query(max_length=100)] = None
) -> RosterRead:
    """The live roster (the newest version), optionally one person's assignments only."""
    return RosterRead.of_live(rosters.require_live(), person)


@router.get("/rosters/{number}")
def get_roster(
    number: VersionNumber,
    _caller: Reader,
    rosters: Rosters,
    person: Annotated[str | None, Query(max_length=100)] = None,
) -> RosterRead:
    return RosterRead.of_live(rosters.version(number), person)


@router.get("/rosters/{number}/diff/{other}")
def diff_rosters(
    number: VersionNumber, other: VersionNumber, _caller: Reader, rosters: Rosters
) -> RosterDiffRead:
    """What changed from version `number` to version `other`."""
    before, after = rosters.version(number), rosters.version(other)
    removed, added = before.roster.diff(after.roster)
    return RosterDiffRead(
        program=before.name,
        base=number,
        other=other,
        removed=[AssignmentRead.model_validate(a) for a in removed],
        added=[AssignmentRead.model_validate(a) for a in added],
    )


@router.post(
    "/rosters/current/edits",
    responses={
        200: {"description": "a dry run: nothing saved"},
        201: {"description": "saved as a new version"},
    },
)
async def edit_cell(
    body: CellEditCreate, caller: Editor, rosters: Rosters, changes: Changes, response: Response
) -> EditImpactRead:
    """Set one cell of the live roster. The rules are checked first; `dry_run` answers with
    the violations and cover gaps the edit would cause and saves nothing. A save that would
    break a hard rule is refused (409 naming the rules) unless `force` and a `reason` are
    given; a saved edit is a new roster version whose audit says who, when and why, and each
    person it moves gets a notice saying which shifts changed."""
    if body.dry_run:
        return EditImpactRead.of(await run_in_threadpool(rosters.check, body.edit))
    saved = await run_in_threadpool(changes.edit_cell, caller, body.edit)
    response.status_code = 201
    return EditImpactRead.of(saved.check, RosterVersionRead.of(saved.version, rosters.require_live().name))


def _holders(schedule: Schedule, post: str, at: datetime) -> list[HolderRead]:
    found = []
    for work in schedule.holders(post, at):
        person = schedule.program.person[work.assignment.person_id]
        offset = schedule.minute(at)
        found.append(
            HolderRead(
                person_id=person.id,
                name=person.name,
                grade=person.grade.label,
                shift_id=work.shift.id,
                starts=at + timedelta(minutes=work.start - offset),
                ends=at + timedelta(minutes=work.end - offset),
            )
        )
    return found


@oncall_router.get("/oncall")
async def on_call(
    caller: OnCall,
    rosters: Rosters,
    post: Annotated[str, Query(min_length=1, max_length=100, description="a post id")],
    at: Annotated[datetime | None, Query(description="an instant with offset; default now")] = None,
) -> OnCallRead:
    """Who holds the post at `at` (default: now), most junior first, from the live roster;
    and who holds it when their shift ends. (Async: the schedule is nearly always in memory,
    so the answer needs no thread.)"""
    when = _instant(at)
    schedule = rosters.schedule()
    found = schedule.program.post.get(post)
    if found is None:
        raise NotFound("post", f"no post {post!r} in the program")
    holders = _holders(schedule, post, when)
    later = _holders(schedule, post, max(h.ends for h in holders)) if holders else []
    return OnCallRead(
        post=post,
        post_name=found.name,
        at=when,
        roster_version_id=schedule.roster_version_id,
        holders=holders,
        next=later,
    )


def _instant(at: datetime | None) -> datetime:
    if at is None:
        return utc_now()
    if at.tzinfo is None:
        raise Invalid("at", "give the instant with its offset, e.g. 2027-03-01T08:00:00Z")
    if not in_range(at):
        raise Invalid("at", OUT_OF_RANGE)
    return at.astimezone(UTC)
