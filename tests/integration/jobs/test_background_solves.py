"""Background solves, end to end on SQLite and PostgreSQL with real CP-SAT: queued by the chief,
run by a runner with live progress, stored once; cancelled; pressed twice; refused before they
are queued; and finished exactly once by a second worker process after the first is killed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from callroom.accounts.principal import at_console
from callroom.accounts.roles import Role
from callroom.config import Settings
from callroom.demo import demo_program_path
from callroom.errors import Invalid, NotAllowed, NotFound
from callroom.jobs.service import JobState
from callroom.services import Services, open_services
from callroom.storage import ProgramRepository, RosterRepository
from tests.factories import small_year_text
from tests.integration.jobs.takeover import killed_and_taken_over, until

CHIEF = at_console("chief", Role.CHIEF)
RESIDENT = at_console("ada", Role.RESIDENT, "ada")
SMALL = Path(__file__).parents[2] / "fixtures" / "programs" / "full.yaml"


@pytest.fixture
def services(database_url: str) -> Iterator[Services]:
    settings = Settings(database_url=database_url, job_heartbeat_s=0.1)
    with open_services(settings) as opened:
        yield opened


def _store(services: Services, name: str, path: Path) -> None:
    with services.database.session() as session:
        ProgramRepository(session).save_source(name, path.read_text(), str(path))


def _versions(services: Services, name: str) -> int:
    with services.database.reading() as session:
        return len(RosterRepository(session).list_versions(name))


def _running(services: Services) -> tuple[threading.Event, threading.Thread]:
    stop = threading.Event()
    thread = threading.Thread(target=services.runner("test").run, args=(stop,), daemon=True)
    thread.start()
    return stop, thread


def test_a_queued_solve_runs_with_progress_and_stores_one_roster(services: Services) -> None:
    _store(services, "small", SMALL)
    job, new = services.jobs.submit_solve(CHIEF, "small", time_limit_s=5)
    assert new and job.state is JobState.QUEUED
    assert services.runner("test").run_once()
    done = services.jobs.get(CHIEF, job.id)
    assert done.state is JobState.DONE, done.error
    assert done.result is not None and done.result["version"] == 1
    assert done.progress["solutions"] >= 1 and done.progress["series"]
    assert _versions(services, "small") == 1
    assert not services.runner("test").run_once()  # nothing left


def test_pressing_solve_twice_gives_one_job(services: Services) -> None:
    _store(services, "small", SMALL)
    first, _ = services.jobs.submit_solve(CHIEF, "small", time_limit_s=5)
    again, new = services.jobs.submit_solve(CHIEF, "small", time_limit_s=5)
    assert again.id == first.id and not new
    assert services.runner("test").run_once() and not services.runner("test").run_once()
    assert _versions(services, "small") == 1


def test_a_cancelled_solve_stops_and_stores_nothing(services: Services) -> None:
    _store(services, "demo", demo_program_path())
    job, _ = services.jobs.submit_solve(CHIEF, "demo", time_limit_s=600)
    stop, thread = _running(services)
    try:
        until(lambda: services.jobs.get(CHIEF, job.id), lambda j: j.progress.get("solutions", 0) >= 1)
        services.jobs.cancel(CHIEF, job.id)
        ended = until(lambda: services.jobs.get(CHIEF, job.id), lambda j: j.state.finished)
    finally:
        stop.set()
        thread.join()
    assert ended.state is JobState.CANCELLED
    assert ended.progress["elapsed_s"] < 600
    assert _versions(services, "demo") == 0


def test_a_solve_is_refused_before_a_job_is_queued(services: Services) -> None:
    with pytest.raises(NotFound, match="no program 'nowhere' is stored"):
        services.jobs.submit_solve(CHIEF, "nowhere", time_limit_s=5)
    with services.database.session() as session:  # a year file is planned, not solved as a block
        ProgramRepository(session).save_source("year", small_year_text(), "year.yaml")
    with pytest.raises(Invalid, match="this is a year file"):
        services.jobs.submit_solve(CHIEF, "year", time_limit_s=5)
    _store(services, "small", SMALL)
    with pytest.raises(NotAllowed):
        services.jobs.submit_solve(RESIDENT, "small", time_limit_s=5)
    assert services.jobs.recent(CHIEF) == []


def test_a_worker_killed_mid_solve_leaves_the_job_to_another_which_finishes_it_once(
    services: Services, database_url: str, tmp_path: Path
) -> None:
    _store(services, "demo", demo_program_path())
    job, _ = services.jobs.submit_solve(CHIEF, "demo", time_limit_s=8)
    ended = killed_and_taken_over(
        services, CHIEF, job.id, database_url, tmp_path, lambda j: j.progress.get("solutions", 0) >= 1
    )
    assert ended.state is JobState.DONE, ended.error
    assert ended.attempts == 2
    assert _versions(services, "demo") == 1
