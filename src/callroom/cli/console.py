"""The one console every command prints to, and the one place an error becomes an exit code.

Messages stay whole lines (for grep); when output is not a terminal, tables get 160 columns
rather than Rich's 80, so the hours table stays readable in a log.

Exit codes: 0 done; 1 an unexpected failure (a bug: one line says what, never a traceback);
2 bad input or a refused action (the message names the field, file or line); 3 no roster or
repair can keep every hard rule (the message says which rules and facts conflict); 4 none was
found within the time limit; 5 the database cannot be reached.
"""

from __future__ import annotations

import shutil
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from callroom.errors import CallroomError, ErrorKind

console = Console(highlight=False, soft_wrap=True, width=shutil.get_terminal_size((160, 40)).columns)

UNEXPECTED, BAD_INPUT, NO_SOLUTION, OUT_OF_TIME, UNAVAILABLE = 1, 2, 3, 4, 5
EXIT_CODES = {
    ErrorKind.NO_SOLUTION: NO_SOLUTION,
    ErrorKind.OUT_OF_TIME: OUT_OF_TIME,
    ErrorKind.UNAVAILABLE: UNAVAILABLE,
}


def exit_code(error: CallroomError) -> int:
    return EXIT_CODES.get(error.kind, BAD_INPUT)


def report(error: CallroomError) -> None:
    """The error as `error:` lines. When its message only lists its details (every problem in a
    file, every wrong field of a form), each detail is a line naming its own field and place;
    otherwise the message, after its field, then the details behind it (rules with numbers)."""
    details = [str(d) for d in error.details]
    if details and all(d in error.message for d in details):
        for detail in details:
            console.print(f"[red]error:[/] {escape(detail)}")
        return
    head = f"{error.field}: " if error.field else ""
    for line in (head + error.message).splitlines():
        console.print(f"[red]error:[/] {escape(line)}")
    for detail in details:
        console.print(f"  {escape(detail)}")


def fail(message: str, code: int = BAD_INPUT) -> typer.Exit:
    """Print `message` as an error; the Exit to raise (for checks the CLI makes itself)."""
    console.print(f"[red]error:[/] {escape(message)}")
    return typer.Exit(code)


class ReportingGroup(TyperGroup):
    """Every command runs inside this: an error of the one tree is printed and becomes the
    command's exit code; anything else unexpected is one line and exit 1. Never a traceback."""

    # `ctx` is typer's vendored click Context, which typer does not export under a public name.
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except CallroomError as error:
            report(error)
            raise typer.Exit(exit_code(error)) from error
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # typer's own: usage errors, --help, exits the commands chose
        except Exception as error:
            console.print(
                f"[red]error:[/] callroom failed unexpectedly ({escape(type(error).__name__)}: "
                f"{escape(str(error))}); please report it with the command you ran"
            )
            raise typer.Exit(UNEXPECTED) from error
