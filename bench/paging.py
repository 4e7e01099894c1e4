"""Benchmark: paging throughput, create-to-delivery latency and escalation lateness.

    .venv/bin/python bench/paging.py [--seconds 15] [--sqlite-rate 200] [--postgres-rate 1000]
                                     [--fsync on|off] [--batch N] [--poll S] [--only sqlite|postgresql]

For each database it stores the small test hospital (tests/paging_world.py), starts the API
(`callroom serve`) and the workers (`callroom worker`: one on SQLite, two on PostgreSQL, a
throw-away server started the way the test suite does) as real processes, opens a real SSE
stream for every recipient, and runs producer processes that send pages through the paging
service at a fixed open-loop rate. One page in ten goes to a post whose policy escalates after
1 s, twice, then falls back, so escalations run alongside the load.

It prints a table: pages created and delivered per second over the run, create-to-delivery
latency (commit of the page to the SSE client reading it, same machine clock) at p50/p99/max,
the backlog left after the run, escalation lateness (when the worker escalated minus the
deadline) at p50/p99, and `cpu_ms_per_page`: the user+system CPU time of the API process, the
worker processes and the producers over the load and the drain after it, divided by the pages
created (the SSE readers and the database server are not counted). Results also go to
bench/results/paging.json.

`--batch N` makes each producer send N pages per transaction (the service's `send_batch`, under
`POST /api/v1/pages/batch`) instead of one; the schedule is the same, a batch leaving when its
last page is due. `--poll S` is the workers' and event streams' poll interval (default 0.005 s,
as before the option): with wake-ups (`callroom.storage.wakeup`: NOTIFY on PostgreSQL, Unix
datagrams between processes on SQLite) it is only their safety net, and `--poll 0.1` (the
product's worker default) is the figure of a deployment left at its defaults.

Reading it: `created_per_s` below the target rate means the senders themselves could not keep
up (each page is one transaction; the schedule is open loop, so the run then lasts longer than
--seconds). SQLite runs with full fsync on every commit. The PostgreSQL server is a throw-away
one started the way the test suite starts it, but with fsync and synchronous_commit on (a real
server's durability); `--fsync off` runs it as the suite does (both off), the setting of the
figures measured before this option existed.
Every process shares the machine's cores with the producers and the SSE readers.

Measured 2026-12-05 on 2 cores shared with other engineers' jobs (load average 10-18, so the
rates are the machine's, not the code's; CPU per page holds up better), `--seconds 5`, one run
each, back to back. Before: the code before wake-ups, Core reads and multi-row sends.
    SQLite  200/s  before          67 created/s  p99 256 ms  13.9 ms CPU/page
    SQLite  200/s  after          121 created/s  p99 452 ms   8.4 ms CPU/page
    SQLite  200/s  after --batch 10  199/s       p99  91 ms   4.0 ms CPU/page
    PostgreSQL fsync on, 1000/s, before:  51 created/s, p99 322 ms, 13.6 ms CPU/page (10 s run)
    PostgreSQL fsync on, 1000/s, after --batch 20:  525 created/s, 517 delivered/s,
        p99 959 ms, 2.1 ms CPU/page; with --poll 0.1, 506 created/s but only 218 delivered/s
        (a backlog of 2,848, p99 6 s), 1.7 ms CPU/page; again: 575 created/s, 161 delivered/s;
        with --poll 0.02: 737 created/s, 389 delivered/s. So on PostgreSQL the workers still
        keep up only with the fast poll: the wake-ups do not yet replace it under this load.
With fsync on, a PostgreSQL commit costs about 6 ms on this disk (0.4 ms with it off), and
every send and every worker pass commits, so one page per transaction cannot go past ~100/s
with two producers: batching senders is what reaches hundreds per second. A NOTIFY holds a
cluster-wide lock from its transaction's commit until the commit is flushed, so notifying
commits queue behind each other; that, and a backlog's batches growing once a worker falls
behind, are the likely reasons delivery lagged with the slow poll (not measured apart).
Tried and dropped: waking a worker at once for every commit, with no gather (see
`callroom.storage.wakeup`): the crash test ran out of its bound twice on the loaded machine,
and passed (twice) once the 2 ms gather was in; too few runs to call it proven.
Then, on a quiet machine (load ~2), `--seconds 8`, one run each: with the NOTIFY moved out of
the writer's transaction into one of its own with synchronous_commit off (the lock above held
for an instant, not through a flush), PostgreSQL fsync on, --batch 20: 995 created/s, 945
delivered/s, p99 568 ms, 1.7 ms CPU/page; with --poll 0.05: 992 and 962/s, p99 418 ms; a 10 ms
gather instead of 2 ms: p99 1,154 ms (dropped); --batch 50: 986 and 949/s, p99 612 ms. One page
a transaction: 167/s, p99 149 ms. SQLite at 200/s, one page a transaction: p99 48.5 ms, 7.3 ms
CPU/page; --batch 10: p99 86 ms. The delivery side is what lags on PostgreSQL: CPU per page
(the database server not counted) times 1,000/s is most of the two cores.
Then in-app messages due at once were delivered in the transaction that stores them
(`callroom.paging.delivery`: stored sent, with their inbox rows), so a page reaches the streams
with one commit and no worker's claim-and-commit in between. Quiet machine, `--seconds 10`,
three rounds, each configuration run before (the code just before) and after back to back,
medians, before -> after:
    SQLite 200/s: p50 16.8 -> 7.1 ms, p99 43.0 -> 21.7 ms, CPU 6.6 -> 5.6 ms/page (the senders
        1.8 -> 2.6, the API 2.7 -> 1.9), escalation lateness p99 15.6 -> 21.9 ms
    PostgreSQL fsync on, one page a transaction: 193 -> 175 created/s (each send does more before
        its fsync'd commit), p99 119 -> 31 ms, CPU 6.9 -> 7.4 ms/page
    PostgreSQL fsync on, --batch 20: 994 created/s both, delivered 979 -> 994/s, backlog 160 -> 0,
        p50 129 -> 39 ms, p99 272 -> 71 ms, CPU 1.56 -> 1.49 ms/page, lateness p99 82 -> 68 ms
Offered more, one run each: --postgres-rate 1100: 1,084/s, p99 69 ms; 1200: 1,157/s, p99 73 ms.
Tried first and changed: each escalated page writing its own inbox rows in the worker's pass
(one statement per page, not one per pass): escalation lateness p99 209 and 1,507 ms in two runs.
Then fewer statements a send and a pass: a page whose in-app message goes into the inbox as it is
stored is stored delivered (no UPDATE after), with all its events in one statement; after an
escalation the worker claims external messages only when a read finds some due (the claim is a
write transaction); the worker's hot statements are built once, and its conditional updates run on
the Core tables rather than through the ORM's bulk update. Quiet machine, `--seconds 10`, before
and after run alternately, medians:
    SQLite 200/s, one page a transaction (3 rounds): CPU 8.67 -> 6.39 ms/page (the API 2.87 ->
        2.33, the worker 1.68 -> 1.32, the senders 4.12 -> 2.73), p99 47.3 -> 22.6 ms. The
        before side fell behind the schedule in these rounds (140-192 created/s); in three earlier
        rounds with both at 200/s, with the first two changes only: 7.06 -> 5.57 ms/page.
    PostgreSQL fsync on, --batch 20 (2 rounds): 1.68 -> 1.61 ms/page, p99 83 -> 89 ms (noise);
        one page a transaction (1 round): 9.19 -> 8.38 ms/page.
Where the rest goes: the polls themselves. Idle, with the 5 ms polls, the API process (its event
hub and its worker thread) spends 281 ms of CPU a second and the worker process 162 ms, about
2.2 ms of the figure at 200 pages/s (polls of 20 ms: 105 and 62; of 100 ms: 31 and 17). On this
machine the same work costs several times more CPU right after a sleep: a worker's idle pass takes
0.20 ms back to back, 0.92 ms after a 5 ms sleep and 1.09 ms after 20 ms, so each wake-up, more
than each statement, is what a page costs now. Tried and dropped: SQLite's mmap (no change);
running the inserts on the session's connection rather than through the session (no change); the
event hub waiting and reading in one trip to a thread instead of two (3 rounds: API 2.40 -> 2.29
ms/page, all processes 6.75 -> 6.36, within the rounds' spread of 6.05-7.75 on both sides).
Then wake-ups between processes on SQLite (before, the API and the worker process heard of the
senders' commits only by polling), and an idle worker sleeping until the next deadline it read
rather than a whole poll. Quiet machine, `--seconds 10`, three rounds, the code before and after
alternately, medians (ranges):
    SQLite 200/s, before, --poll 0.005: CPU 5.07 ms/page (4.86-6.05; the API 1.83, the worker
        1.05, the senders 2.21), p50 6.5 ms, p99 16.3 ms, escalation lateness p99 6.6 ms
    after, --poll 0.005: CPU 5.43 (5.36-6.97), p99 14.1 ms: polls and wake-ups both, no gain
    after, --poll 0.1: CPU 4.38 ms/page (4.31-4.46; the API 1.55, the worker 0.63, the senders
        2.20), p50 5.3 ms, p99 15.6 ms (13.7-16.1), escalation lateness p99 7.5 ms
    PostgreSQL fsync on, --batch 20 (4 rounds): p99 70.9 -> 71.2 ms, CPU 1.51 -> 1.46 ms/page
        (noise: nothing changed on PostgreSQL but the worker's sleep); one page a transaction
        (1 round): 5.96 ms/page, p99 31.7 ms, before; 6.15 and 32.9 after; 5.59 and 33.3 with
        --poll 0.1.
Until then `callroom serve` ran here with its own worker thread beside the API, so SQLite had two
workers and PostgreSQL three, not the one and two this bench names; it runs with `--no-worker`
since. SQLite 200/s, --poll 0.1, three rounds, with the API's worker -> without: CPU 4.06 -> 4.14
ms/page (3.58-4.73 and 4.01-4.53: the escalations move from the API's thread to the worker
process, the API 1.44 -> 1.04, the worker 0.57 -> 0.88), p99 14.1 -> 13.8 ms, lateness p99 6.7 ->
8.0 ms. With --poll 0.005: 5.28 ms/page, p99 13.9 ms.
What is left is the senders' own CPU more than anything: `bench/send_cpu.py` measures the same
send at 1.25 ms of CPU back to back in one process and 1.8-1.9 ms when it follows a 10 ms sleep
(a producer here sleeps about that long between its sends), with no other process writing. So
the sends alone take two thirds of a 2.8 ms budget a page, and the API's delivery to the streams
and the worker's escalations would have to fit in the remaining 0.9 ms; they take about 1.9 ms
today.
Then the event-stream hub spaced its reads (`paging.stream.POLL_SPACING_S`): while pages keep
coming it reads the inbox at most every 20 ms, every page since its last read in one, where it
read once a page. Quiet machine, `--poll 0.1 --seconds 10`, the code before and after run
alternately, medians (ranges):
    SQLite 200/s, one page a transaction, 3 rounds: CPU 4.30 -> 3.69 ms/page (4.00-4.36 and
        3.39-3.96; the API 1.05 -> 0.54, the worker 0.93 -> 0.94, the senders 2.28 -> 2.21),
        p50 5.3 -> 13.9 ms, p99 14.3 -> 25.7 ms, escalation lateness p99 8.2 -> 8.2 ms
    PostgreSQL fsync on, --batch 20, 2 rounds (3 for p99): CPU 1.27 -> 1.24 ms/page, p99 67.7 ->
        78.3 ms (64.7-76.6 and 72.2-80.7), every page delivered within the run
Then the spacing only after a read that found pages (a page that finds the hub idle is read at
once, where one could wait out the spacing after an empty safety poll), on a busier machine, 2
rounds, SQLite: the API 1.56 -> 0.69 ms/page against the code before the spacing, all processes
6.50 -> 5.12. `bench/mass_page.py --only sqlite` (a STAT page to 2,000 streams; each run the
median of 3 pages), p99 from the POST to the streams: 711, 839 and 568 ms before; 1,381, 1,182
and 965 with the spacing, 1,197 with this change; 599 and 1,349 with the spacing set to 0. No
mechanism found (an idle hub reads the page at once either way) and the spread is as wide
without the spacing; the goal of 2 s holds in every run.
A 10 ms spacing, 3 rounds on SQLite: the API 1.10 -> 0.79 ms/page, p99 18-19 ms. Spacing the
worker's passes as well (50 ms): the worker 0.89 -> 0.81 ms/page for an escalation lateness p99
of 50 ms against 8; dropped. An escalation costs its statements more than its pass.
Where the rest goes (one process, a quiet machine, probes not kept): the same write transaction
in raw sqlite3 (BEGIN IMMEDIATE, two reads, five inserts, an fsync'd COMMIT) costs 0.14 ms of
CPU back to back and 0.6 ms after a 10 ms sleep, so on these machines a wake-up's cold caches
cost more than most of the code that follows it. Through SQLAlchemy a statement costs about 25
us of CPU through the session, 19 on its connection, 3 on the raw driver; a transaction's begin
and commit about 110 us besides the commit's fsync; the live roster's check (two reads) 113 us.
A send is 1.25 ms back to back: about half in its seven statements and its transaction, the rest
routing, building rows and JSON. A worker's pass that escalates one page is 2.5 ms back to back:
thirteen statements in its write transaction, and three read transactions (the pass's own read,
one to see whether the escalation left email or webhook messages due, and the idle pass after).
The senders retry BEGIN IMMEDIATE 0.3-0.9 times a page at 200/s (each a 0.5 ms sleep and a
wake-up); the worker about once a pass.
Then fewer transactions and statements for an escalation (`callroom.paging.worker`): the
escalations' transaction ends with the due-work read, which stands in for the read after it (did
they leave email or webhook messages due?) and for the pass after it that found nothing; a
worker whose sleep ends at the time its last read gave begins with that transaction, not with a
read; a step's audit events go in one statement with its deliveries'; the page's update is built
once per shape; the live roster's check reads the Core tables (115 -> 64 us in one process). One
process, back to back, on a noisy machine: an escalation pass 2.85 -> 2.19 ms of CPU, and the
idle pass after it (0.3 ms) is gone; a send 1.30 -> 1.16 ms (the lowest of six runs each). The
bench on the same noisy machine (every figure above the quiet ones before), `--poll 0.1
--seconds 10`, the code before and after alternately, 4 rounds, medians (ranges):
    SQLite 200/s, one page a transaction: CPU 5.12 -> 4.56 ms/page (4.21-5.79 and 4.04-4.83; the
        worker 1.23 -> 0.82, the API 0.70 -> 0.71, the senders 3.20 -> 3.03), p99 30.5 -> 28.3
        ms, escalation lateness p99 11.2 -> 8.7 ms
    PostgreSQL fsync on, --batch 20: CPU 1.42 -> 1.25 ms/page (the workers 0.74 -> 0.58), p99
        83.2 -> 81.4 ms (72.6-93.1 and 73.4-91.3), escalation lateness p99 680 -> 67 ms (the
        code before fell behind its deadlines by over a second in two of the four rounds)
Then the inserts that grow with a page's recipients (`callroom.storage.bulk`), and the pages'
own, went straight to SQLite's driver, each column type's conversions applied as SQLAlchemy
would: a send keeps its two reads and its transaction on SQLAlchemy and loses its execution
around five statements. One process (`bench/send_cpu.py`, runs of both alternately): a send
1.23-1.43 -> 0.97-1.06 ms of CPU back to back and 2.74-3.13 -> 2.32-2.86 after 10 ms of sleep
without the pages' insert (`--rounds 5` and `--pages 300 --rounds 7`, 2 and 3 runs), then
1.11-1.49 -> 0.88 and 2.51-2.89 -> 2.10-2.50 when the pages' joined them (2 runs).
This bench, `--poll 0.1 --seconds 10`, the code before and after alternately, medians (ranges):
    SQLite 200/s, one page a transaction, the driver's inserts without the pages' (3 rounds, the
        machine's other tenants busy): CPU 4.42 -> 3.67 ms/page (4.05-4.47 and 3.38-3.67; the
        senders 2.91 -> 2.36, the worker 0.79 -> 0.68, the API 0.67 -> 0.61), p99 28.7 -> 25.8 ms
    with the pages' (3 rounds, as busy): CPU 4.40 -> 4.09 ms/page (4.28-4.77 and 4.05-4.66)
    again (4 rounds, a quieter host): CPU 3.33 -> 3.00 ms/page (3.22-3.60 and 2.46-3.27; the
        senders 2.18 -> 1.89, the worker 0.63 -> 0.58, the API 0.52 -> 0.55), p99 24.9 -> 23.9
        ms, escalation lateness p99 6.4 -> 5.7 ms
    PostgreSQL fsync on, --batch 20 (1 round): 995.8 -> 996.4 created/s, p99 60.1 -> 52.5 ms,
        CPU 1.01 -> 0.96 ms/page
The code before measured 4.42 and 3.33 less than an hour apart on the same machine: its host's
other tenants move this figure more than these changes did, so only runs side by side compare.
`bench/mass_page.py --only sqlite` (medians of 3 pages, one run each): from the POST leaving to
the streams, p99 1,143 -> 595 ms; the sender's answer 1,196 -> 1,141 ms.
Then a process hearing other processes' wake-ups pauses after each until its waiter would look
(`callroom.storage.wakeup`): the web process is woken about once per read of its hub instead of
once a page. Quiet machine, 4 rounds, alternately, medians (ranges): SQLite 200/s, one page a
transaction: CPU 2.93 -> 2.81 ms/page (2.72-3.29 and 2.47-3.15; the API 0.55 -> 0.51, the
senders, unchanged, 1.82 -> 1.73), p99 23.8 -> 24.0 ms, escalation lateness p99 5.5 -> 5.2 ms.
`bench/mass_page.py --only sqlite`, one run each: p99 from the POST to the streams 746 -> 708
ms, the sender's answer 1,427 -> 1,220 ms.
Then the live roster's read gave the newest absence's id in the same statement (the cache of
absences laid over the roster checks it), one statement fewer a send: a transaction with just
that read, 1,000 back to back in one process (a throw-away probe), 181 -> 150 us of CPU (two runs
each, alternately). `bench/send_cpu.py --pages 300 --rounds 5 --sleeps 0 0.01`, three runs
each, alternately, on a machine at load 2: back to back 0.87-0.94 ms before and 0.86-0.93 after,
after 10 ms of sleep 1.91-2.37 and 1.94-2.12: the saving is under what these runs tell apart.
This bench, `--poll 0.1 --seconds 10`, SQLite 200/s, one page a transaction, 6 rounds
alternately on a host whose other tenants moved it by a third, before -> after, medians
(ranges): CPU 3.17 -> 2.98 ms/page (2.77-3.52 and 2.56-3.51; the senders 2.00 -> 1.83), p99
25.7 -> 25.0 ms: no difference these rounds can show, both above the 2.81 measured above.
Where a send's CPU goes, counted without the host's noise: valgrind's callgrind counts the
instructions a process runs, the same from run to run within about 2 %. A probe sent 50 and then
250 pages one after another in one process (the hospital above, a fresh file); the difference,
over 200, is 3.07-3.16 million instructions a send (three runs), SQLite's own C code a small part
of it. Traced at the Python level (`sys.setprofile`), a send makes about 930 calls: 170 in the
session's begin, commit and close, 219 in its first statement (the pool's checkout and BEGIN
IMMEDIATE with it), 62 around the driver's inserts. Two changes measured that way and not kept:
rows for the driver built by `operator.itemgetter` with each column's conversion applied only
where its type has one (alone, no difference the count shows), then with it the live roster's
read on the session's connection instead of through the session (the two together: 932 -> 853
calls, 3 % fewer instructions). Each is below what the bench tells apart, and the send's cost is mostly
SQLAlchemy's transaction itself, which every write in the product goes through. After a 10 ms
sleep the same send costs 2.1 ms of CPU against 0.82 back to back (`send_cpu.py`'s probe on this
machine): the cold caches' share is larger than the whole warm send.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import queue
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from tempfile import mkdtemp

import httpx

sys.path.insert(0, str(Path(__file__).parents[1]))

from tests.conftest import PostgresServer, _private_directory, _shut_down, find_postgres_bin
from tests.paging_world import store_world, world_yaml

from callroom.paging.service import PageRequest, PagingService
from callroom.rosters.live import LiveSchedules
from callroom.storage import open_database
from callroom.storage.paging_repositories import PageRepository

PAGING = """\
paging:
  policies:
    - {{for: ward, wait: 1h}}
    - for: backup
      wait: 1s
      steps: [{{target: post:attending, wait: 1s}}]
      fallback: [operators]
  contacts:
    rules: [{{via: inapp}}]
