"""An SMS gateway on a loopback port that checks signatures and records every key it is sent, and
the commands that run `callroom worker` and `callroom serve` in processes of their own: the
machinery of the tests that kill workers (the paging crash test, the scale-out test). The
`gateway` fixture (tests/integration/conftest.py) starts one for a test."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

from callroom.paging.transports.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify_signature

SECRET = "crash-test-secret"
# `callroom worker` itself (the same function the CLI registers), without importing the solver
# and the rest of the CLI, so a restarted worker is back at work in about a second.
WORKER = "import typer; from callroom.cli.paging import worker; typer.run(worker)"
# The whole command line, for `serve` and its options.
CALLROOM = "from callroom.cli.main import app; app()"


class Gateway(BaseHTTPRequestHandler):
    """An SMS gateway that checks signatures and records every key it is sent."""

    received: ClassVar[list[tuple[str, bool]]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        body = self.rfile.read(length)
        if len(body) < length:
            return  # its sender was killed mid-request: a gateway accepts no cut-off request
        ok = verify_signature(
            SECRET, self.headers[TIMESTAMP_HEADER], body, self.headers[SIGNATURE_HEADER], now=time.time()
        )
        Gateway.received.append((self.headers["Idempotency-Key"], ok))
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def running_gateway() -> Iterator[str]:
    """A fresh gateway (nothing received yet) on a loopback port; yields its URL."""
    Gateway.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sms"
    finally:
        server.shutdown()
        server.server_close()
