"""Benchmark: one STAT page to a group of 2,000 people, each holding an open in-app stream.

    .venv/bin/python bench/mass_page.py [--people 2000] [--pages 3] [--readers 4] [--only sqlite]

For each database it stores the small test hospital with a crowd of `--people` staff and a
group `everyone` naming them all (tests/paging_world.py; generated, not a checked-in file), an
account and API token for each of them, starts the API (`callroom serve --no-worker`) and one
worker (`callroom worker`) as real processes (PostgreSQL: a throw-away server started the way
the test suite does), and opens a real SSE stream for every person from `--readers` client
processes (asyncio and httpx). A STAT page to one person warms the API and the worker (the
first page of a process reads the program); then `--pages` STAT pages go to `group:everyone`
through the API, one after another, each once the last has reached every stream.

For each page it reports the sender's wait for the API's answer (`ack_ms`, the POST round
trip), from that answer to each stream reading the page at p50/p99/max (`stream_*_ms`, same
machine clock; a stream can read the page before its sender has the answer, which counts as
0), from that answer until every recipient is recorded delivered (`all_delivered_ms`,
polled every 10 ms from the database), and from the moment the POST left to each stream reading
the page at p50/p99 (`sent_*_ms`: the whole way, for a page delivered before its sender has the
answer). The table's last line per database is the median over
the pages. Results go to bench/results/mass_page.json.

Measured on a quiet machine, back to back, medians of 3 pages, before -> after in-app messages
due at once were delivered in the sending transaction (`callroom.paging.delivery`): from the
POST leaving to each stream reading the page, p99 614 -> 1,022 ms on SQLite and 717 -> 1,088 ms
on PostgreSQL; the sender's answer 289 -> 1,077 ms and 338 -> 1,102 ms. Every stream now reads
the page before its sender has the answer (`stream_*_ms` 0), but the one API process both writes
the 2,000 inbox rows and events in the send and hands the page to the 2,000 streams while it
builds the answer (the whole page, with its 4,001 events), where a worker's process used to do
the delivery on the other core.
Re-measured after a send began writing a page reached at once as delivered (no UPDATE after) and
all its events in one statement, the code before and after run back to back, medians of 3 pages:
from the POST leaving to each stream, p99 527 -> 518 ms on SQLite and 1,128 -> 1,131 ms on
PostgreSQL; the sender's answer 1,017 -> 1,019 ms and 1,164 -> 1,141 ms (no change).

The bench raises its open-file limit to the hard limit (the API and the readers inherit it): a
stream is a socket at each end. SQLite runs with full fsync; the PostgreSQL server is the test
suite's, with fsync and synchronous_commit off. Every process shares the machine's cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import resource
import shutil
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from multiprocessing.synchronize import Event as EventType
from pathlib import Path
from tempfile import mkdtemp
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parents[1]))

from tests.conftest import PostgresServer, _private_directory, _shut_down, find_postgres_bin
from tests.paging_world import crowd_paging, crowd_people, store_world, world_yaml

from bench.paging import percentile, print_table, processes, wait_for_api
from callroom.accounts.tokens import digest
from callroom.domain.paging import RecipientState
from callroom.storage import open_database
from callroom.storage.accounts_repositories import AccountRepository, NewAccount
from callroom.storage.paging_repositories import PageRepository

SERVE = "import typer; from callroom.cli.web import serve; typer.run(serve)"
WORK = "import typer; from callroom.cli.paging import worker; typer.run(worker)"
SENDER = "ada"
DELIVERED_WAIT_S = 60.0
Arrival = tuple[int, float]  # (page id, when the stream read it)


def token(who: str) -> str:
    return f"mass-bench-{who}-0123456789"


def environment(url: str, poll_s: str, batch: str) -> dict[str, str]:
    sender = [{"token": token(SENDER), "user": SENDER, "role": "attending"}]
    return {
        **os.environ,
        "CALLROOM_DATABASE_URL": url,
        "CALLROOM_API_TOKENS": json.dumps(sender),
        "CALLROOM_WORKER_POLL_INTERVAL_S": poll_s,
        "CALLROOM_STREAM_POLL_INTERVAL_S": poll_s,
        "CALLROOM_WORKER_BATCH": batch,
    }


def store(url: str, people: int) -> list[str]:
    """The hospital, its crowd and their accounts with API tokens; the crowd's ids."""
    crowd = crowd_people(people)
    with open_database(url) as database:
        store_world(database, world_yaml(paging=crowd_paging(people), crowd=people))
        now = datetime.now(UTC)
        with database.session() as session:
            accounts = AccountRepository(session)
            for pid, name in crowd:
                account = accounts.add(NewAccount(pid, name, "resident", pid, None), now)
                accounts.add_api_token(account.id, "bench", digest(token(pid)), now)
    return [pid for pid, _ in crowd]


