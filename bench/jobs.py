"""Benchmark: background solve jobs against the same solves run directly.

    .venv/bin/python bench/jobs.py [--jobs 100] [--workers 2] [--time-limit 2] [--database-url URL]

Set-up (not timed): a fresh database (a temporary SQLite file unless `--database-url` names an
empty PostgreSQL database), the small test program (8 people, 28 days) stored under N names, so
N solves may queue at once (one live solve per program).

Timed, one after the other on the same machine:
- **jobs**: N solves queued through `JobService.submit_solve`, run by `--workers` real
  `callroom worker --no-paging --jobs` processes; from the first submit to the last job done.
  Each job claims its row, solves with CP-SAT, writes its progress every heartbeat and stores its
  roster as a draft in the transaction that finishes it.
- **direct**: the same N solves, with the same options, in `--workers` processes
  (`multiprocessing`), nothing stored.

Printed: wall time and throughput of each; the overhead per job (the difference in wall time,
times the number of workers, over N: the worker-seconds a job costs beyond its solve); and,
from the job rows, the median time from a job's start to its finish less its solve time, and
the median wait in the queue.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from callroom.accounts.principal import Principal
from callroom.accounts.roles import Role
from callroom.config import Settings
from callroom.formats.program_file import load_program
from callroom.services import open_services
from callroom.solver.run import SolveOptions, solve
from callroom.storage import ProgramRepository
from callroom.storage.job_repositories import JobRecord

PROGRAM = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "programs" / "full.yaml"
CHIEF = Principal("bench-chief", Role.CHIEF)


def _options(time_limit_s: float) -> SolveOptions:
    """What a solve job solves with (`jobs.service`): two CP-SAT workers, wall-clock limit."""
    return SolveOptions(time_limit_s, 2, 0, deterministic=False)


def _solve_once(time_limit_s: float) -> float:
    started = time.perf_counter()
    solution = solve(load_program(PROGRAM), _options(time_limit_s))
    assert solution.roster is not None, solution.status
    return time.perf_counter() - started


def _direct(count: int, workers: int, time_limit_s: float) -> tuple[float, list[float]]:
    started = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        seconds = list(pool.map(_solve_once, [time_limit_s] * count))
    return time.perf_counter() - started, seconds


def _names(count: int) -> list[str]:
    return [f"bench-{n:03d}" for n in range(count)]


def _store_programs(settings: Settings, count: int) -> None:
    text = PROGRAM.read_text(encoding="utf-8")
    with open_services(settings) as services, services.database.session() as session:
        programs = ProgramRepository(session)
        for name in _names(count):
            programs.save_source(name, text, str(PROGRAM))


def _workers(settings: Settings, count: int, logs: Path) -> list[subprocess.Popen[bytes]]:
    """`count` worker processes, once each has said it runs jobs (its start is not timed)."""
    environment = os.environ | {"CALLROOM_DATABASE_URL": settings.database_url}
    command = [str(Path(sys.executable).parent / "callroom"), "worker", "--no-paging", "--jobs"]
    paths = [logs / f"worker-{n}.log" for n in range(count)]
    processes = [
        subprocess.Popen(command, env=environment, stdout=path.open("wb"), stderr=subprocess.STDOUT)
        for path in paths
    ]
    while not all("running jobs" in path.read_text() for path in paths):
        assert all(p.poll() is None for p in processes), "a worker exited at start: " + paths[0].read_text()
        time.sleep(0.05)
    return processes


def _queued(
    settings: Settings, count: int, workers: int, time_limit_s: float, logs: Path
) -> tuple[float, list[JobRecord]]:
    processes = _workers(settings, workers, logs)
    try:
        with open_services(settings) as services:
            started = time.perf_counter()
            ids = [services.jobs.submit_solve(CHIEF, name, time_limit_s)[0].id for name in _names(count)]
            while True:
                jobs = [services.jobs.get(CHIEF, job_id) for job_id in ids]
                if all(job.state.finished for job in jobs):
                    return time.perf_counter() - started, jobs
                dead = [p.returncode for p in processes if p.poll() is not None]
                assert not dead, f"a worker exited ({dead}) before the jobs were done"
                time.sleep(0.05)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def _report(label: str, wall: float, count: int) -> None:
    print(f"{label:10}{wall:>10.1f} s{count / wall:>10.2f} jobs/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--time-limit", type=float, default=2.0)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        settings = Settings(database_url=url)
        _store_programs(settings, args.jobs)
        queued_wall, jobs = _queued(settings, args.jobs, args.workers, args.time_limit, Path(folder))
        direct_wall, solves = _direct(args.jobs, args.workers, args.time_limit)
    done = [job for job in jobs if job.state.value == "done"]
    assert len(done) == len(jobs), f"{len(jobs) - len(done)} jobs did not finish as done"
    overhead = [
        (job.finished_at - job.started_at).total_seconds() - float(job.result["seconds"])
        for job in done
        if job.finished_at and job.started_at and job.result
    ]
    waits = [(job.started_at - job.created_at).total_seconds() for job in done if job.started_at]
    database = url.split(":")[0]
    limit = f"{args.time_limit} s limit"
    print(f"{args.jobs} solves of {PROGRAM.name} ({limit}), {args.workers} workers, {database}")
    print(f"{'':10}{'wall':>12}{'throughput':>16}")
    _report("jobs", queued_wall, args.jobs)
    _report("direct", direct_wall, args.jobs)
    per_job = (queued_wall - direct_wall) * args.workers / args.jobs
    print(f"overhead per job (wall difference x workers / jobs): {per_job * 1000:.0f} ms")
    in_jobs = statistics.median(float(j.result["seconds"]) for j in done if j.result)
    print(f"median solve in a job {in_jobs:.2f} s, direct {statistics.median(solves):.2f} s")
    beyond = statistics.median(overhead) * 1000
    print(f"median job run less its solve (claim, progress, store the draft): {beyond:.0f} ms")
    print(f"median wait in the queue: {statistics.median(waits):.1f} s")


if __name__ == "__main__":
    main()
