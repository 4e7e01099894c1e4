"""Paging commands: `callroom page TARGET MESSAGE`, `page ack ID`, `page log ID`, `worker`
(`serve` is in cli/web.py).

The CLI talks to the database directly, like the other commands; it acts as an operator (on
any page) unless `--by` names the person acting. Exit codes: 0 done, 2 bad input or a refused
action (the message names the field).
"""

from __future__ import annotations

import getpass
import logging
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup

from callroom.config import Settings
from callroom.domain.clock import utc_now
from callroom.domain.paging import Priority
from callroom.paging.live import LiveSchedules
from callroom.paging.service import Actor, PageDetail, PageRequest, PagingError, PagingService
from callroom.paging.worker import worker_from
from callroom.storage import open_database
from callroom.storage.db import open_database_when_up

BAD_INPUT = 2
console = Console(highlight=False, soft_wrap=True)


class _SendByDefault(TyperGroup):
    """`callroom page TARGET MESSAGE` is short for `callroom page send TARGET MESSAGE`."""

    # `ctx` is typer's vendored click Context, which typer does not export under a public name.
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["send", *args]
        return super().parse_args(ctx, args)


page_app = typer.Typer(cls=_SendByDefault, no_args_is_help=True,
                       help="Send a page (`callroom page TARGET MESSAGE`), acknowledge one, read its log.")


def _me() -> str:
    return f"cli:{getpass.getuser()}"


@contextmanager
def _paging() -> Iterator[PagingService]:
    settings = Settings()
    with open_database(settings.database_url) as database:
        try:
            yield PagingService(database, LiveSchedules(settings.paging_program))
        except PagingError as error:
            console.print(f"[red]error:[/] {error.field}: {error.message}")
            raise typer.Exit(BAD_INPUT) from error


@page_app.command("send")
def send(
    target: Annotated[str, typer.Argument(help="person:ID, post:ID[/GRADES], team:ID, group:ID, operators")],
    message: Annotated[str, typer.Argument(help="The page's body (at most 500 characters).")],
    priority: Annotated[Priority, typer.Option(help="routine, urgent or stat.")] = Priority.ROUTINE,
    callback: Annotated[str, typer.Option(help="Number to call back (0: the switchboard).")] = "0",
    patient: Annotated[str | None, typer.Option(help="Patient reference, shown only in the app.")] = None,
    new_patient: Annotated[bool | None, typer.Option(
        "--new-patient/--existing-patient", help="Default: new for a role or team page.")] = None,
    sender: Annotated[str | None, typer.Option(help="Who is paging (default: cli:USER).")] = None,
) -> None:
    """Send a page now, resolved against the live schedule."""
    with _paging() as paging:
        sent = paging.send(PageRequest(sender or _me(), target, message, callback, priority, patient,
                                       new_patient))
    console.print(f"Page {sent.id} sent to {', '.join(sent.recipients)} "
                  f"(roster version id {sent.roster_version_id}).")
    for note in sent.notes:
        console.print(f"[yellow]note:[/] {note}")


@page_app.command("ack")
def ack(page_id: Annotated[int, typer.Argument(help="The page's id.")],
        by: Annotated[str | None, typer.Option(help="The recipient acknowledging.")] = None) -> None:
    """Acknowledge a page: its escalation and pending messages stop."""
    with _paging() as paging:
        page = paging.acknowledge(page_id, Actor(by or _me(), anyone=by is None))
    console.print(f"Page {page.id} acknowledged.")


@page_app.command("log")
def log(page_id: Annotated[int, typer.Argument(help="The page's id.")]) -> None:
    """Print a page's recipients (who and why) and its whole timeline."""
    with _paging() as paging:
        detail = paging.detail(page_id, Actor(_me(), anyone=True))
    console.print(_summary(detail))
    console.print(_recipients(detail))
    console.print(_timeline(detail))


def _summary(detail: PageDetail) -> str:
    page = detail.page
    lines = [f"Page {page.id}: {page.priority} to {page.target} from {page.sender}, {page.state}",
             f"  {page.body!r}, call back {page.callback}; roster version id {page.roster_version_id}"]
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
) -> None:
    """Deliver and escalate pages until SIGTERM or Ctrl-C (which drain: work in hand finishes)."""
    settings = Settings()
    if poll is not None:
        settings = settings.model_copy(update={"worker_poll_interval_s": poll})
    stop = threading.Event()

    def drain(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, drain)
    signal.signal(signal.SIGINT, drain)
    log_outages()
    name = f"worker-{os.getpid()}"
    # Started while the database is down or still recovering, it waits for it rather than dying.
    database = open_database_when_up(settings.database_url, stop, name)
    if database is not None:
        with database:
            console.print(f"{name}: polling {settings.database_url} every {settings.worker_poll_interval_s}s")
            worker_from(settings, database, utc_now, name).run(stop)
    console.print(f"{name}: drained and stopped")


def log_outages() -> None:
    """Send callroom's log lines (a database outage begins, it ends) to stderr, with the time."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

