"""Benchmark: the CPU one page's send costs its sender, back to back and after a sleep.

    .venv/bin/python bench/send_cpu.py [--pages 200] [--rounds 5] [--sleeps 0 0.001 0.005 0.01]

It stores the paging bench's small hospital (bench/paging.py, tests/paging_world.py) in a fresh
SQLite file and sends one page per transaction through the paging service in this process, no
other process running, one page in ten to the post whose policy escalates, as the paging bench
does. For each sleep it sends `--pages` pages, each after sleeping that long, and reports medians over
`--rounds` rounds (after a first round that warms up) of the process's CPU time per page: of the
sends alone (`send_cpu_ms`), and of the whole round (`with_sleep_cpu_ms`: going to sleep and
waking up cost CPU too). Results also go to bench/results/send_cpu.json.

Why: the paging bench's producers sleep about 10 ms between their sends (two producers at 200
pages/s), and on the 2-core machines this project is measured on a send that follows a sleep
costs more than the same send back to back (its caches are cold). This separates the code's cost
from the machine's.

Measured on a quiet machine (load below 1), `--rounds 9`, two runs: 1.25 and 1.27 ms back to
back; 1.32 after 1 ms of sleep; 1.52 after 5 ms; 1.78 and 1.93 after 10 ms. Going to sleep and
waking up add 0.02-0.03 ms. (A first, rougher probe that also timed the sleeps and let the
tables grow over 3,600 pages gave 1.37, 1.64, 2.27 and 2.91 ms.)
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

from tests.paging_world import store_world, world_yaml

from bench.paging import PAGING, page_request
from callroom.paging.service import PagingService
from callroom.rosters.live import LiveSchedules
from callroom.storage import open_database

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200, help="pages a round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sleeps", type=float, nargs="+", default=[0.0, 0.001, 0.005, 0.01])
    args = parser.parse_args()
    url = f"sqlite:///{tempfile.mkdtemp(prefix='bench-send-')}/callroom.db"
    rows = []
    with open_database(url) as database:
        store_world(database, world_yaml(paging=PAGING))
        paging = PagingService(database, LiveSchedules())
        round_cpu_ms(paging, args.pages, 0.0)  # warm-up: the first sends read the program
        print("sleep_ms  send_cpu_ms  with_sleep_cpu_ms")
        for sleep_s in args.sleeps:
            rounds = [round_cpu_ms(paging, args.pages, sleep_s) for _ in range(args.rounds)]
            send = statistics.median(r[0] for r in rounds)
            whole = statistics.median(r[1] for r in rounds)
            rows.append(
                {"sleep_s": sleep_s, "send_cpu_ms": round(send, 3), "with_sleep_cpu_ms": round(whole, 3)}
            )
            print(f"{sleep_s * 1000:8.1f}  {send:11.2f}  {whole:17.2f}")
    result = {"pages": args.pages, "rounds": args.rounds, "rows": rows}
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
