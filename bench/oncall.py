"""Benchmark: who is on call for a post, `GET /api/v1/oncall?post=P&at=T`, at a steady rate.
Goal: p99 ≤ 10 ms at 200 requests/s on SQLite.

    .venv/bin/python bench/oncall.py [--rate 200] [--seconds 15] [--time-limit 3]
    .venv/bin/python bench/oncall.py --cpu [--requests 4000]

Set-up (not timed): a fresh SQLite database in a temporary folder; the demo program (82 people,
28 days) solved briefly (CP-SAT, one worker, seed 0) and stored as the live roster; an operator
account with an API token. The API (`callroom.api.app.create_app`) runs under uvicorn in its own
process, so the client does not share its interpreter.

The client is httpx's AsyncClient, in 4 processes (one httpx process spends about 3 ms of CPU
per request, more than the server's 1.5 ms, so one process alone cannot offer 200/s on a
loaded machine), sending open loop: request i is due at start + i/rate whatever happened to
earlier ones, and goes out on the first of its process's 8 keep-alive connections to come free.
Each request asks for a different post and instant in the block (round robin). Latency is
counted from when the request was DUE, not when it went out, so a server that falls behind
shows it (no coordinated omission). The first second of requests warms up and is not counted.

Prints p50/p99/max latency, the rate achieved, and errors; writes bench/results/oncall.json.
Every process shares the machine's cores (client, server, and anything else running).

`--cpu` measures instead the app's own CPU time per request (median of 5 rounds): the same
requests handed to the ASGI app in this process, with no network, client or uvicorn, after
a first round that warms up. Other processes on the machine move it far less than the
latency under load, so it is the figure to compare two versions of the code by on a shared
machine; it writes bench/results/oncall_cpu.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from callroom.accounts.principal import Principal
from callroom.accounts.roles import Role
from callroom.accounts.service import AccountService, AccountSpec
from callroom.demo import demo_program_path
from callroom.domain.program import Program
from callroom.formats.program_file import load_program
from callroom.solver.run import SolveOptions, solve
from callroom.storage import Database, ProgramRepository, RosterRepository, RosterSource, open_database

RESULTS = Path(__file__).parent / "results" / "oncall.json"
SERVER = (
    "import uvicorn; from callroom.api.app import create_app; from callroom.config import Settings; "
    "uvicorn.run(create_app(Settings()), host='127.0.0.1', port={port}, log_level='warning')"
)


def seed(database: Database, time_limit: float) -> tuple[Program, str]:
    """Store the demo program and a solved roster; an operator's API token."""
    program = load_program(demo_program_path())
    solution = solve(program, SolveOptions(time_limit_s=time_limit, workers=1, seed=0))
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
    accounts, bench = AccountService(database), Principal("bench", Role.ADMIN)
    operator = accounts.add_account(bench, AccountSpec("switchboard", "Switchboard", Role.OPERATOR))
    token, _ = accounts.create_api_token(bench, operator.id, "bench")
    return program, token


def questions(program: Program, count: int) -> list[dict[str, str]]:
    """(post, instant) pairs spread over the posts and the block, in a fixed order."""
    start = datetime.combine(program.block.start, datetime.min.time(), UTC)
    span_h = program.block.days * 24
    posts = [p.id for p in program.posts]
    return [
        {
            "post": posts[i % len(posts)],
            "at": (start + timedelta(hours=(i * 7919) % span_h, minutes=(i * 37) % 60)).isoformat(),
        }
        for i in range(count)
    ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "CALLROOM_DATABASE_URL": url}
    process = subprocess.Popen([sys.executable, "-c", SERVER.format(port=port)], env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/openapi.json", timeout=1)
            return process, base
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the API server did not start")


async def run_part(
    base: str,
    token: str,
    asks: list[dict[str, str]],
    rate: float,
    start: float,
    part: int,
    parts: int,
    clients: int,
) -> tuple[list[tuple[int, float]], int]:
    """This process's share of the schedule: requests part, part + parts, ... each due at
    start + i/rate (time.monotonic, the same clock in every process). Returns (i, latency ms
    from when it was due) and the error count.

    A scheduler puts each request on a queue at its due time; `clients` connections take them
    off as they come free. (Thousands of tasks waiting on httpx's pool instead cost the client
    more CPU than the server spends answering, once anything falls behind.)"""
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    headers = {"Authorization": f"Bearer {token}"}
    latencies: list[tuple[int, float]] = []
    errors = 0
    due_queue: asyncio.Queue[tuple[int, float] | None] = asyncio.Queue()
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=30) as client:

        async def worker() -> None:
            nonlocal errors
            while (item := await due_queue.get()) is not None:
                i, due = item
                try:
                    response = await client.get("/api/v1/oncall", params=asks[i])
                    ok = response.status_code == 200 and "holders" in response.json()
                except httpx.HTTPError:
                    ok = False
                latencies.append((i, (time.monotonic() - due) * 1000))
                errors += 0 if ok else 1

        workers = [asyncio.create_task(worker()) for _ in range(clients)]
        for i in range(part, len(asks), parts):
            due = start + i / rate
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            due_queue.put_nowait((i, due))
        for _ in workers:
            due_queue.put_nowait(None)
        await asyncio.gather(*workers)
    return latencies, errors


