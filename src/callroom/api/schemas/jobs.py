"""Bodies of the background-job routes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from callroom.jobs.service import JobRecord


class SolveCreate(BaseModel):
    program: str = Field(min_length=1, max_length=200, description="the stored program to solve")
    time_limit_s: float = Field(30.0, gt=0, le=3600, description="the search's budget in seconds")
    seed: int = Field(0, ge=0, le=2**31 - 1)
    draft: bool = Field(
        True, description="store the roster as a draft to compare and publish (false: live at once)"
    )


class JobRead(BaseModel):
    id: int
    kind: str
    subject: str = Field(
        description="what the job is about: the program a solve solves; a repair's program, absent "
        "person and span; an OR assignment's program and day"
    )
    state: str = Field(description="queued, running, done, failed or cancelled")
    attempts: int = Field(description="how many workers have started it (more than one: a worker died)")
    cancel_requested: bool
    progress: dict[str, Any] = Field(
        description="phase and elapsed_s; while a solve runs, solutions, objective, bound, gap and "
        "series ([elapsed, objective, bound] points); while a repair runs, solutions, changes (the "
        "fewest found), short (people still missing) and bound (the proven least changes); an OR "
        "assignment's objective and bound once solved"
    )
    result: dict[str, Any] | None = Field(
        description="when done: a solve's stored version and figures; a repair's proposal (its id) "
        "with its changes, minimum_proven and short; an OR assignment's day, plan (the draft "
        "version stored), objective, bound, optimal and unassigned (per case left without a "
        "surgeon, why each resident is out, worded for the chief who asked)"
    )
    error: str | None = Field(description="when failed: why, in words")
    created_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, job: JobRecord) -> JobRead:
        return cls(
            id=job.id,
            kind=job.kind,
            subject=job.subject,
            state=job.state.value,
            attempts=job.attempts,
            cancel_requested=job.cancel_requested,
            progress=dict(job.progress),
            result=None if job.result is None else dict(job.result),
            error=job.error,
            created_by=job.created_by,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
        )
