"""The job runner: claims background jobs, runs each with a heartbeat, and finishes it once.

Any number of runners (in `callroom worker` processes, or the thread `callroom serve` starts)
share the `jobs` table. A runner claims one job under a token and a lease, and a heartbeat
thread renews the lease every `beat_s` while the handler runs, writing the handler's latest
progress: that is what the browser's live view reads. When a worker dies, its lease runs out
and another runner claims the job again (at most `most_attempts` times). A handler's writes
(a solved roster) happen in the transaction that marks the job done, and only if the job is
still this runner's, so a job is never completed twice: a runner whose lease ran out while it
was busy finds the job taken and writes nothing. A write may refuse with a `CallroomError`
(an OR plan stored since the assignment was asked): the job then fails with its words, and
none of the write is kept.

Cancel: the heartbeat learns of it and sets the handler's `stop` event (a solve ends its search
at once). When the runner itself is stopping (SIGTERM), the job in hand is stopped the same
way and put back in the queue for another worker.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from callroom.domain.clock import Clock, utc_now
from callroom.errors import CallroomError, Unavailable
from callroom.storage import Database
from callroom.storage.job_repositories import JobRecord, JobRepository, JobState
from callroom.storage.outage import Backoff

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Finish:
    """What a handler hands back: its result, and the writes that belong to finishing the job
    (run in that transaction, returning more of the result, such as the stored version)."""

    result: Mapping[str, Any]
    write: Callable[[Session], Mapping[str, Any]] | None = None


class JobContext:
    """What a running handler sees: `stop` (set on cancel, on shutdown, or when the job was
    lost) and `report` for its progress, which the heartbeat writes."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.cancelled = False
        self.lost = False
        self._progress: dict[str, Any] = {}
        self._lock = threading.Lock()

    def report(self, progress: Mapping[str, Any]) -> None:
        with self._lock:
            self._progress = dict(progress)

    def progress(self) -> dict[str, Any]:
        with self._lock:
            return dict(self._progress)


Handler = Callable[[JobRecord, JobContext], Finish]


@dataclass(frozen=True)
class RunnerOptions:
    lease_s: float = 30.0
    beat_s: float = 0.5
    poll_s: float = 0.2  # an idle runner's wait: a cheap read, and a queued solve starts soon
    most_attempts: int = 3


@dataclass
class JobRunner:
    database: Database
    handlers: Mapping[str, Handler]
    name: str
    options: RunnerOptions = RunnerOptions()
    clock: Clock = utc_now
    _stopping: threading.Event = field(default_factory=threading.Event)

    @property
    def kinds(self) -> Collection[str]:
        return tuple(self.handlers)

    def run(self, stop: threading.Event) -> None:
        """Claim and run jobs until `stop` is set. While the database is unavailable, try again
        with a backoff (a job whose end could not be written is run again by whoever claims it
        after its lease)."""
        self._stopping = stop
        backoff = Backoff(self.name)
        while not stop.is_set():
            try:
                ran = self.run_once()
            except Unavailable as error:
                stop.wait(backoff.failed(error))
                continue
            backoff.succeeded()
            if not ran:
                stop.wait(self.options.poll_s)

    def run_once(self) -> bool:
        """Claim one job and run it to its end; False when there was none."""
        claim = f"{self.name}:{secrets.token_hex(8)}"
        now = self.clock()
        with self.database.reading() as session:
            if not JobRepository(session).waiting(now, self.kinds):
                return False
        with self.database.session() as session:
            jobs = JobRepository(session)
            jobs.give_up(now, self.options.most_attempts)
            job = jobs.claim(now, self.kinds, self._lease(), claim, self.options.most_attempts)
        if job is None:
            return False
        log.info(
            "job %s (%s) claimed, attempt %s",
            job.id,
            job.kind,
            job.attempts,
            extra={"job_id": job.id, "kind": job.kind, "attempt": job.attempts, "claim": claim},
        )
        self._run(job, claim)
        return True

    def _lease(self) -> datetime:
        return self.clock() + timedelta(seconds=self.options.lease_s)

    def _run(self, job: JobRecord, claim: str) -> None:
        context = JobContext()
        context.report({"phase": "started", "attempt": job.attempts})
        done = threading.Event()
        beating = threading.Thread(target=self._beat, args=(job, claim, context, done), daemon=True)
        beating.start()
        try:
            outcome: Finish | str = self.handlers[job.kind](job, context)
        except CallroomError as error:
            outcome = error.message
        except Exception:  # a handler's bug fails its job, not the runner
            log.exception("job %s (%s) failed", job.id, job.kind, extra={"job_id": job.id})
            outcome = "the job failed on an internal error (the worker's log has the details)"
        finally:
            done.set()
            beating.join()
        self._end(job, claim, context, outcome)

    def _beat(self, job: JobRecord, claim: str, context: JobContext, done: threading.Event) -> None:
        """Write the progress at once (whoever watches sees the job start), then renew the lease
        and write it every `beat_s` until the handler is done."""
        first = True
        while first or not done.wait(self.options.beat_s):
            first = False
            try:
                with self.database.session() as session:
                    beat = JobRepository(session).beat(job.id, claim, self._lease(), context.progress())
            except Unavailable:
                continue  # the next beat tries again; the lease outlasts a short outage
            if not beat.owned:
                context.lost = True
            context.cancelled = context.cancelled or beat.cancel
            if context.lost or context.cancelled or self._stopping.is_set():
                context.stop.set()

    def _end(self, job: JobRecord, claim: str, context: JobContext, outcome: Finish | str) -> None:
        if context.lost:
            log.warning(
                "job %s was taken over by another worker; its work here is dropped",
                job.id,
                extra={"job_id": job.id},
            )
            return
        now = self.clock()
        with self.database.session() as session:
            jobs = JobRepository(session)
            if context.cancelled:
                jobs.finish(job.id, claim, JobState.CANCELLED, now, progress=context.progress())
            elif self._stopping.is_set() and context.stop.is_set():
                jobs.release(job.id, claim)
            elif isinstance(outcome, str):
                jobs.finish(job.id, claim, JobState.FAILED, now, error=outcome, progress=context.progress())
            else:
                try:
                    extra = self._write(session, outcome)
                except CallroomError as refused:  # nothing of the write is kept; the job says why
                    jobs.finish(
                        job.id,
                        claim,
                        JobState.FAILED,
                        now,
                        error=refused.message,
                        progress=context.progress(),
                    )
                    return
                if not jobs.finish(
                    job.id,
                    claim,
                    JobState.DONE,
                    now,
                    result={**outcome.result, **extra},
                    progress=context.progress(),
                ):
                    session.rollback()  # taken over since the last beat: the other runner writes

    @staticmethod
    def _write(session: Session, outcome: Finish) -> Mapping[str, Any]:
        """The handler's writes, in a savepoint: a write may refuse (what it was to change has
        changed since the job was asked), and then none of it is kept."""
        if outcome.write is None:
            return {}
        with session.begin_nested():
            return outcome.write(session)
