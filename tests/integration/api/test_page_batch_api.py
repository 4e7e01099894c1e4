"""`POST /api/v1/pages/batch` over real HTTP: several pages in one transaction, all or none, and
each bad page named by its place in the batch."""

from __future__ import annotations

from typing import Any

from callroom.storage.web_repositories import PageListRepository
from tests.integration.api.conftest import Api

WARD = {"target": "post:ward", "body": "Bed 12: new chest pain", "callback": "x4410"}
VACANT = {"target": "post:vacant", "body": "Bed 3: fever", "callback": "x4410"}


def send(api: Api, pages: list[dict[str, Any]]) -> tuple[int, dict[str, Any]]:
    with api.client("nurse") as client:
        response = client.post("/api/v1/pages/batch", json={"pages": pages})
    body: dict[str, Any] = response.json()
    return response.status_code, body


def sent_by_nurse(api: Api) -> list[int]:
    with api.database.reading() as session:
        return sorted(page.id for page in PageListRepository(session).sent("nurse-4", 100))


def test_a_batch_sends_every_page_in_order_each_with_its_recipients_and_notes(api: Api) -> None:
    status, body = send(api, [WARD, VACANT, {**WARD, "body": "Bed 14: falls risk"}])

    assert status == 201, body
    sent = body["pages"]
    assert [p["recipients"] for p in sent] == [["ada"], ["operators"], ["ada"]]
    assert sent[1]["notes"] == ["nobody holds vacant now: sent to the fallback (Operators' queue)"]
    assert sent[0]["id"] < sent[1]["id"] < sent[2]["id"]
    with api.client("nurse") as client:
        stored = client.get(f"/api/v1/pages/{sent[2]['id']}").json()
    assert (stored["body"], stored["sender"]) == ("Bed 14: falls risk", "nurse-4")
    assert [e["kind"] for e in stored["timeline"]] == ["sent", "notified", "delivery"]


def test_one_page_naming_nobody_refuses_the_whole_batch_and_a_corrected_one_is_sent(api: Api) -> None:
    status, refused = send(api, [WARD, {**WARD, "target": "post:nowhere"}, VACANT])

    assert status == 422
    assert refused["field"] == "pages.1.target"
    assert [e["field"] for e in refused["errors"]] == ["pages.1.target"]
    assert "nowhere" in refused["error"]

    assert sent_by_nurse(api) == []

    status, sent = send(api, [WARD, VACANT])

    assert status == 201
    assert sent_by_nurse(api) == [p["id"] for p in sent["pages"]]


def test_every_bad_page_is_named_with_its_field(api: Api) -> None:
    status, refused = send(api, [{**WARD, "callback": "call me"}, WARD, {**WARD, "body": ""}])

    assert status == 422
    assert sorted(e["field"] for e in refused["errors"]) == ["pages.0.callback", "pages.2.body"]


def test_a_batch_must_hold_at_least_one_page(api: Api) -> None:
    status, refused = send(api, [])

    assert status == 422
    assert refused["field"] == "pages"
