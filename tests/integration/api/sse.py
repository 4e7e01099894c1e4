"""A real Server-Sent Events client for the stream tests: it reads `text/event-stream` in a
thread and queues each complete event."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from tests.integration.api.conftest import Api, auth

WAIT_S = 15  # a bound so a broken stream fails the test instead of hanging it; never a timing claim


class SseClient:
    """Reads `text/event-stream` in a thread and queues each complete event."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.events: queue.Queue[dict[str, str]] = queue.Queue()
        self.opened = threading.Event()
        self.closed = threading.Event()  # the server ended the stream (or the test closed it)
        self._stop = threading.Event()
        self._client = httpx.Client(timeout=httpx.Timeout(10, read=None))
        self._thread = threading.Thread(target=self._read, args=(url, headers), daemon=True)

    def _read(self, url: str, headers: dict[str, str]) -> None:
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                self.opened.set()
                fields: dict[str, str] = {}
                for line in response.iter_lines():
                    if self._stop.is_set():  # the server pings often, so this is checked often
                        return
                    if not line:
                        if "data" in fields:
                            self.events.put(fields)
                        fields = {}
                    elif not line.startswith(":"):
                        name, _, value = line.partition(":")
                        fields[name] = value.removeprefix(" ")
        except httpx.HTTPError:
            pass  # closed by the test
        finally:
            self.closed.set()

    def next_page(self) -> dict[str, Any]:
        event = self.events.get(timeout=WAIT_S)
        assert event["event"] == "page"
        data: dict[str, Any] = json.loads(event["data"])
        assert data["inbox_id"] == int(event["id"])
        return data

    def start(self) -> SseClient:
        self._thread.start()
        assert self.opened.wait(WAIT_S)
        return self

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=WAIT_S)
        self._client.close()


@contextmanager
def stream(api: Api, who: str, last_event_id: int | None = None) -> Iterator[SseClient]:
    headers = auth(who) | ({"Last-Event-ID": str(last_event_id)} if last_event_id is not None else {})
    client = SseClient(f"{api.url}/api/v1/pages/stream", headers).start()
    try:
        yield client
    finally:
        client.close()
