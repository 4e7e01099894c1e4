"""The steps the commands share: solve with a live view (why no roster came back is
`solver.run.no_roster`, an error of the one tree, which the app turns into exit code 3 or 4)."""

from __future__ import annotations

from callroom.cli.console import console
from callroom.cli.progress import LiveProgress
from callroom.domain.program import Program
from callroom.solver.run import Solution, SolveOptions, solve


def solve_live(program: Program, options: SolveOptions) -> Solution:
    title = f"Solving {program.hospital.name}: {len(program.people)} people, {program.block.days} days"
    with LiveProgress(console, title) as live:
        return solve(program, options, on_progress=live)
