"""`callroom serve`: the web app and the HTTP API in one uvicorn process, and by default a
paging worker and a job runner beside them, so a page sent from the board reaches the pager, and
a solve pressed in the browser runs, without a second command. More workers (`callroom
worker`) may run anywhere: they share the work safely. `--workers N` runs N server processes
on the one port (uvicorn's own supervisor); production runs them with `--no-worker` and
`callroom worker` processes beside them (docs/operations.md).

`callroom demo` ends here too: after solving it serves the demo hospital and prints a sign-in
for each role.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import FrameType
from typing import Annotated

import typer
from fastapi import FastAPI
from rich.console import Console

from callroom.accounts.demo import DemoAccount, seed_demo_accounts
from callroom.cli.context import services, settings
from callroom.config import Settings
from callroom.ops.logs import configure_logging, logging_config
from callroom.services import open_services

Host = Annotated[str, typer.Option(help="Address to listen on.")]
Port = Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")]
Workers = Annotated[
    int,
    typer.Option(
        min=1,
        max=64,
        help="Server processes on the one port (uvicorn's supervisor restarts any that dies).",
    ),
]
WithWorker = Annotated[
    bool,
    typer.Option(
        "--worker/--no-worker",
        help="Run a worker in this process (delivers and escalates pages, runs background solves).",
    ),
]


@contextmanager
def paging_worker(settings: Settings, enabled: bool) -> Iterator[None]:
    """A paging worker and a job runner, threads on their own services (their own connection
    pool), drained when the server stops."""
    if not enabled:
        yield
        return
    stop = threading.Event()
    name = f"serve-{os.getpid()}"
    with open_services(settings) as services:
        threads = [
            threading.Thread(
                target=services.worker(name).run, args=(stop,), name="paging-worker", daemon=True
            ),
            threading.Thread(target=services.runner(name).run, args=(stop,), name="job-runner", daemon=True),
        ]
        for thread in threads:
            thread.start()
        try:
            yield
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
            logging.getLogger(__name__).info("%s: paging worker and job runner drained", name)


def run_server(settings: Settings, host: str, port: int, worker: bool, workers: int = 1) -> None:
    import uvicorn

    from callroom.web.app import create_app

    configure_logging(settings.log_format)
    logs = logging_config(settings.log_format)
    # uvicorn shuts down on SIGTERM, then raises it again under the handler it found; Python's
    # default would kill the process there, before the worker beside it drains.
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    with paging_worker(settings, worker):
        if workers == 1:
            uvicorn.run(create_app(settings), host=host, port=port, log_level="info", log_config=logs)
            return
        # Each server process builds its own app (and connection pool) from the environment.
        uvicorn.run(
            f"{__name__}:app_from_environment",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
            log_config=logs,
        )


def _stop_on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(0)


def app_from_environment() -> FastAPI:
    """The app of `callroom serve --workers N`'s server processes, from CALLROOM_ settings."""
    from callroom.web.app import create_app

    return create_app(Settings())


def serve(
    host: Host = "127.0.0.1", port: Port = 8000, worker: WithWorker = True, workers: Workers = 1
) -> None:
    """Serve the web app (sign in at /) and the HTTP API (/api/v1, described at /docs). In
    production run several server processes (`--workers N`) without a worker (`--no-worker`),
    and `callroom worker` processes beside them (docs/operations.md)."""
    run_server(Settings(), host, port, worker, workers)  # read here: `serve` also runs alone (typer.run)


def print_sign_ins(console: Console, url: str, accounts: Sequence[DemoAccount]) -> None:
    console.print(f"\n[bold]Serving the demo hospital at {url}[/] (Ctrl-C stops it). Demo sign-ins:")
    for account in accounts:
        console.print(f"  {account.role.value:<17} {account.username:<10} password {account.password}")


def serve_demo(console: Console, host: str, port: int) -> None:
    """Create the demo sign-ins (kept if they exist), print them, and serve until Ctrl-C."""
    accounts = seed_demo_accounts(services().accounts)
    print_sign_ins(console, f"http://{host}:{port}/", accounts)
    run_server(settings(), host, port, worker=True)
