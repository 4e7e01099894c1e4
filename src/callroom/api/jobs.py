"""`/api/v1/jobs`: background solves, queued by the chief and run by any worker; the same routes
read and cancel a sick call's repair, queued by `POST /api/v1/changes/repairs` (the service lets
only those who decide repairs see or cancel one).

A solve is checked before it is queued (a program not stored, not loading, or a year file is
refused, 404 or 422, and no job is made); pressing Solve again while one is queued or running
answers that job (200, not 202). `/events` streams the job's progress as Server-Sent Events
(`progress` while it runs, then one `done`, `failed` or `cancelled`) for the browser's live view.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, Query, Response
from sse_starlette import EventSourceResponse

from callroom.accounts.permissions import Permission
from callroom.api.auth import Principal, require
from callroom.api.deps import Jobs as Service
from callroom.api.params import RowId
from callroom.api.schemas import ErrorRead
from callroom.api.schemas.jobs import JobRead, SolveCreate
from callroom.jobs.service import JobService

Chief = Annotated[Principal, Depends(require(Permission.ROSTER_EDIT))]
Reader = Annotated[Principal, Depends(require(Permission.ROSTER_READ))]
ERRORS = {status: {"model": ErrorRead} for status in (401, 403, 404, 409, 422)}
STREAM: dict[int | str, dict[str, object]] = {200: {"content": {"text/event-stream": {}}}}
POLL_S = 0.2  # how often the stream reads the job's row (its worker writes progress every 0.5 s)
router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"], responses=ERRORS)  # type: ignore[arg-type]


@router.post("/solves", status_code=202)
def create_solve(body: SolveCreate, caller: Chief, jobs: Service, response: Response) -> JobRead:
    """Queue a solve of a stored program (chief only); the roster is stored as the program's
    next version when it ends. The job already queued or running for the program, if any, is
    answered instead (200)."""
    job, new = jobs.submit_solve(caller, body.program, body.time_limit_s, body.seed, draft=body.draft)
    if not new:
        response.status_code = 200
    return JobRead.of(job)


@router.get("")
def list_jobs(
    caller: Reader, jobs: Service, program: Annotated[str | None, Query(max_length=200)] = None
) -> list[JobRead]:
    """The newest jobs, of one program when given."""
    return [JobRead.of(job) for job in jobs.recent(caller, program)]


@router.get("/{job_id}")
def get_job(job_id: RowId, caller: Reader, jobs: Service) -> JobRead:
    return JobRead.of(jobs.get(caller, job_id))


@router.post("/{job_id}/cancel")
def cancel_job(job_id: RowId, caller: Chief, jobs: Service) -> JobRead:
    """Cancel a queued job at once, or ask a running one to stop (it ends as `cancelled`, and
    nothing it found is stored)."""
    return JobRead.of(jobs.cancel(caller, job_id))


@router.get("/{job_id}/events", response_class=EventSourceResponse, responses=STREAM)
async def job_events(job_id: RowId, caller: Reader, jobs: Service) -> EventSourceResponse:
    """Server-Sent Events: `progress` each time the job's progress changes, then the job once
    as `done`, `failed` or `cancelled`, and the stream ends."""
    first = await anyio.to_thread.run_sync(jobs.get, caller, job_id)  # 404 before the stream
    return EventSourceResponse(_events(jobs, caller, first.id))


async def _events(jobs: JobService, caller: Principal, job_id: int) -> AsyncIterator[dict[str, str]]:
    seen: object = None
    while True:
        job = await anyio.to_thread.run_sync(jobs.get, caller, job_id)
        read = JobRead.of(job)
        if job.state.finished:
            yield {"event": job.state.value, "data": read.model_dump_json()}
            return
        if (job.state, job.progress) != seen:  # a claim shows as "running" before its first beat
            seen = job.state, job.progress
            yield {"event": "progress", "data": json.dumps({**job.progress, "state": job.state.value})}
        await anyio.sleep(POLL_S)
