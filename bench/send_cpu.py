"""Benchmark: the CPU one page's send costs its sender, back to back and after a sleep, and the
CPU a worker's pass costs to escalate one page.

    .venv/bin/python bench/send_cpu.py [--pages 200] [--rounds 5] [--sleeps 0 0.001 0.005 0.01]

For each sleep it stores the paging bench's small hospital (bench/paging.py,
tests/paging_world.py) in a fresh SQLite file and sends one page per transaction through the
paging service in this process, no other process running, one page in ten to the post whose
policy escalates, as the paging bench does: `--pages` pages, each after sleeping that long. It
reports medians over
`--rounds` rounds (after a first round that warms up) of the process's CPU time per page: of the
sends alone (`send_cpu_ms`), and of the whole round (`with_sleep_cpu_ms`: going to sleep and
waking up cost CPU too). Results also go to bench/results/send_cpu.json.

Why: the paging bench's producers sleep about 10 ms between their sends (two producers at 200
pages/s), and on the 2-core machines this project is measured on a send that follows a sleep
costs more than the same send back to back (its caches are cold). This separates the code's cost
from the machine's.

Then, in a fresh file and on a clock it moves by hand, it sends `--pages` pages to the post whose policy
escalates, and after each moves the clock past the page's deadline twice (its one step, then its
fallback), running one worker pass (`Worker.run_once`: its read of what is due, then the
escalation) each time; `escalation_pass_cpu_ms` is the median over the rounds of the CPU per pass.
In the paging bench about 40 such passes a second are the worker's main work.

Measured on a quiet machine (load below 1), `--rounds 9`, two runs: 1.25 and 1.27 ms back to
back; 1.32 after 1 ms of sleep; 1.52 after 5 ms; 1.78 and 1.93 after 10 ms. Going to sleep and
waking up add 0.02-0.03 ms. (A first, rougher probe that also timed the sleeps and let the
tables grow over 3,600 pages gave 1.37, 1.64, 2.27 and 2.91 ms.)
Then an escalation pass, on a noisy machine (the same code varied by a third between runs), 3
runs each, `--rounds 5`, the code before and after the escalations' transaction took over the
reads around it (see bench/paging.py's notes), alternately: 3.27 -> 2.39 ms. `run_once` measures
the read before the escalation in both; the code before also read once more after it, and its
worker's loop made a pass after it that found nothing, which the loop no longer does (nor the
read before, when its sleep ends at the deadline it read). A send, in the same runs: 1.27 and
1.35 ms back to back, 3.10 and 3.12 ms after 10 ms of sleep (no difference this noise can show).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from tests.paging_world import ManualClock, store_world, world_yaml

from bench.paging import PAGING, page_request
from callroom.paging.service import PagingService
from callroom.paging.worker import Worker, WorkerOptions
from callroom.rosters.live import LiveSchedules
from callroom.storage import Database, open_database

RESULTS = Path(__file__).parent / "results" / "send_cpu.json"


def round_cpu_ms(paging: PagingService, pages: int, sleep_s: float) -> tuple[float, float]:
    """CPU ms per page: of the sends alone, and of the whole round, its sleeps' wake-ups included."""
    sends = 0.0
    began_round = time.process_time()
    for k in range(pages):
        if sleep_s:
            time.sleep(sleep_s)
        began = time.process_time()
        paging.send(page_request(k))
        sends += time.process_time() - began
    return sends / pages * 1000, (time.process_time() - began_round) / pages * 1000


ESCALATES = 10  # page_request(k) goes to the post whose policy escalates when k % ESCALATES == 0
PAST_DEADLINE_S = 1.01  # its policy waits 1 s before each move (see PAGING)


def escalation_round_cpu_ms(database: Database, pages: int) -> float:
    """CPU ms per worker pass that escalates one page (its step, then its fallback)."""
    clock = ManualClock()
    paging = PagingService(database, LiveSchedules(), clock)
    worker = Worker(database, LiveSchedules(), {}, WorkerOptions(), clock)
    passes = 0.0
    for k in range(pages):
        paging.send(page_request(k * ESCALATES))
        for _ in range(2):
            clock.advance(PAST_DEADLINE_S)
            began = time.process_time()
            escalated = worker.run_once()
            passes += time.process_time() - began
            assert escalated == 1, f"a pass escalated {escalated} pages, not 1"
    return passes / (2 * pages) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200, help="pages a round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sleeps", type=float, nargs="+", default=[0.0, 0.001, 0.005, 0.01])
    args = parser.parse_args()
    print("sleep_ms  send_cpu_ms  with_sleep_cpu_ms")
    rows = [sends(args.pages, args.rounds, sleep_s) for sleep_s in args.sleeps]
    passes = escalation_passes(args.pages, args.rounds)
    print(f"escalation_pass_cpu_ms  {passes:.2f}")
    result = {
        "pages": args.pages,
        "rounds": args.rounds,
        "rows": rows,
        "escalation_pass_cpu_ms": round(passes, 3),
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


def fresh_world() -> Database:
    """The paging bench's hospital in a SQLite file of its own (the caller closes it)."""
    database = open_database(f"sqlite:///{tempfile.mkdtemp(prefix='bench-send-')}/callroom.db")
    store_world(database, world_yaml(paging=PAGING))
    return database


def sends(pages: int, rounds: int, sleep_s: float) -> dict[str, float]:
    """Medians over `rounds` of the sends' CPU per page, each send after `sleep_s` of sleep."""
    with fresh_world() as database:
        paging = PagingService(database, LiveSchedules())
        round_cpu_ms(paging, pages, 0.0)  # warm-up: the first sends read the program
        measured = [round_cpu_ms(paging, pages, sleep_s) for _ in range(rounds)]
    send = statistics.median(r[0] for r in measured)
    whole = statistics.median(r[1] for r in measured)
    print(f"{sleep_s * 1000:8.1f}  {send:11.2f}  {whole:17.2f}")
    return {"sleep_s": sleep_s, "send_cpu_ms": round(send, 3), "with_sleep_cpu_ms": round(whole, 3)}


def escalation_passes(pages: int, rounds: int) -> float:
    """The median over `rounds` of the CPU per escalation pass. A file of its own: pages other
    sends left would come due too when the hand clock moves."""
    with fresh_world() as database:
        escalation_round_cpu_ms(database, pages)  # warm-up
        return statistics.median(escalation_round_cpu_ms(database, pages) for _ in range(rounds))


if __name__ == "__main__":
    main()
