"""In-app delivery end to end: a real SSE client holds each person's stream open while pages are
sent over HTTP and a worker delivers them."""

from __future__ import annotations

import json
import threading
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from callroom.storage import Database
from tests.integration.api.conftest import Api
from tests.integration.api.sse import WAIT_S, stream

PAGE = {
    "target": "post:ward",
    "body": "Bed 12: new chest pain",
    "callback": "x4410",
    "patient_ref": "MRN-0042",
}


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


def rename_table(database: Database, old: str, new: str) -> None:
    with database.engine.begin() as connection:
        connection.execute(text(f"ALTER TABLE {old} RENAME TO {new}"))


@pytest.mark.usefixtures("running_worker")
def test_when_the_feeder_fails_the_streams_close_and_their_clients_reconnect_for_what_they_missed(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    with stream(api, "ada") as ada:
        send(api)
        first = ada.next_page()
        rename_table(api.database, "inbox", "inbox_away")  # every poll of the feeder now fails
        closed = ada.closed.wait(WAIT_S)
        rename_table(api.database, "inbox_away", "inbox")
    missed = send(api)

    with stream(api, "ada", last_event_id=first["inbox_id"]) as reconnected:
        assert reconnected.next_page()["page"]["id"] == missed
        live = send(api)
        assert reconnected.next_page()["page"]["id"] == live
    assert closed, "the stream was closed rather than left open and silent"
    assert "polling the inbox failed; closing the open streams" in caplog.text


NO_SUCH_EVENT = ["99999999999999999999999999", str(2**31), "-1", "soon"]


def opened(client: httpx.Client, path: str, headers: dict[str, str]) -> httpx.Response:
    """The answer to a stream request, its body read only if it is not a stream (which never ends)."""
    with client.stream("GET", path, headers=headers) as response:
        if response.status_code != 200:
            response.read()
        return response


@pytest.mark.parametrize("last_event_id", NO_SUCH_EVENT)
def test_a_last_event_id_that_can_name_no_event_is_refused(api: Api, last_event_id: str) -> None:
    with api.client("ada") as client:
        response = opened(client, "/api/v1/pages/stream", {"Last-Event-ID": last_event_id})

    assert response.status_code == 422
    assert response.json()["field"] == "header.last-event-id"


def test_so_is_a_since_that_can_name_no_event(api: Api) -> None:
    with api.client("ada") as client:
        response = opened(client, f"/api/v1/pages/stream?since={NO_SUCH_EVENT[0]}", {})

    assert response.status_code == 422
    assert response.json()["field"] == "query.since"
