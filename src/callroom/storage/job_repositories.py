"""Background jobs: submit (one live job per kind and subject), claim under a lease, beat,
finish once, cancel. See `job_tables` for the table and why `active_key` is unique."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from callroom.storage.job_tables import JobRow


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


@dataclass(frozen=True)
class JobRecord:
    id: int
    kind: str
    subject: str
    payload: Mapping[str, Any]
    state: JobState
    attempts: int
    cancel_requested: bool
    progress: Mapping[str, Any]
    result: Mapping[str, Any] | None
    error: str | None
    created_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    claim: str | None = None


@dataclass(frozen=True)
class Beat:
    """What a running job's worker learns when it renews its lease."""

    owned: bool  # the job is still this worker's (False: its lease ran out and it was taken over)
    cancel: bool  # someone asked for it to stop


class JobRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def submit(
        self, kind: str, subject: str, payload: Mapping[str, Any], by: str, now: datetime
    ) -> tuple[JobRecord, bool]:
        """Queue a job, or find the one of this kind and subject already queued or running:
        (the job, whether it is new)."""
        key = f"{kind}:{subject}"
        try:
            with self._session.begin_nested():
                row = JobRow(
                    kind=kind,
                    subject=subject,
                    active_key=key,
                    payload=json.dumps(payload, sort_keys=True),
                    state=JobState.QUEUED,
                    attempts=0,
                    cancel_requested=False,
                    progress="{}",
                    created_by=by,
                    created_at=now,
                )
                self._session.add(row)
            return _record(row), True
        except IntegrityError:
            found = self._session.scalars(select(JobRow).where(JobRow.active_key == key)).one()
            return _record(found), False

    def waiting(self, now: datetime, kinds: Collection[str]) -> bool:
        """Whether any job of these kinds is queued, or running on a lease that ran out: one read,
        so an idle worker's poll takes no write lock (SQLite has one for the whole file)."""
        found = self._session.scalar(
            select(JobRow.id)
            .where(
                JobRow.kind.in_(kinds),
                or_(
                    JobRow.state == JobState.QUEUED,
                    (JobRow.state == JobState.RUNNING) & (JobRow.lease_until <= now),
                ),
            )
            .limit(1)
        )
        return found is not None

    def claim(
        self, now: datetime, kinds: Collection[str], lease_until: datetime, claim: str, most_attempts: int
    ) -> JobRecord | None:
        """Take the oldest queued job of these kinds, or a running one whose lease ran out (its
        worker died) fewer than `most_attempts` times, for this claim token."""
        due = (
            select(JobRow.id)
            .where(
                JobRow.kind.in_(kinds),
                or_(
                    JobRow.state == JobState.QUEUED,
                    (JobRow.state == JobState.RUNNING)
                    & (JobRow.lease_until <= now)
                    & (JobRow.attempts < most_attempts),
                ),
            )
            .order_by(JobRow.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        taken = (
            update(JobRow)
            .where(
                JobRow.id.in_(due.scalar_subquery()), JobRow.state.in_((JobState.QUEUED, JobState.RUNNING))
            )
            .values(
                state=JobState.RUNNING,
                claim=claim,
                lease_until=lease_until,
                attempts=JobRow.attempts + 1,
                started_at=now,
            )
            .returning(JobRow.id)
            .execution_options(synchronize_session=False)
        )
        found = self._session.scalar(taken)
        return None if found is None else self.get(found)

    def beat(self, job_id: int, claim: str, lease_until: datetime, progress: Mapping[str, Any]) -> Beat:
        """Renew the lease and write the progress, if the job is still this claim's."""
        renewed = self._session.execute(
            update(JobRow)
            .where(JobRow.id == job_id, JobRow.claim == claim, JobRow.state == JobState.RUNNING)
            .values(lease_until=lease_until, progress=json.dumps(progress, sort_keys=True))
            .returning(JobRow.cancel_requested)
        ).first()
        return Beat(False, False) if renewed is None else Beat(True, bool(renewed[0]))

    def finish(
        self,
        job_id: int,
        claim: str,
        state: JobState,
        now: datetime,
        *,
        result: Mapping[str, Any] | None = None,
        error: str | None = None,
        progress: Mapping[str, Any] | None = None,
    ) -> bool:
        """End the job as `state` if it is still this claim's: True once, for one worker only (a
        worker whose lease ran out finds it taken and must write nothing)."""
        values: dict[str, Any] = {
            "state": state,
            "active_key": None,
            "lease_until": None,
            "finished_at": now,
            "result": None if result is None else json.dumps(result, sort_keys=True),
            "error": error,
        }
        if progress is not None:
            values["progress"] = json.dumps(progress, sort_keys=True)
        done = self._session.execute(
            update(JobRow)
            .where(JobRow.id == job_id, JobRow.claim == claim, JobRow.state == JobState.RUNNING)
            .values(**values)
            .returning(JobRow.id)
        ).first()
        return done is not None

    def release(self, job_id: int, claim: str) -> bool:
        """Put a running job back in the queue (its worker is stopping): another worker starts
        it again. The attempt does not count against it."""
        released = self._session.execute(
            update(JobRow)
            .where(JobRow.id == job_id, JobRow.claim == claim, JobRow.state == JobState.RUNNING)
            .values(state=JobState.QUEUED, claim=None, lease_until=None, attempts=JobRow.attempts - 1)
            .returning(JobRow.id)
        ).first()
        return released is not None

    def cancel(self, job_id: int, now: datetime) -> JobRecord | None:
        """A queued job is cancelled at once; a running one is asked to stop (its worker ends
        it); a finished one stays as it is. None when there is no such job."""
        self._session.execute(
            update(JobRow)
            .where(JobRow.id == job_id, JobRow.state == JobState.QUEUED)
            .values(state=JobState.CANCELLED, active_key=None, finished_at=now)
        )
        self._session.execute(
            update(JobRow)
            .where(JobRow.id == job_id, JobRow.state == JobState.RUNNING)
            .values(cancel_requested=True)
        )
        return self.get(job_id)

    def give_up(self, now: datetime, most_attempts: int) -> int:
        """Fail the jobs whose workers died `most_attempts` times (their lease ran out with
        nothing finished): a job that kills its worker is not retried for ever."""
        result = self._session.execute(
            update(JobRow)
            .where(
                JobRow.state == JobState.RUNNING,
                JobRow.lease_until <= now,
                JobRow.attempts >= most_attempts,
            )
            .values(
                state=JobState.FAILED,
                active_key=None,
                finished_at=now,
                error=f"its worker stopped {most_attempts} times before it finished",
            )
            .returning(JobRow.id)
        )
        return len(result.all())

    def get(self, job_id: int) -> JobRecord | None:
        row = self._session.get(JobRow, job_id, populate_existing=True)
        return None if row is None else _record(row)

    def recent(self, subject: str | None = None, limit: int = 20) -> list[JobRecord]:
        query = select(JobRow).order_by(JobRow.id.desc()).limit(limit)
        if subject is not None:
            query = query.where(JobRow.subject == subject)
        return [_record(row) for row in self._session.scalars(query)]


def _record(row: JobRow) -> JobRecord:
    return JobRecord(
        row.id,
        row.kind,
        row.subject,
        json.loads(row.payload),
        JobState(row.state),
        row.attempts,
        row.cancel_requested,
        json.loads(row.progress),
        None if row.result is None else json.loads(row.result),
        row.error,
        row.created_by,
        row.created_at,
        row.started_at,
        row.finished_at,
        row.claim,
    )