def read_streams(
    base: str, people: list[str], ready: Any, results: Any, read: Any, stop: EventType, index: int
) -> None:
    """One client process: a stream per person, each noting when it reads each page."""
    arrivals = asyncio.run(_read_all(base, people, ready, read, stop))
    results.put((index, arrivals))


async def _read_all(
    base: str, people: list[str], ready: Any, read: Any, stop: EventType
) -> dict[str, list[Arrival]]:
    arrivals: dict[str, list[Arrival]] = {pid: [] for pid in people}
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
    opening = asyncio.Semaphore(50)  # not 2,000 connects at once: the listen backlog is finite
    opened = asyncio.Event()
    count = [0]
    async with httpx.AsyncClient(
        base_url=base, limits=limits, timeout=httpx.Timeout(30, read=None)
    ) as client:

        async def one(pid: str) -> None:
            headers = {"Authorization": f"Bearer {token(pid)}"}
            await opening.acquire()
            async with client.stream("GET", "/api/v1/pages/stream", headers=headers) as response:
                opening.release()
                assert response.status_code == 200, response.status_code
                count[0] += 1
                if count[0] == len(people):
                    opened.set()
                async for line in response.aiter_lines():
                    if line.startswith("data:"):
                        page = json.loads(line[5:])["page"]["id"]
                        arrivals[pid].append((page, time.time()))
                        read.value += 1  # this process's own counter: no lock needed

        tasks = [asyncio.create_task(one(pid)) for pid in people]
        await opened.wait()
        ready.put(len(people))
        while not stop.is_set():
            await asyncio.sleep(0.1)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return arrivals


def wait_all_delivered(url: str, page_id: int, people: int, acked: float) -> float:
    """Milliseconds from the API's answer until every recipient is recorded delivered."""
    with open_database(url) as database:
        while time.time() - acked < DELIVERED_WAIT_S:
            with database.reading() as session:
                counts = PageRepository(session).recipient_counts(page_id)
            if sum(n for s, n in counts.items() if s is not RecipientState.NOTIFIED) >= people:
                return (time.time() - acked) * 1000
            time.sleep(0.01)
    return float("nan")


def wait_all_read(read: list[Any], total: int) -> None:
    """Until the streams have read `total` pages between them (a stream left short after
    DELIVERED_WAIT_S shows in `streams_read`)."""
    began = time.time()
    while sum(counter.value for counter in read) < total and time.time() - began < DELIVERED_WAIT_S:
        time.sleep(0.01)


def send(client: httpx.Client, target: str, priority: str) -> tuple[int, float, float]:
    """POST a page; its id, when the request went and when the answer came."""
    body = {"target": target, "body": "Mass casualty: all staff to the ED", "callback": "x4410"}
    began = time.time()
    response = client.post("/api/v1/pages", json=body | {"priority": priority})
    answered = time.time()
    assert response.status_code == 201, response.text
    return int(response.json()["id"]), began, answered


@contextmanager
def readers(base: str, people: list[str], count: int) -> Iterator[tuple[EventType, Any, list[Any]]]:
    context = multiprocessing.get_context("spawn")
    ready, results, stop = context.Queue(), context.Queue(), context.Event()
    read = [context.Value("q", 0, lock=False) for _ in range(count)]
    shares = [people[i::count] for i in range(count)]
    jobs = [
        context.Process(target=read_streams, args=(base, share, ready, results, read[i], stop, i))
        for i, share in enumerate(shares)
    ]
    for job in jobs:
        job.start()
    for _ in jobs:
        ready.get(timeout=120)
    try:
        yield stop, results, read
    finally:
        stop.set()
        for job in jobs:
            job.join(timeout=60)


