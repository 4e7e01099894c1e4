"""Benchmark: reading a day's OR board (`OrService.cases`) on a demo hospital's database.

The board judges every resident against every case of the day (who is on the case's service,
post-call, on leave, or would break a duty-hour rule with it), on the live block of the
academic year, which looks back on the block before it. That judgement is most of the time.

    .venv/bin/callroom demo --no-serve            # once: a database holding today's block
    .venv/bin/python bench/or_board.py [--database sqlite:///callroom.db] [--day 2026-12-07] [--reads 10]

Set-up (not timed): the database opened, one read to warm the live roster's cache. Then N
timed reads of the board as the chief, one at a time, in-process (no HTTP). `--day` defaults to
tomorrow (hospital time is close enough for a benchmark).
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date, timedelta

from callroom.accounts.principal import Principal
from callroom.accounts.roles import Role
from callroom.config import Settings
from callroom.services import build_services
from callroom.storage import open_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="sqlite:///callroom.db")
    parser.add_argument("--day", type=date.fromisoformat, default=date.today() + timedelta(days=1))
    parser.add_argument("--reads", type=int, default=10)
    args = parser.parse_args()
    chief = Principal("bench", Role.CHIEF)
    with open_database(args.database) as database:
        board = build_services(Settings(database_url=args.database), database).operating
        first = board.cases(chief, args.day)
        times = []
        for _ in range(args.reads):
            started = time.perf_counter()
            board.cases(chief, args.day)
            times.append((time.perf_counter() - started) * 1000)
    residents = len(first.residents)
    print(f"OR board {args.day}: {len(first.cases)} cases, {residents} residents judged for each")
    print(f"read (ms): median {statistics.median(times):.0f}, min {min(times):.0f}, max {max(times):.0f}")


if __name__ == "__main__":
    main()
