"""An OR day's assignment as a background job, on SQLite and PostgreSQL with real CP-SAT: queued
by the chief after the ask is checked (nothing solved in the asking), run by a runner that stores
one draft plan named by its result; asked again while queued, the same job; a plan stored since
it was asked makes it fail saying so, with nothing overwritten; a job whose worker died is run
again after its lease and still stores one draft; the chief reads why a resident in a declared
conflict is out with its reason, and nobody without `or:assign` reads the job at all."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from callroom.domain.operating import CreditRole
from callroom.errors import NotAllowed, NotFound
from callroom.jobs.runner import JobRunner, RunnerOptions
from callroom.jobs.service import OR_ASSIGN, JobState
from callroom.operating.types import PlanVersion
from callroom.storage import Database
from callroom.storage.job_repositories import JobRepository
from tests.integration.operating.world import (
    CHIEF,
    DAY,
    HEADER,
    NEXT_DAY,
    NOW,
    RESIDENT,
    World,
    day_csv,
    world,
)

REASON = "Relationship disclosed to the chief resident"  # the demo's conflict of Hana Takeda
CROWDED_ROOMS = 20  # more cases at 07:30 than the residents free that morning


@pytest.fixture
def hospital(database: Database, database_url: str) -> Iterator[World]:
    found = world(database, database_url, accounts=False)
    found.services.operating.import_day(CHIEF, day_csv(), "or-day.csv")
    yield found


def plan(hospital: World, day: date = DAY) -> PlanVersion | None:
    return hospital.services.operating.cases(CHIEF, day).plan


def crowded_day() -> str:
    """Magnus Achterberg's hernias in many rooms at once: some are left without a surgeon, and
    Hana Takeda, free, is out of each for her declared conflict with him."""
    case = "Inguinal hernia repair,49505,Magnus Achterberg,gen-surg"
    return HEADER + "".join(
        f"OR {n},{NEXT_DAY} 07:30,60,{case},MRN-9{n:02},P {n},,\n" for n in range(1, CROWDED_ROOMS + 1)
    )


def test_a_queued_assignment_is_run_by_a_runner_and_stores_one_draft_named_by_its_result(
    hospital: World,
) -> None:
    job, new = hospital.services.jobs.submit_or_assign(CHIEF, DAY)
    assert new and job.state is JobState.QUEUED and job.kind == OR_ASSIGN
    assert plan(hospital) is None  # nothing is solved in the asking
    assert hospital.services.runner("test").run_once()
    done = hospital.services.jobs.get(CHIEF, job.id)
    assert done.state is JobState.DONE, done.error
    stored = plan(hospital)
    assert stored is not None and not stored.published and stored.note == "assigned"
    assert done.result is not None and done.result["plan"] == stored.number == 1
    assert done.result["day"] == DAY.isoformat() and done.result["optimal"] is True
    assert done.result["objective"] is not None and done.result["unassigned"] == {}
    assert done.progress["solutions"] >= 1 and done.progress["objective"] == done.result["objective"]
    assert not hospital.services.runner("test").run_once()  # nothing left


def test_assigning_a_day_again_while_its_job_waits_answers_that_job_and_another_day_gets_its_own(
    hospital: World,
) -> None:
    hospital.services.operating.import_day(CHIEF, day_csv(NEXT_DAY), "next.csv")
    first, _ = hospital.services.jobs.submit_or_assign(CHIEF, DAY)
    again, new = hospital.services.jobs.submit_or_assign(CHIEF, DAY)
    assert again.id == first.id and not new
    other, new = hospital.services.jobs.submit_or_assign(CHIEF, NEXT_DAY)
    assert new and other.id != first.id
    runner = hospital.services.runner("test")
    assert runner.run_once() and runner.run_once() and not runner.run_once()
    assert [getattr(plan(hospital, d), "number", None) for d in (DAY, NEXT_DAY)] == [1, 1]
    # Ended, the day may be assigned again: a new job, from the plan it has now.
    later, new = hospital.services.jobs.submit_or_assign(CHIEF, DAY)
    assert new and later.id not in (first.id, other.id)


def test_a_plan_stored_since_the_job_was_asked_makes_it_fail_saying_so_and_stores_nothing(
    hospital: World,
) -> None:
    job, _ = hospital.services.jobs.submit_or_assign(CHIEF, DAY)
    case_id = hospital.services.operating.cases(CHIEF, DAY).cases[0].case.id
    hospital.services.operating.move(CHIEF, DAY, case_id, RESIDENT.identity, CreditRole.FA)
    moved = plan(hospital)
    assert moved is not None and moved.number == 1
    assert hospital.services.runner("test").run_once()
    ended = hospital.services.jobs.get(CHIEF, job.id)
    assert ended.state is JobState.FAILED
    assert ended.error is not None and "changed since the assignment was asked" in ended.error
    assert plan(hospital) == moved  # the hand move is still the newest plan


def test_a_job_whose_worker_died_is_run_again_after_its_lease_and_stores_one_draft(hospital: World) -> None:
    job, _ = hospital.services.jobs.submit_or_assign(CHIEF, DAY)
    with hospital.database.session() as session:  # a worker claims it, then dies without a word
        dead = JobRepository(session).claim(NOW, (OR_ASSIGN,), NOW + timedelta(seconds=2), "dead:1", 3)
    assert dead is not None and dead.id == job.id
    runner = JobRunner(
        hospital.database,
        hospital.services.jobs.handlers(),
        "second",
        RunnerOptions(lease_s=30, beat_s=0.1),
        clock=lambda: NOW + timedelta(minutes=1),  # past the dead worker's lease
    )
    assert runner.run_once()
    ended = hospital.services.jobs.get(CHIEF, job.id)
    assert ended.state is JobState.DONE, ended.error
    assert ended.attempts == 2
    stored = plan(hospital)
    assert stored is not None and stored.number == 1 and ended.result is not None
    assert ended.result["plan"] == 1
    assert not runner.run_once()


def test_the_chief_reads_a_conflicts_reason_and_a_resident_may_not_read_the_job(hospital: World) -> None:
    hospital.services.operating.import_day(CHIEF, crowded_day(), "crowded.csv")
    job, _ = hospital.services.jobs.submit_or_assign(CHIEF, NEXT_DAY)
    assert hospital.services.runner("test").run_once()
    done = hospital.services.jobs.get(CHIEF, job.id)
    assert done.result is not None, done.error
    reasons = [r for found in done.result["unassigned"].values() for r in found]
    assert reasons, "some cases are left without a surgeon"
    assert any("Hana Takeda" in r and REASON in r for r in reasons)
    assert not any("confidential rule" in r for r in reasons)
    with pytest.raises(NotAllowed):
        hospital.services.jobs.get(RESIDENT, job.id)
    assert hospital.services.jobs.recent(RESIDENT) == []


def test_an_assignment_is_refused_before_a_job_is_queued(hospital: World) -> None:
    with pytest.raises(NotFound) as empty:
        hospital.services.jobs.submit_or_assign(CHIEF, DAY + timedelta(days=5))
    assert empty.value.field == "day" and "import the day's schedule first" in empty.value.message
    with pytest.raises(NotAllowed):
        hospital.services.jobs.submit_or_assign(RESIDENT, DAY)
    assert hospital.services.jobs.recent(CHIEF) == []
