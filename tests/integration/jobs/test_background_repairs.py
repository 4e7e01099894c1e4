"""Sick-call repairs as background jobs, on SQLite and PostgreSQL with real CP-SAT: queued by the
chief after the ask is checked, run by a runner that reports the repair's phase and stores one
proposal; asked twice while queued, one job, while another person's sick call gets its own;
cancelled; refused before anything is queued; and proposed exactly once by a second worker
process after the first is killed mid-repair."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from callroom.changes.repairs import RepairAsk
from callroom.changes.types import RepairPending
from callroom.config import Settings
from callroom.errors import Invalid, NotAllowed
from callroom.jobs.service import JobState
from callroom.services import Services, open_services
from callroom.storage.changes_repositories import ChangeRepository, ProposalRecord
from tests.integration.changes.conftest import store_demo
from tests.integration.jobs.takeover import killed_and_taken_over
from tests.principals import CHIEF, person
from tests.repair_world import absence_days, demo_roster, residents_leaving_a_hole


@pytest.fixture
def services(database_url: str) -> Iterator[Services]:
    settings = Settings(database_url=database_url, job_heartbeat_s=0.1)
    with open_services(settings) as opened:
        store_demo(opened.database)
        yield opened


def sick(who: int = 0, **extra: object) -> RepairAsk:
    program, roster = demo_roster()
    days = absence_days()
    absent = residents_leaving_a_hole(program, roster)[who]
    asked = {"absent": absent, "start": days[0].isoformat(), "end": days[-1].isoformat(), "time_limit_s": 20}
    return RepairAsk(**(asked | extra))  # type: ignore[arg-type]


def proposals(services: Services) -> list[ProposalRecord]:
    with services.database.reading() as session:
        return ChangeRepository(session).listing(states=("accepted",))


def test_a_queued_repair_reports_its_phase_and_stores_one_proposal_named_by_its_result(
    services: Services,
) -> None:
    job, new = services.jobs.submit_repair(CHIEF, sick(note="flu"))
    assert new and job.state is JobState.QUEUED and job.kind == "repair"
    assert proposals(services) == []  # nothing is solved in the asking
    assert services.runner("test").run_once()
    done = services.jobs.get(CHIEF, job.id)
    assert done.state is JobState.DONE, done.error
    assert done.result is not None and done.result["minimum_proven"] is True
    assert done.progress["phase"] and done.progress["elapsed_s"] >= 0
    [made] = proposals(services)
    assert done.result["proposal"] == made.id and done.result["changes"] == made.payload["changes"]
    assert made.requester == CHIEF.identity and made.note == "flu"
    assert not services.runner("test").run_once()  # nothing left


def test_the_same_sick_call_twice_is_one_job_and_another_persons_is_its_own(services: Services) -> None:
    first, _ = services.jobs.submit_repair(CHIEF, sick())
    again, new = services.jobs.submit_repair(CHIEF, sick())
    assert again.id == first.id and not new
    other, new = services.jobs.submit_repair(CHIEF, sick(1))
    assert new and other.id != first.id
    runner = services.runner("test")
    assert runner.run_once() and runner.run_once() and not runner.run_once()
    assert len(proposals(services)) == 2
    # Once it has ended its repair awaits approval, and asking again answers with that repair.
    with pytest.raises(RepairPending) as waiting:
        services.jobs.submit_repair(CHIEF, sick())
    stored = next(p for p in proposals(services) if p.payload["absence"]["person_id"] == sick().absent)
    assert waiting.value.proposal_id == stored.id


def test_a_cancelled_repair_stores_nothing(services: Services) -> None:
    job, _ = services.jobs.submit_repair(CHIEF, sick())
    assert services.jobs.cancel(CHIEF, job.id).state is JobState.CANCELLED
    assert not services.runner("test").run_once()
    assert proposals(services) == []


def test_a_repair_is_refused_before_a_job_is_queued(services: Services) -> None:
    with pytest.raises(Invalid) as unknown:
        services.jobs.submit_repair(CHIEF, sick(absent="nobody-here"))
    assert unknown.value.field == "absent"
    with pytest.raises(Invalid) as backwards:
        services.jobs.submit_repair(CHIEF, sick(end="2027-03-01"))
    assert backwards.value.field == "to"
    resident = person(sick().absent)
    with pytest.raises(NotAllowed):
        services.jobs.submit_repair(resident, sick())
    assert services.jobs.recent(CHIEF) == []


def test_only_the_chief_sees_or_cancels_a_repair_job(services: Services) -> None:
    job, _ = services.jobs.submit_repair(CHIEF, sick())
    colleague = person(sick(1).absent)
    with pytest.raises(NotAllowed):
        services.jobs.get(colleague, job.id)
    with pytest.raises(NotAllowed):
        services.jobs.cancel(colleague, job.id)
    assert services.jobs.recent(colleague) == []
    assert [j.id for j in services.jobs.recent(CHIEF)] == [job.id]


def test_a_worker_killed_mid_repair_leaves_the_job_to_another_which_proposes_it_once(
    services: Services, database_url: str, tmp_path: Path
) -> None:
    job, _ = services.jobs.submit_repair(CHIEF, sick())
    ended = killed_and_taken_over(
        services, CHIEF, job.id, database_url, tmp_path, lambda j: j.state is JobState.RUNNING
    )
    assert ended.state is JobState.DONE, ended.error
    assert ended.attempts == 2
    [made] = proposals(services)
    assert ended.result is not None and ended.result["proposal"] == made.id
