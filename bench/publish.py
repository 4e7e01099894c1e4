"""Benchmark: publishing a draft roster of the demo hospital's block (82 people, 28 days), with a
notice to everyone whose shifts changed. Goal: median ≤ 2 s.

    .venv/bin/python bench/publish.py [--rounds 5] [--time-limit 3]

Set-up (not timed): a fresh SQLite database in a temporary folder and the demo's block program,
its first roster solved by a background job and made live at once. Each round (not timed) solves
a draft with another seed through the job runner, in-process, so it differs from the live roster;
then (timed) the chief publishes it: the checks (a stale draft, a day already begun), the new
live version with its audit and penalty report, and the notices, one in-app page (and its
email, queued in the outbox) per person moved, all through `Publishing.publish` as the web page
and the API call it.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from callroom.accounts.principal import Principal
from callroom.accounts.roles import Role
from callroom.config import Settings
from callroom.demo import demo_program_path
from callroom.formats.program_file import load_program
from callroom.services import Services, open_services
from callroom.storage import ProgramRepository

GOAL_S = 2.0
NAME = "st-elsewhere"
CHIEF = Principal("bench-chief", Role.CHIEF)


def _solved(services: Services, time_limit_s: float, seed: int, draft: bool) -> int:
    """Solve the program through a background job run here; the stored version's number."""
    job, _new = services.jobs.submit_solve(CHIEF, NAME, time_limit_s, seed, draft=draft)
    assert services.runner("bench").run_once(), "the solve job was not claimed"
    done = services.jobs.get(CHIEF, job.id)
    assert done.result is not None, done.error
    return int(done.result["version"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--time-limit", type=float, default=3.0)
    args = parser.parse_args()
    times, moved, notices = [], [], []
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(database_url=f"sqlite:///{Path(folder) / 'bench.db'}")
        with open_services(settings) as services:
            text = demo_program_path().read_text(encoding="utf-8")
            with services.database.session() as session:
                ProgramRepository(session).save_source(NAME, text, str(demo_program_path()))
            _solved(services, args.time_limit, 0, draft=False)
            for round_ in range(1, args.rounds + 1):
                draft = _solved(services, args.time_limit, round_, draft=True)
                started = time.perf_counter()
                published = services.publishing.publish(CHIEF, NAME, draft, f"benchmark round {round_}")
                times.append(time.perf_counter() - started)
                moved.append(len(published.changed))
                notices.append(len(published.notified))
    people = len(load_program(demo_program_path()).people)
    print(f"Publish a draft of the demo block ({people} people, 28 days), {args.rounds} rounds")
    print(f"people moved per round: {moved}; notices sent: {notices}")
    median = statistics.median(times)
    print(f"seconds per publish: median {median:.3f}, min {min(times):.3f}, max {max(times):.3f}")
    verdict = "meets" if median <= GOAL_S else "misses"
    print(f"Goal: median ≤ {GOAL_S} s per publish with its notices: {verdict} it.")


if __name__ == "__main__":
    main()