"""
READERS = ("ada", "cy", "dora", "operators")
SERVE = "import typer; from callroom.cli.web import serve; typer.run(serve)"
WORK = "import typer; from callroom.cli.paging import worker; typer.run(worker)"


def token(who: str) -> str:
    return f"bench-token-{who}-0123456789"


def environment(url: str, poll_s: float) -> dict[str, str]:
    tokens = [
        {
            "token": token(w),
            "user": "switchboard" if w == "operators" else w,
            "role": "operator" if w == "operators" else "clinician",
        }
        for w in READERS
    ]
    return {
        **os.environ,
        "CALLROOM_DATABASE_URL": url,
        "CALLROOM_API_TOKENS": json.dumps(tokens),
        "CALLROOM_WORKER_POLL_INTERVAL_S": str(poll_s),
        "CALLROOM_STREAM_POLL_INTERVAL_S": str(poll_s),
        "CALLROOM_WORKER_BATCH": "500",
    }


@dataclass(frozen=True)
class Load:
    url: str
    rate: float
    start: float
    seconds: float
    producers: int
    batch: int


def page_request(k: int) -> PageRequest:
    """The bench's k-th page: one in ten to the post whose policy escalates, the rest to the ward."""
    return PageRequest("bench", "post:backup" if k % 10 == 0 else "post:ward", f"page {k}", "x4410")


