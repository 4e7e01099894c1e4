"""A live view of the solver: elapsed time, best objective, bound and gap, refreshed in place."""

from __future__ import annotations

import threading
from types import TracebackType

from rich.console import Console
from rich.live import Live
from rich.table import Table

from callroom.solver.run import Progress


def gap_text(objective: int | None, bound: int | None) -> str:
    if objective is None or bound is None:
        return "–"
    return f"{(objective - bound) / max(abs(objective), 1):.2%}"


class LiveProgress:
    """Progress hook for `solve`; CP-SAT calls it from its own threads, hence the lock."""

    def __init__(self, console: Console, title: str) -> None:
        self.console, self.title = console, title
        self.latest = Progress(0.0, None, None, 0)
        self._lock = threading.Lock()
        self._live = Live(self._render(), console=console, refresh_per_second=4, transient=False)

    def __enter__(self) -> LiveProgress:
        self._live.__enter__()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._live.update(self._render())
        self._live.__exit__(kind, error, trace)
        if not self.console.is_terminal:
            self.console.line()  # a redirected Live leaves its last frame without a newline

    def __call__(self, progress: Progress) -> None:
        with self._lock:
            self.latest = progress
            self._live.update(self._render())

    def _render(self) -> Table:
        p = self.latest
        table = Table(title=self.title, show_header=True, header_style="bold")
        for column in ("elapsed", "rosters found", "best objective", "bound", "gap"):
            table.add_column(column, justify="right")
        table.add_row(
            f"{p.elapsed_s:.1f} s",
            str(p.solutions),
            "–" if p.objective is None else str(p.objective),
            "–" if p.bound is None else str(p.bound),
            gap_text(p.objective, p.bound),
        )
        return table
