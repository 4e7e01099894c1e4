"""`/api/v1/people`, `/services`, `/posts`, `/rosters`, `/oncall`: the directory, roster
versions and their differences, the chief's cell edit with its rule check, and who is on call.

Each route takes its permission from the one table (api/auth.require); the logic is in
api/rosters.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from callroom.accounts.errors import AccountError, NotFound
from callroom.accounts.permissions import Permission
from callroom.api import rosters
from callroom.api.auth import Principal, require
from callroom.api.params import OUT_OF_RANGE, VersionNumber, in_range
from callroom.api.schedule_schemas import (
    AssignmentRead,
    CellEdit,
    EditImpactRead,
    HolderRead,
    OnCallRead,
    PersonRead,
    PostRead,
    RosterDiffRead,
    RosterRead,
    RosterVersionRead,
    ServiceRead,
    ViolationRead,
    services_of,
)
from callroom.api.schemas import ErrorRead
from callroom.domain.roster import Assignment, Roster
from callroom.errors import Invalid
from callroom.paging.routing import Schedule
from callroom.rules.change import Change, Impact
from callroom.storage import RosterVersionRecord

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
def list_people(_caller: Directory, request: Request, service: str | None = None,
                grade: str | None = None) -> list[PersonRead]:
    """People of the live program, optionally of one service (rotation) or grade."""
    program = rosters.current_schedule(request).program
    return [PersonRead.of(p) for p in program.people
            if (service is None or p.rotation == service) and (grade is None or p.grade.label == grade)]


@router.get("/people/{person_id}")
def get_person(person_id: str, _caller: Directory, request: Request) -> PersonRead:
    person = rosters.current_schedule(request).program.person.get(person_id)
    if person is None:
        raise NotFound("person_id", f"no person {person_id!r} in the program")
    return PersonRead.of(person)


@router.get("/services")
def list_services(_caller: Directory, request: Request) -> list[ServiceRead]:
    return services_of(rosters.current_schedule(request).program)


@router.get("/posts")
def list_posts(_caller: Directory, request: Request) -> list[PostRead]:
    return [PostRead.of(p) for p in rosters.current_schedule(request).program.posts]


def _version_read(record: RosterVersionRecord, program: str) -> RosterVersionRead:
    return RosterVersionRead(id=record.id, number=record.number, parent_id=record.parent_id,
                             created_at=record.created_at, source=record.source.value, status=record.status,
                             objective=record.objective, program=program, audit=rosters.audit_of(record))


def _roster_read(record: RosterVersionRecord, program: str, roster: Roster, person: str | None) -> RosterRead:
    chosen = roster.for_person(person) if person else roster.assignments
    return RosterRead(**_version_read(record, program).model_dump(),
                      assignments=[AssignmentRead.model_validate(a) for a in chosen])


@router.get("/rosters")
def list_rosters(_caller: Reader, request: Request) -> list[RosterVersionRead]:
    """Every version of the live program's roster, oldest first, with each edit's audit."""
    current = rosters.live(request)
    return [_version_read(r, current.program_name)
            for r in rosters.versions(rosters.database_of(request), current.program_name)]


@router.get("/rosters/current")
def current_roster(_caller: Reader, request: Request,
                   person: Annotated[str | None, Query(max_length=100)] = None) -> RosterRead:
    """The live roster (the newest version), optionally one person's assignments only."""
    current = rosters.live(request)
    return _roster_read(current.record, current.program_name, current.roster, person)


@router.get("/rosters/{number}")
def get_roster(number: VersionNumber, _caller: Reader, request: Request,
               person: Annotated[str | None, Query(max_length=100)] = None) -> RosterRead:
    program = rosters.live(request).program_name
    record, roster = rosters.version(rosters.database_of(request), program, number)
    return _roster_read(record, program, roster, person)


