"""Medians over seeds of `callroom bench curtois` runs, side by side with the peer.

    for s in 0 1 2; do .venv/bin/callroom bench curtois --seed $s --out bench/results/curtois/seed$s; done
    .venv/bin/python bench/curtois_medians.py bench/results/curtois/seed*/results.json

Prints, per instance, the median objective and gap of callroom and of the peer (CPMpy's model on
the same CP-SAT), and a summary: feasible count, best-known reached, and
whether our gap is never above the peer's and at most half of it in the median.
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any


def _median(values: list[Any]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def _fmt(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def main(paths: list[str]) -> None:
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for path in paths:
        for record in json.loads(Path(path).read_text()):
            rows[record["instance"]].append(record)
    print(f"{'instance':<11}{'best':>7}{'ours':>9}{'gap %':>8}{'peer':>9}{'peer gap %':>11}  runs")
    ours_gaps, peer_gaps, reached, feasible, never_worse = [], [], 0, 0, True
    for name in sorted(rows, key=lambda n: int(n.removeprefix("Instance"))):
        runs = rows[name]
        gap = _median([r["callroom_gap_pct"] for r in runs])
        peer_gap = _median([r.get("peer_gap_pct") for r in runs])
        objective = _median([r["callroom_objective"] for r in runs])
        peer = _median([r.get("peer_objective") for r in runs])
        feasible += gap is not None
        reached += gap is not None and gap <= 0
        never_worse &= gap is not None and (peer_gap is None or gap <= peer_gap)
        ours_gaps.append(gap if gap is not None else float("inf"))
        peer_gaps.append(peer_gap if peer_gap is not None else float("inf"))
        print(
            f"{name:<11}{runs[0]['best_known']:>7}{_fmt(objective, 0):>9}{_fmt(gap):>8}"
            f"{_fmt(peer, 0):>9}{_fmt(peer_gap):>11}  {len(runs)}"
        )
    print(
        f"\nfeasible {feasible}/{len(rows)}; best known reached on {reached}; "
        f"our gap never above the peer's: {never_worse}; median gap ours "
        f"{_fmt(statistics.median(ours_gaps))} % vs peer {_fmt(statistics.median(peer_gaps))} %"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
