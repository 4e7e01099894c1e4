"""Real Server-Sent Events clients for the stream tests: one reads `text/event-stream` in a
thread and queues each complete event; a crowd of them shares one asyncio loop."""

from __future__ import annotations

import asyncio
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


class CrowdStreams:
    """An open stream for each of many people, read by one asyncio loop in a thread (a thread
    each would be hundreds), noting which pages each stream has read."""

    def __init__(self, url: str, tokens: dict[str, str]) -> None:
        self.read: dict[str, set[int]] = {who: set() for who in tokens}
        self._url, self._tokens = url, tokens
        self._opened = threading.Event()
        self._changed = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_until_complete, args=(self._read_all(),))
        self._stop: asyncio.Event | None = None

    async def _read_all(self) -> None:
        self._stop = asyncio.Event()
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
        async with httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(WAIT_S, read=None)) as client:
            opened = [0]
            tasks = [asyncio.create_task(self._one(client, who, opened)) for who in self._tokens]
            await self._stop.wait()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _one(self, client: httpx.AsyncClient, who: str, opened: list[int]) -> None:
        headers = {"Authorization": f"Bearer {self._tokens[who]}"}
        async with client.stream("GET", self._url, headers=headers) as response:
            assert response.status_code == 200
            opened[0] += 1
            if opened[0] == len(self._tokens):
                self._opened.set()
            async for line in response.aiter_lines():
                if line.startswith("data:"):
                    with self._changed:
                        self.read[who].add(json.loads(line[5:])["page"]["id"])
                        self._changed.notify_all()

    def __enter__(self) -> CrowdStreams:
        self._thread.start()
        assert self._opened.wait(WAIT_S * 4), "not every stream opened"
        return self

    def __exit__(self, *_: object) -> None:
        assert self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=WAIT_S)
        self._loop.close()

    def wait_all_read(self, page_id: int) -> list[str]:
        """Wait (bounded) until every stream has read the page; who has not, if any."""
        with self._changed:
            self._changed.wait_for(lambda: all(page_id in got for got in self.read.values()), WAIT_S * 4)
            return [who for who, got in self.read.items() if page_id not in got]