@router.get("/rosters/{number}/diff/{other}")
def diff_rosters(number: VersionNumber, other: VersionNumber, _caller: Reader, request: Request
                 ) -> RosterDiffRead:
    """What changed from version `number` to version `other`."""
    program = rosters.live(request).program_name
    database = rosters.database_of(request)
    _, before = rosters.version(database, program, number)
    _, after = rosters.version(database, program, other)
    removed, added = rosters.diff(before, after)
    return RosterDiffRead(program=program, base=number, other=other,
                          removed=[AssignmentRead.model_validate(a) for a in removed],
                          added=[AssignmentRead.model_validate(a) for a in added])


def _impact_read(change: Change, found: Impact, saved: RosterVersionRead | None = None) -> EditImpactRead:
    def listed(items: tuple[Assignment, ...]) -> list[AssignmentRead]:
        return [AssignmentRead.model_validate(a) for a in items]

    return EditImpactRead(removed=listed(change.removed), added=listed(change.added),
                          acceptable=found.acceptable,
                          hard=[ViolationRead.of(v) for v in found.hard],
                          cover_gaps=[ViolationRead.of(v) for v in rosters.cover_gaps(found)],
                          introduced=[ViolationRead.of(v) for v in found.introduced],
                          resolved=[ViolationRead.of(v) for v in found.resolved], saved=saved)


@router.post("/rosters/current/edits", responses={200: {"description": "a dry run: nothing saved"},
                                                  201: {"description": "saved as a new version"}})
async def edit_cell(body: CellEdit, caller: Editor, request: Request, response: Response) -> EditImpactRead:
    """Set one cell of the live roster. The rules are checked first; `dry_run` answers with
    the violations and cover gaps the edit would cause and saves nothing. A save that would
    break a hard rule is refused (409 naming the rules) unless `force` and a `reason` are
    given; a saved edit is a new roster version whose audit says who, when and why."""
    current = await run_in_threadpool(rosters.live, request)
    if body.dry_run:
        change, found = await run_in_threadpool(rosters.check_edit, current, body)
        return _impact_read(change, found)
    change, found, saved = await run_in_threadpool(
        rosters.save_edit, rosters.database_of(request), current, body, caller)
    rosters.forget_schedule(request)
    response.status_code = 201
    return _impact_read(change, found, _version_read(saved, current.program_name))


def _holders(schedule: Schedule, post: str, at: datetime) -> list[HolderRead]:
    found = []
    for work in schedule.holders(post, at):
        person = schedule.program.person[work.assignment.person_id]
        offset = schedule.minute(at)
        found.append(HolderRead(person_id=person.id, name=person.name, grade=person.grade.label,
                                shift_id=work.shift.id, starts=at + timedelta(minutes=work.start - offset),
                                ends=at + timedelta(minutes=work.end - offset)))
    return found


@oncall_router.get("/oncall")
async def on_call(caller: OnCall, request: Request,
            post: Annotated[str, Query(min_length=1, max_length=100, description="a post id")],
            at: Annotated[datetime | None, Query(description="an instant with offset; default now")] = None,
            ) -> OnCallRead:
    """Who holds the post at `at` (default: now), most junior first, from the live roster;
    and who holds it when their shift ends. (Async: the schedule is nearly always in memory,
    so the answer needs no thread.)"""
    when = _instant(at)
    schedule = rosters.current_schedule(request)
    found = schedule.program.post.get(post)
    if found is None:
        raise NotFound("post", f"no post {post!r} in the program")
    holders = _holders(schedule, post, when)
    later = _holders(schedule, post, max(h.ends for h in holders)) if holders else []
    return OnCallRead(post=post, post_name=found.name, at=when,
                      roster_version_id=schedule.roster_version_id, holders=holders, next=later)


def _instant(at: datetime | None) -> datetime:
    if at is None:
        return datetime.now(UTC)
    if at.tzinfo is None:
        raise AccountError("at", "give the instant with its offset, e.g. 2027-03-01T08:00:00Z")
    if not in_range(at):
        raise Invalid("at", OUT_OF_RANGE)
    return at.astimezone(UTC)
