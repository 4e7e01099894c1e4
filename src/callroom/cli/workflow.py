"""The steps the commands share: load a program file, solve with a live view, and say why no
roster came back (an error of the one tree, which the app turns into exit code 3 or 4)."""

from __future__ import annotations

from callroom.cli.console import console
from callroom.cli.progress import LiveProgress
from callroom.domain.program import Program
from callroom.errors import CallroomError, NoSolution, OutOfTime
from callroom.solver.run import Solution, SolveOptions, Status, solve


def solve_live(program: Program, options: SolveOptions) -> Solution:
    title = f"Solving {program.hospital.name}: {len(program.people)} people, {program.block.days} days"
    with LiveProgress(console, title) as live:
        return solve(program, options, on_progress=live)


def no_roster(solution: Solution) -> CallroomError:
    """Why the solve gave no roster: proven impossible (with the reason) or out of time."""
    return no_answer(solution.status, solution.explanation, "roster")


def no_answer(status: Status, explanation: object | None, what: str) -> CallroomError:
    """Why a solve gave no `what` (a roster, a year plan): proven impossible, with the reason
    (exit 3), or out of time (exit 4)."""
    if status is Status.INFEASIBLE:
        reason = "" if explanation is None else "\n" + str(explanation)
        return NoSolution("", f"no {what} can satisfy every hard rule." + reason)
    return OutOfTime(
        "time_limit",
        f"no {what} found within the time limit, and no proof that none exists; try a longer --time-limit",
    )
