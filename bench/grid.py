"""Benchmark: the schedule grid of the demo hospital (82 people × 28 days, with its cover rows
and each person's totals) rendered by the web app, as real HTTP requests to a real uvicorn
server. Goal: median ≤ 300 ms in the server.

    .venv/bin/python bench/grid.py [--requests 20] [--week]

Set-up (not timed): a fresh SQLite database in a temporary folder, the demo program solved
briefly (3 s of CP-SAT, one worker), a chief's account signed in. Then one warm-up request and
N timed `GET /schedule` requests, one at a time. Each is timed in the server (from the request
reaching the app to the last byte of the answer leaving it: the handler, its sign-in check, the
grid's data and the template) and by the client (adding the loopback transport). Also printed:
the part spent building the grid's data in-process (`build_grid`), to tell data from template.
"""

from __future__ import annotations

import argparse
import re
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

from callroom.accounts.principal import Principal
from callroom.accounts.roles import Role
from callroom.accounts.service import AccountService, AccountSpec
from callroom.config import Settings
from callroom.demo import demo_program_path
from callroom.formats.program_file import load_program
from callroom.solver.run import SolveOptions, solve
from callroom.storage import Database, ProgramRepository, RosterRepository, RosterSource, open_database
from callroom.web.app import create_app
from callroom.web.grid import GridFilter, build_grid

PASSWORD = "bench-chief-password"
GOAL_MS = 300


class ServerClock:
    """ASGI middleware: how long the app took over each request to `path`, in milliseconds."""

    def __init__(self, app: ASGIApp, path: str) -> None:
        self.app, self.path, self.times = app, path, list[float]()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        await self.app(scope, receive, send)
        if scope["type"] == "http" and scope["path"] == self.path:
            self.times.append((time.perf_counter() - started) * 1000)


def _seed(database: Database) -> None:
    program = load_program(demo_program_path())
    solution = solve(program, SolveOptions(time_limit_s=3, workers=1))
    assert solution.roster is not None, solution.status
    with database.session() as session:
        text = demo_program_path().read_text(encoding="utf-8")
        source = ProgramRepository(session).save_source("st-elsewhere", text, str(demo_program_path()))
        RosterRepository(session).add_version(
            source.id,
            solution.roster,
            source=RosterSource.SOLVE,
            status=solution.status.value,
            objective=None,
            bound=None,
            report={},
        )
    AccountService(database).add_account(
        Principal("bench", Role.ADMIN),
        AccountSpec("chief", "Bench chief", Role.CHIEF, program.people[0].id, PASSWORD),
    )


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _timed_requests(url: str, path: str, count: int) -> tuple[list[float], int, int]:
    with httpx.Client(base_url=url, timeout=60) as client:
        form = client.get("/signin").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
        client.post("/signin", data={"username": "chief", "password": PASSWORD, "csrf_token": token})
        first = client.get(path)
        assert first.status_code == 200, first.text[:500]
        cells = first.text.count("<td ")
        times = []
        for _ in range(count):
            started = time.perf_counter()
            answer = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 200
        return times, cells, len(first.content)


def _grid_only(database: Database, count: int, week: bool) -> list[float]:
    with database.reading() as session:
        rosters = RosterRepository(session)
        newest = rosters.newest()
        assert newest is not None
        roster = rosters.load_roster(newest.id)
    program = load_program(demo_program_path())
    times = []
    for _ in range(count):
        started = time.perf_counter()
        build_grid(program, roster, GridFilter(week=0 if week else None))
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--week", action="store_true", help="the week view instead of the whole block")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url_db = f"sqlite:///{Path(folder) / 'bench.db'}"
        with open_database(url_db) as database:
            _seed(database)
            clock = ServerClock(create_app(Settings(database_url=url_db)), "/schedule")
            config = uvicorn.Config(clock, host="127.0.0.1", port=_port(), log_level="warning")
            server = uvicorn.Server(config)
            thread = threading.Thread(target=server.run, daemon=True)
            thread.start()
            while not server.started:
                time.sleep(0.01)
            try:
                path = "/schedule?week=1" if args.week else "/schedule"
                times, cells, size = _timed_requests(f"http://127.0.0.1:{config.port}", path, args.requests)
            finally:
                server.should_exit = True
                thread.join(timeout=10)
            grid = _grid_only(database, args.requests, args.week)
    print(f"GET {path}: {cells} cells, {size / 1024:.0f} KiB of HTML, {args.requests} requests")
    print(f"{'':24}{'median':>10}{'p90':>10}{'min':>10}{'max':>10}")
    server_side = clock.times[-args.requests :]  # the warm-up request left out
    for label, values in (
        ("in the server (ms)", server_side),
        ("HTTP request (ms)", times),
        ("build_grid only (ms)", grid),
    ):
        print(
            f"{label:24}{statistics.median(values):>10.1f}{_percentile(values, 0.9):>10.1f}"
            f"{min(values):>10.1f}{max(values):>10.1f}"
        )
    verdict = "meets" if statistics.median(server_side) <= GOAL_MS else "misses"
    print(f"Goal: median ≤ {GOAL_MS} ms per grid request in the server: {verdict} it.")


if __name__ == "__main__":
    main()