def run(url: str, name: str, args: argparse.Namespace) -> list[dict[str, object]]:
    people = store(url, args.people)
    env = environment(url, args.poll, args.batch)
    port = 19000 + os.getpid() % 1000
    base, logs = f"http://127.0.0.1:{port}", Path(mkdtemp(prefix="bench-mass-"))
    commands = [
        [sys.executable, "-c", SERVE, "--port", str(port), "--no-worker"],
        [sys.executable, "-c", WORK],
    ]
    sent: list[tuple[int, float, float, float]] = []
    with processes(commands, env, logs):
        wait_for_api(base)
        headers = {"Authorization": f"Bearer {token(SENDER)}"}
        with (
            readers(base, people, args.readers) as (stop, results, read),
            httpx.Client(base_url=base, headers=headers, timeout=60) as client,
        ):
            warm, _, acked = send(client, f"person:{people[0]}", "stat")  # STAT: off duty, still theirs
            wait_all_delivered(url, warm, 1, acked)
            wait_all_read(read, 1)
            for n in range(1, args.pages + 1):
                page_id, began, acked = send(client, "group:everyone", "stat")
                sent.append((page_id, began, acked, wait_all_delivered(url, page_id, len(people), acked)))
                wait_all_read(read, 1 + n * len(people))  # before the next page: one at a time
            stop.set()
            arrivals: dict[str, list[Arrival]] = {}
            for _ in range(args.readers):
                arrivals |= results.get(timeout=120)[1]
    shutil.rmtree(logs, ignore_errors=True)
    return [summarise(name, args, page, arrivals) for page in sent]


def summarise(
    name: str,
    args: argparse.Namespace,
    page: tuple[int, float, float, float],
    arrivals: dict[str, list[Arrival]],
) -> dict[str, object]:
    page_id, began, acked, all_delivered_ms = page
    read = [
        min(at for p, at in got if p == page_id)
        for got in arrivals.values()
        if any(p == page_id for p, _ in got)
    ]
    waits = sorted(max(0.0, at - acked) * 1000 for at in read)
    from_send = sorted((at - began) * 1000 for at in read)
    return {
        "database": name,
        "people": args.people,
        "page": page_id,
        "ack_ms": round((acked - began) * 1000, 1),
        "streams_read": len(read),
        "stream_p50_ms": percentile(waits, 50),
        "stream_p99_ms": percentile(waits, 99),
        "stream_max_ms": round(waits[-1], 1) if waits else float("nan"),
        "all_delivered_ms": round(all_delivered_ms, 1),
        "sent_p50_ms": percentile(from_send, 50),
        "sent_p99_ms": percentile(from_send, 99),
    }


def median_row(rows: list[dict[str, object]]) -> dict[str, object]:
    middle: dict[str, object] = {
        "database": rows[0]["database"],
        "people": rows[0]["people"],
        "page": "median",
    }
    for key in (
        "ack_ms",
        "streams_read",
        "stream_p50_ms",
        "stream_p99_ms",
        "stream_max_ms",
        "all_delivered_ms",
        "sent_p50_ms",
        "sent_p99_ms",
    ):
        middle[key] = round(statistics.median(float(str(r[key])) for r in rows), 1)
    return middle


def raise_file_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and (hard == resource.RLIM_INFINITY or soft < hard):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--pages", type=int, default=3, help="STAT pages, one after another")
    parser.add_argument("--readers", type=int, default=4, help="SSE client processes")
    parser.add_argument("--poll", default="0.02", help="worker and stream poll interval (s)")
    parser.add_argument("--batch", default="200", help="the worker's batch (CALLROOM_WORKER_BATCH)")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="run one database only")
    parser.add_argument("--out", default="mass_page.json", help="file name under bench/results")
    args = parser.parse_args()
    raise_file_limit()
    rows: list[dict[str, object]] = []
    if args.only != "postgresql":
        found = run_sqlite(args)
        rows += [*found, median_row(found)]
    if args.only != "sqlite":
        found = run_postgres(args)
        rows += [*found, median_row(found)]
    print_table(rows)
    out = Path(__file__).parent / "results" / args.out
    out.write_text(
        json.dumps({"args": vars(args), "when": datetime.now(UTC).isoformat(), "results": rows}, indent=2)
        + "\n"
    )


def run_sqlite(args: argparse.Namespace) -> list[dict[str, object]]:
    folder = Path(mkdtemp(prefix="bench-mass-sqlite-"))
    try:
        return run(f"sqlite:///{folder / 'bench.db'}", "SQLite", args)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_postgres(args: argparse.Namespace) -> list[dict[str, object]]:
    bin_dir = find_postgres_bin()
    assert bin_dir is not None, "PostgreSQL binaries not found"
    server = PostgresServer(bin_dir, _private_directory())
    try:
        server.init()
        server.start()
        return run(server.url(server.create_database()), "PostgreSQL", args)
    finally:
        _shut_down(server)


if __name__ == "__main__":
    main()