def produce(load: Load, offset: int, cpu: multiprocessing.Queue[float]) -> None:
    """Send pages on a fixed schedule (open loop: a slow send does not slow the schedule); put
    the CPU seconds the sending took on `cpu`."""
    with open_database(load.url) as database:
        paging = PagingService(database, LiveSchedules())
        began = _own_cpu()
        n = 0
        while (due := load.start + (offset + (n + load.batch - 1) * load.producers) / load.rate) < (
            load.start + load.seconds
        ):
            time.sleep(max(0.0, due - time.time()))
            numbers = [offset + (n + i) * load.producers for i in range(load.batch)]
            requests = [page_request(k) for k in numbers]
            if load.batch == 1:
                paging.send(requests[0])
            else:
                paging.send_batch(requests)
            n += load.batch
        cpu.put(_own_cpu() - began)


def _own_cpu() -> float:
    times = os.times()
    return times.user + times.system


def process_cpu(pid: int) -> float:
    """User+system CPU seconds of a running process (and of its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Reader(threading.Thread):
    """A real SSE client: notes when each page arrives."""

    def __init__(self, base: str, who: str, arrivals: queue.Queue[tuple[int, float, float]]) -> None:
        super().__init__(daemon=True)
        self.base, self.who, self.arrivals = base, who, arrivals
        self.ready = threading.Event()

    def run(self) -> None:
        headers = {"Authorization": f"Bearer {token(self.who)}"}
        with (
            httpx.Client(timeout=httpx.Timeout(10, read=None)) as client,
            client.stream("GET", f"{self.base}/api/v1/pages/stream", headers=headers) as response,
        ):
            self.ready.set()
            for line in response.iter_lines():
                if line.startswith("data:"):
                    data = json.loads(line[5:])
                    sent = datetime.fromisoformat(data["page"]["sent_at"]).timestamp()
                    self.arrivals.put((data["page"]["id"], sent, time.time()))


@contextmanager
def processes(commands: list[list[str]], env: dict[str, str], logs: Path) -> Iterator[list[int]]:
    started = []
    for i, command in enumerate(commands):
        with (logs / f"process-{i}.log").open("wb") as log:
            started.append(subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT))
    try:
        yield [process.pid for process in started]
    finally:
        for process in started:
            process.terminate()
        for process in started:
            process.wait(timeout=60)


def wait_for_api(base: str) -> None:
    for _ in range(600):
        try:
            httpx.get(f"{base}/docs", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("the API did not start")


def run(url: str, name: str, workers: int, args: argparse.Namespace, rate: float) -> dict[str, object]:
    seconds, producers = args.seconds, args.producers
    with open_database(url) as database:
        store_world(database, world_yaml(paging=PAGING))
    env, logs = environment(url, args.poll), Path(mkdtemp(prefix="bench-paging-"))
    port = 18000 + os.getpid() % 1000
    base = f"http://127.0.0.1:{port}"
    api = [sys.executable, "-c", SERVE, "--port", str(port), "--no-worker"]
    commands = [api] + [[sys.executable, "-c", WORK]] * workers
    arrivals: queue.Queue[tuple[int, float, float]] = queue.Queue()
    with processes(commands, env, logs) as pids:
        wait_for_api(base)
        readers = [Reader(base, who, arrivals) for who in READERS]
        for reader in readers:
            reader.start()
            reader.ready.wait(10)
        time.sleep(1)  # let the workers finish starting
        start = time.time() + 1
        load = Load(url, rate, start, seconds, producers, args.batch)
        cpu: multiprocessing.Queue[float] = multiprocessing.Queue()
        jobs = [multiprocessing.Process(target=produce, args=(load, i, cpu)) for i in range(producers)]
        for job in jobs:
            job.start()
        time.sleep(max(0.0, start - time.time()))
        before = [process_cpu(pid) for pid in pids]
        for job in jobs:
            job.join()
        finished = time.time()
        time.sleep(5)  # whatever arrives now counts as backlog drained late
        servers = [process_cpu(pid) - was for pid, was in zip(pids, before, strict=True)]
    producing = sum(cpu.get() for _ in jobs)
    result = summarise(url, name, workers, rate, seconds, start, finished, arrivals)
    per_page = 1000 / max(int(str(result.pop("created"))), 1)
    fsync = args.fsync if name == "PostgreSQL" else "on"
    settings = {"fsync": fsync, "batch": args.batch, "poll_s": args.poll}
    return (
        settings
        | result
        | {
            "cpu_ms_per_page": round((sum(servers) + producing) * per_page, 2),
            # Where it goes: the API process (with its worker thread), the worker processes, the producers.
            "cpu_api": round(servers[0] * per_page, 2),
            "cpu_workers": round(sum(servers[1:]) * per_page, 2),
            "cpu_producers": round(producing * per_page, 2),
        }
    )


def summarise(
    url: str,
    name: str,
    workers: int,
    rate: float,
    seconds: float,
    start: float,
    finished: float,
    arrivals: queue.Queue[tuple[int, float, float]],
) -> dict[str, object]:
    got = []
    while not arrivals.empty():
        got.append(arrivals.get())
    first_only = {page: (sent, at) for page, sent, at in sorted(got, key=lambda g: g[2], reverse=True)}
    latencies = sorted((at - sent) * 1000 for sent, at in first_only.values())
    in_window = [at for _, at in first_only.values() if at <= finished]
    with open_database(url) as database, database.reading() as session:
        pages = PageRepository(session)
        created = _count_pages(session)
        lateness = sorted(
            e.detail["late_ms"]
            for page_id in range(1, created + 1)
            for e in pages.events(page_id)
            if e.kind in ("escalated", "fallback")
        )
    return {
        "database": name,
        "created": created,
        "workers": workers,
        "target_rate": rate,
        "seconds": seconds,
        "created_per_s": round(created / (finished - start), 1),
        "delivered_per_s": round(len(in_window) / (finished - start), 1),
        "backlog_at_end": created - len(in_window),
        "p50_ms": percentile(latencies, 50),
        "p99_ms": percentile(latencies, 99),
        "max_ms": round(latencies[-1], 1),
        "escalations": len(lateness),
        "late_p50_ms": percentile(lateness, 50),
        "late_p99_ms": percentile(lateness, 99),
    }


def _count_pages(session: object) -> int:
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from callroom.storage.paging_tables import PageRow

    assert isinstance(session, Session)
    return int(session.scalar(select(func.count()).select_from(PageRow)) or 0)


def percentile(values: list[float], pct: int) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[pct - 1], 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--sqlite-rate", type=float, default=200)
    parser.add_argument("--postgres-rate", type=float, default=1000)
    parser.add_argument("--producers", type=int, default=2)
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="run one database only")
    parser.add_argument(
        "--fsync",
        choices=["on", "off"],
        default="on",
        help="PostgreSQL's fsync and synchronous_commit (off: as the test suite runs it)",
    )
    parser.add_argument("--batch", type=int, default=1, help="pages per transaction a producer sends")
    parser.add_argument(
        "--poll",
        type=float,
        default=0.005,
        help="the workers' and event streams' poll interval, s (their safety net when woken)",
    )
    args = parser.parse_args()
    results = []
    if args.only != "postgresql":
        results.append(run_sqlite(args))
    if args.only != "sqlite":
        results.append(run_postgres(args))
    print_table(results)
    out = Path(__file__).parent / "results" / "paging.json"
    out.write_text(
        json.dumps({"args": vars(args), "when": datetime.now(UTC).isoformat(), "results": results}, indent=2)
        + "\n"
    )


def run_sqlite(args: argparse.Namespace) -> dict[str, object]:
    folder = Path(mkdtemp(prefix="bench-sqlite-"))
    try:
        return run(f"sqlite:///{folder / 'bench.db'}", "SQLite", 1, args, args.sqlite_rate)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_postgres(args: argparse.Namespace) -> dict[str, object]:
    bin_dir = find_postgres_bin()
    assert bin_dir is not None, "PostgreSQL binaries not found"
    server = PostgresServer(bin_dir, _private_directory())
    try:
        # Later lines of postgresql.conf win over the suite's settings.
        server.init(
            f"\nfsync = {args.fsync}\nsynchronous_commit = {args.fsync}\nfull_page_writes = {args.fsync}\n"
        )
        server.start()
        return run(server.url(server.create_database()), "PostgreSQL", 2, args, args.postgres_rate)
    finally:
        _shut_down(server)


def print_table(results: list[dict[str, object]]) -> None:
    columns = list(results[0])
    widths = [max(len(c), *(len(str(r[c])) for r in results)) for c in columns]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    for row in results:
        print("  ".join(str(row[c]).ljust(w) for c, w in zip(columns, widths, strict=True)))


if __name__ == "__main__":
    main()