def _part(
    job: tuple[str, str, list[dict[str, str]], float, float, int, int, int],
) -> tuple[list[tuple[int, float]], int]:
    return asyncio.run(run_part(*job))


def run_load(
    base: str, token: str, asks: list[dict[str, str]], rate: float, processes: int, clients: int
) -> tuple[list[float], int, float]:
    """Every request's latency (ms, in schedule order), the errors, and the elapsed seconds."""
    start = time.monotonic() + 8.0  # time for the client processes to start (they import callroom)
    jobs = [(base, token, asks, rate, start, k, processes, clients) for k in range(processes)]
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        parts = pool.map(_part, jobs)
    elapsed = time.monotonic() - start
    latencies = [0.0] * len(asks)
    for found, _ in parts:
        for i, ms in found:
            latencies[i] = ms
    return latencies, sum(errors for _, errors in parts), elapsed


async def app_cpu_ms(url: str, token: str, asks: list[dict[str, str]], rounds: int) -> list[float]:
    """The app's CPU milliseconds per request, in each of `rounds` rounds of `asks` (after one
    round of warm-up), each request sent straight to the ASGI app."""
    # Imported here, not at the top: the client processes import this module as they start,
    # and the whole app would make them late for the first requests due.
    from callroom.api.app import create_app
    from callroom.config import Settings

    app = create_app(Settings(database_url=url))
    headers = [(b"host", b"bench"), (b"authorization", f"Bearer {token}".encode())]

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def ask(params: dict[str, str]) -> None:
        sent: list[dict[str, Any]] = []

        async def send(message: Any) -> None:
            sent.append(message)

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": "/api/v1/oncall",
            "raw_path": b"/api/v1/oncall",
            "root_path": "",
            "query_string": urlencode(params).encode(),
            "headers": headers,
            "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 80),
        }
        await app(scope, receive, send)
        assert sent[0]["status"] == 200, sent

    found = []
    async with app.router.lifespan_context(app):
        for round_ in range(rounds + 1):
            started = time.process_time()
            for params in asks:
                await ask(params)
            if round_:
                found.append((time.process_time() - started) * 1000 / len(asks))
    return found


def measure_cpu(requests: int, time_limit: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'callroom.db'}"
        with open_database(url) as database:
            program, token = seed(database, time_limit)
        rounds = asyncio.run(app_cpu_ms(url, token, questions(program, requests), 5))
    result = {
        "requests_per_round": requests,
        "rounds_ms_per_request": [round(r, 3) for r in rounds],
        "median_ms_per_request": round(statistics.median(rounds), 3),
        "database": "sqlite",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    RESULTS.parent.mkdir(exist_ok=True)
    (RESULTS.parent / "oncall_cpu.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    median = result["median_ms_per_request"]
    print(f"who is on call, the app's CPU per request (in-process, no network): median {median} ms")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=200.0, help="requests per second (default 200)")
    parser.add_argument("--seconds", type=float, default=15.0, help="timed load, after 1 s of warm-up")
    parser.add_argument("--time-limit", type=float, default=3.0, help="CP-SAT seconds for the demo roster")
    parser.add_argument("--processes", type=int, default=4, help="client processes (default 4)")
    parser.add_argument("--clients", type=int, default=8, help="keep-alive connections per process")
    parser.add_argument("--cpu", action="store_true", help="the app's CPU per request instead (see above)")
    parser.add_argument("--requests", type=int, default=4000, help="requests per round with --cpu")
    options = parser.parse_args()
    if options.cpu:
        measure_cpu(options.requests, options.time_limit)
        return

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'callroom.db'}"
        with open_database(url) as database:
            program, token = seed(database, options.time_limit)
        warm = int(options.rate)
        asks = questions(program, warm + int(options.rate * options.seconds))
        server, base = start_server(url)
        try:
            latencies, errors, elapsed = run_load(
                base, token, asks, options.rate, options.processes, options.clients
            )
        finally:
            server.terminate()
            server.wait(timeout=10)

    timed = latencies[warm:]
    result = {
        "requests": len(timed),
        "rate_target": options.rate,
        "rate_achieved": round(len(asks) / elapsed, 1),
        "errors": errors,
        "p50_ms": round(statistics.median(timed), 2),
        "p99_ms": round(percentile(timed, 0.99), 2),
        "max_ms": round(max(timed), 2),
        "goal_p99_ms": 10.0,
        "client_processes": options.processes,
        "connections_per_process": options.clients,
        "database": "sqlite",
        "people": len(program.people),
        "days": program.block.days,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(
        f"who is on call, {result['requests']} requests at {options.rate:g}/s on SQLite "
        f"({result['rate_achieved']}/s achieved, {errors} errors)"
    )
    print(
        f"  p50 {result['p50_ms']} ms   p99 {result['p99_ms']} ms   max {result['max_ms']} ms   "
        f"(goal p99 <= 10 ms: {'met' if result['p99_ms'] <= 10 else 'missed'})"
    )


if __name__ == "__main__":
    main()
