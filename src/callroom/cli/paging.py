"""Paging commands: `callroom page TARGET MESSAGE`, `page ack ID`, `page log ID`, `worker`
(`serve` is in cli/web.py).

A command acts as an operator (on any page) unless `--by` names the person acting. Exit codes:
0 done, 2 bad input or a refused action (the message names the field).
"""

from __future__ import annotations

import os
import signal
import threading
from types import FrameType
from typing import Annotated, Any

import typer
from rich.table import Table
from typer.core import TyperGroup

from callroom.accounts.roles import Role
from callroom.cli.console import console
from callroom.cli.context import services
from callroom.cli.identity import acting, me
from callroom.cli.params import PageId
from callroom.config import Settings
from callroom.domain.paging import Priority
from callroom.errors import Invalid
from callroom.ops.logs import configure_logging
from callroom.paging.service import PageDetail, PageRequest
from callroom.services import open_services_when_up


class _SendByDefault(TyperGroup):
    """`callroom page TARGET MESSAGE` is short for `callroom page send TARGET MESSAGE`."""

    # `ctx` is typer's vendored click Context, which typer does not export under a public name.
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["send", *args]
        return super().parse_args(ctx, args)


page_app = typer.Typer(
    cls=_SendByDefault,
    no_args_is_help=True,
    help="Send a page (`callroom page TARGET MESSAGE`), acknowledge one, read its log.",
)


@page_app.command("send")
def send(
    # Help is Rich markup: the bracket is escaped, or "[/GRADES]" reads as a closing tag.
    target: Annotated[
        str, typer.Argument(help=r"person:ID, post:ID\[/GRADES], team:ID, group:ID, operators")
    ],
    message: Annotated[str, typer.Argument(help="The page's body (at most 500 characters).")],
    priority: Annotated[Priority, typer.Option(help="routine, urgent or stat.")] = Priority.ROUTINE,
    callback: Annotated[str, typer.Option(help="Number to call back (0: the switchboard).")] = "0",
    patient: Annotated[str | None, typer.Option(help="Patient reference, shown only in the app.")] = None,
    new_patient: Annotated[
        bool | None,
        typer.Option("--new-patient/--existing-patient", help="Default: new for a role or team page."),
    ] = None,
    sender: Annotated[str | None, typer.Option(help="Who is paging (default: cli:USER).")] = None,
) -> None:
    """Send a page now, resolved against the live schedule."""
    sent = services().paging.send(
        PageRequest(sender or me(), target, message, callback, priority, patient, new_patient)
    )
    console.print(
        f"Page {sent.id} sent to {', '.join(sent.recipients)} (roster version id {sent.roster_version_id})."
    )
    for note in sent.notes:
        console.print(f"[yellow]note:[/] {note}")


@page_app.command("ack")
def ack(
    page_id: PageId, by: Annotated[str | None, typer.Option(help="The recipient acknowledging.")] = None
) -> None:
    """Acknowledge a page: its escalation and pending messages stop."""
    page = services().paging.acknowledge(acting(by, Role.RESIDENT if by else Role.OPERATOR), page_id)
    console.print(f"Page {page.id} acknowledged.")


@page_app.command("log")
def log(page_id: PageId) -> None:
    """Print a page's recipients (who and why) and its whole timeline."""
    detail = services().paging.detail(acting(None, Role.OPERATOR), page_id)
    console.print(_summary(detail))
    console.print(_recipients(detail))
    console.print(_timeline(detail))


def _summary(detail: PageDetail) -> str:
    page = detail.page
    lines = [
        f"Page {page.id}: {page.priority} to {page.target} from {page.sender}, {page.state}",
        f"  {page.body!r}, call back {page.callback}; roster version id {page.roster_version_id}",
    ]
    lines += [f"  note: {note}" for note in page.notes]
    return "\n".join(lines)


def _recipients(detail: PageDetail) -> Table:
    table = Table(title="Recipients")
    for column in ("step", "round", "who", "state", "why"):
        table.add_column(column)
    for r in detail.recipients:
        state = r.state + (f" ({r.decline_reason})" if r.decline_reason else "")
        table.add_row(str(r.step), str(r.round), f"{r.name} ({r.person_id})", state, r.reason)
    return table


def _timeline(detail: PageDetail) -> Table:
    table = Table(title="Timeline (UTC)")
    for column in ("at", "event", "by", "for", "detail"):
        table.add_column(column)
    for e in detail.events:
        text = ", ".join(f"{k}={v}" for k, v in sorted(e.detail.items()) if k != "policy")
        table.add_row(e.at.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3], e.kind, e.actor, e.person_id or "", text)
    return table


def worker(
    poll: Annotated[float | None, typer.Option(min=0.001, help="Poll interval in seconds.")] = None,
    paging: Annotated[bool, typer.Option("--paging/--no-paging", help="Deliver and escalate pages.")] = True,
    jobs: Annotated[bool, typer.Option("--jobs/--no-jobs", help="Run background jobs (solves).")] = True,
) -> None:
    """Deliver and escalate pages and run background jobs until SIGTERM or Ctrl-C (which drain:
    pages in hand finish; a job in hand is stopped and queued again for another worker)."""
    if not (paging or jobs):
        raise Invalid("paging", "give the worker something to do: --paging, --jobs or both")
    stop = threading.Event()

    def drain(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, drain)
    signal.signal(signal.SIGINT, drain)
    chosen = Settings()
    configure_logging(chosen.log_format)
    name = f"worker-{os.getpid()}"
    # Its own services, not the command's: a worker also runs alone, as `typer.run(worker)`; and
    # started while the database is down or still recovering, it waits for it rather than dying.
    with open_services_when_up(chosen, stop, name) as opened:
        if opened is not None:
            loops = []
            if jobs:
                loops.append(threading.Thread(target=opened.runner(name).run, args=(stop,), name="jobs"))
            if paging:
                found = opened.worker(name, poll)
                console.print(f"{name}: polling {chosen.database_url} every {found.poll_interval_s}s")
                loops.append(threading.Thread(target=found.run, args=(stop,), name="paging"))
            console.print(f"{name}: running {' and '.join(t.name for t in loops)}")
            for loop in loops:
                loop.start()
            for loop in loops:
                loop.join()
    console.print(f"{name}: drained and stopped")
