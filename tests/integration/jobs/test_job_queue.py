"""The job queue on SQLite and PostgreSQL: one live job per program, a lease that a dead worker
loses, a finish that only the holder of the lease can make, and cancel."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

from callroom.jobs.runner import Finish, JobContext, JobRunner, RunnerOptions
from callroom.storage import Database
from callroom.storage.job_repositories import JobRecord, JobRepository, JobState

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
LEASE = NOW + timedelta(seconds=30)
MOST = 3


def _submit(database: Database, subject: str = "gs") -> tuple[int, bool]:
    with database.session() as session:
        job, new = JobRepository(session).submit("solve", subject, {"program": subject}, "chief", NOW)
    return job.id, new


def _claim(database: Database, claim: str, now: datetime = NOW) -> int | None:
    with database.session() as session:
        job = JobRepository(session).claim(now, ["solve"], now + timedelta(seconds=30), claim, MOST)
    return None if job is None else job.id


def _state(database: Database, job_id: int) -> JobState:
    with database.session() as session:
        found = JobRepository(session).get(job_id)
    assert found is not None
    return found.state


def test_a_second_solve_of_a_program_while_one_is_live_is_that_job(database: Database) -> None:
    first, new = _submit(database)
    assert new
    assert _submit(database) == (first, False)
    assert _submit(database, "other")[1]  # another program has its own


def test_after_a_job_ends_the_program_may_be_solved_again(database: Database) -> None:
    first, _ = _submit(database)
    assert _claim(database, "a") == first
    with database.session() as session:
        assert JobRepository(session).finish(first, "a", JobState.DONE, NOW, result={"version": 1})
    second, new = _submit(database)
    assert new and second != first


def test_a_job_is_claimed_once_and_again_only_when_its_lease_ran_out(database: Database) -> None:
    job_id, _ = _submit(database)
    assert _claim(database, "a") == job_id
    assert _claim(database, "b") is None  # a's lease holds
    later = NOW + timedelta(seconds=31)
    assert _claim(database, "b", later) == job_id  # a died: b takes it over
    with database.session() as session:
        jobs = JobRepository(session)
        assert not jobs.beat(job_id, "a", later, {}).owned
        assert not jobs.finish(job_id, "a", JobState.DONE, later)  # a's late finish writes nothing
        assert jobs.finish(job_id, "b", JobState.DONE, later, result={"version": 1})
        found = jobs.get(job_id)
    assert found is not None and found.attempts == 2 and found.result == {"version": 1}


def test_a_job_whose_worker_keeps_dying_fails_with_the_reason(database: Database) -> None:
    job_id, _ = _submit(database)
    now = NOW
    for attempt in range(MOST):
        assert _claim(database, f"w{attempt}", now) == job_id
        now += timedelta(seconds=31)
    assert _claim(database, "last", now) is None
    with database.session() as session:
        assert JobRepository(session).give_up(now, MOST) == 1
        found = JobRepository(session).get(job_id)
    assert found is not None and found.state is JobState.FAILED
    assert found.error == "its worker stopped 3 times before it finished"


def test_a_queued_job_is_cancelled_at_once_and_a_running_one_is_asked_to_stop(database: Database) -> None:
    running, _ = _submit(database, "running")
    assert _claim(database, "a") == running
    waiting, _ = _submit(database, "waiting")
    with database.session() as session:
        jobs = JobRepository(session)
        assert jobs.cancel(waiting, NOW) is not None
        assert jobs.cancel(running, NOW) is not None
        assert jobs.beat(running, "a", LEASE, {"elapsed_s": 1}).cancel
    assert _state(database, waiting) is JobState.CANCELLED
    assert _state(database, running) is JobState.RUNNING  # its worker ends it


def test_a_released_job_is_queued_again_without_counting_the_attempt(database: Database) -> None:
    job_id, _ = _submit(database)
    assert _claim(database, "a") == job_id
    with database.session() as session:
        assert JobRepository(session).release(job_id, "a")
    assert _claim(database, "b") == job_id
    with database.session() as session:
        found = JobRepository(session).get(job_id)
    assert found is not None and found.attempts == 1


def test_workers_claiming_at_once_never_take_the_same_job(database: Database) -> None:
    jobs = [_submit(database, f"program-{n}")[0] for n in range(12)]
    taken: list[int] = []
    lock = threading.Lock()

    def work(name: str) -> None:
        while (found := _claim(database, name)) is not None:
            with lock:
                taken.append(found)

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken) == jobs


def test_a_claimed_job_shows_its_progress_before_its_first_heartbeat_is_due(database: Database) -> None:
    """Whoever watches sees the job start at once, not a heartbeat later (here an hour)."""
    job_id, _ = _submit(database)
    seen: list[tuple[JobState, dict[str, object]]] = []

    def handler(job: JobRecord, context: JobContext) -> Finish:
        context.report({"phase": "working"})
        for _ in range(1000):  # gives up after about ten seconds: nothing was written
            with database.reading() as session:
                found = JobRepository(session).get(job.id)
            if found is not None and found.progress:
                seen.append((found.state, dict(found.progress)))
                break
            time.sleep(0.01)
        return Finish({"answer": 42})

    runner = JobRunner(database, {"solve": handler}, "test", RunnerOptions(beat_s=3600))
    assert runner.run_once()
    assert seen and seen[0][0] is JobState.RUNNING and "phase" in seen[0][1]
    assert _state(database, job_id) is JobState.DONE
