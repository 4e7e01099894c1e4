"""A job's worker killed mid-job and another taking it over, for the background-job tests: real
`callroom worker` processes (jobs only) on the test's database, with a short lease so the
second worker claims the job soon after the first dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from callroom.accounts.principal import Principal
from callroom.jobs.service import JobRecord
from callroom.services import Services
from tests.webhook_gateway import WORKER

WAIT_S = 120  # the longest any step may take on a slow machine before the test gives up


def until(what: Callable[[], JobRecord], done: Callable[[JobRecord], bool]) -> JobRecord:
    deadline = time.monotonic() + WAIT_S
    while not done(found := what()):
        assert time.monotonic() < deadline, found
        time.sleep(0.05)
    return found


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as handle:
        return subprocess.Popen(
            [sys.executable, "-c", WORKER, "--no-paging"], env=env, stdout=handle, stderr=handle
        )


def killed_and_taken_over(
    services: Services,
    caller: Principal,
    job_id: int,
    database_url: str,
    folder: Path,
    begun: Callable[[JobRecord], bool],
) -> JobRecord:
    """Start a worker, SIGKILL it once the job has `begun`, start a second one, and answer the
    job as it ended."""
    env = {**os.environ, "CALLROOM_DATABASE_URL": database_url, "CALLROOM_JOB_LEASE_S": "2"}
    first = _worker(env, folder / "first.log")
    try:
        until(lambda: services.jobs.get(caller, job_id), begun)
        first.send_signal(signal.SIGKILL)
        first.wait()
    finally:
        first.kill()
    second = _worker(env, folder / "second.log")
    try:
        return until(lambda: services.jobs.get(caller, job_id), lambda j: j.state.finished)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=60)
