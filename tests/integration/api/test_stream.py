"""In-app delivery end to end: a real SSE client holds each person's stream open while pages are
sent over HTTP and a worker delivers them."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from tests.integration.api.conftest import Api, auth

PAGE = {"target": "post:ward", "body": "Bed 12: new chest pain", "callback": "x4410",
        "patient_ref": "MRN-0042"}
WAIT_S = 15  # a bound so a broken stream fails the test instead of hanging it; never a timing claim


class SseClient:
    """Reads `text/event-stream` in a thread and queues each complete event."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.events: queue.Queue[dict[str, str]] = queue.Queue()
        self.opened = threading.Event()
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


def send(api: Api, **changes: Any) -> int:
    with api.client("nurse") as client:
        response = client.post("/api/v1/pages", json={**PAGE, **changes})
    assert response.status_code == 201, response.text
    page_id: int = response.json()["id"]
    return page_id


@pytest.mark.usefixtures("running_worker")
def test_a_page_reaches_the_recipients_open_stream(api: Api) -> None:
    with stream(api, "ada") as ada:
        page_id = send(api)
        data = ada.next_page()

    assert data["page"]["id"] == page_id
    assert data["page"]["body"] == "Bed 12: new chest pain"
    assert data["recipient"]["id"] == "ada"
    assert "MRN-0042" not in json.dumps(data)
    with api.client("ada") as client:
        assert client.get(f"/api/v1/pages/{page_id}").json()["state"] == "delivered"


@pytest.mark.usefixtures("running_worker")
def test_a_stream_only_carries_its_owners_pages_and_operators_see_the_queue(api: Api) -> None:
    with stream(api, "ben") as ben, stream(api, "operator") as operators:
        send(api)  # to ada
        vacant = send(api, target="post:vacant")  # nobody holds it: the operators' queue
        assert operators.next_page()["page"]["id"] == vacant

    assert ben.events.empty()


@pytest.mark.usefixtures("running_worker")
def test_a_client_that_reconnects_with_last_event_id_gets_what_it_missed(api: Api) -> None:
    with stream(api, "ada") as ada:
        send(api)
        first = ada.next_page()
    missed = send(api)
    with api.client("ada") as client:  # wait for delivery before reconnecting
        for _ in range(WAIT_S * 20):
            if client.get(f"/api/v1/pages/{missed}").json()["state"] == "delivered":
                break
            threading.Event().wait(0.05)

    with stream(api, "ada", last_event_id=first["inbox_id"]) as ada:
        assert ada.next_page()["page"]["id"] == missed


def test_the_stream_needs_a_token(api: Api) -> None:
    with api.client() as client:
        response = client.get("/api/v1/pages/stream")

    assert response.status_code == 401
    assert response.json()["field"] == "Authorization"
