"""`/api/v1/pages` over real HTTP: create, read with timeline, act; and every bad input gets a
clear 4xx with a JSON body naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.api.conftest import Api, auth

PAGE = {
    "target": "post:ward",
    "body": "Bed 12: new chest pain",
    "callback": "x4410",
    "patient_ref": "MRN-0042",
}


def create(api: Api, **changes: Any) -> dict[str, Any]:
    with api.client("nurse") as client:
        response = client.post("/api/v1/pages", json={**PAGE, **changes})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_nurse_pages_a_role_and_reads_who_it_reached_and_why(api: Api) -> None:
    page = create(api)

    assert page["sender"] == "nurse-4"
    assert page["state"] == "delivered"  # in ada's inbox with the page's own commit
    assert page["patient_ref"] == "MRN-0042"
    assert [(r["person_id"], r["reason"]) for r in page["recipients"]] == [
        ("ada", "holds ward now (allday, PGY-1); the most junior of 2")
    ]
    assert [e["kind"] for e in page["timeline"]] == ["sent", "notified", "delivery"]
    assert page["roster_version_id"] is not None


def test_the_sender_is_told_when_nobody_holds_the_role(api: Api) -> None:
    page = create(api, target="post:vacant")

    assert page["notes"] == ["nobody holds vacant now: sent to the fallback (Operators' queue)"]
    assert [r["person_id"] for r in page["recipients"]] == ["operators"]


def test_a_recipient_acknowledges_and_the_sender_resolves(api: Api) -> None:
    page = create(api)

    with api.client("ada") as ada:
        seen = ada.post(f"/api/v1/pages/{page['id']}/seen").json()
        acked = ada.post(f"/api/v1/pages/{page['id']}/ack").json()
    with api.client("nurse") as nurse:
        resolved = nurse.post(f"/api/v1/pages/{page['id']}/resolve").json()

    assert (seen["state"], acked["state"], resolved["state"]) == ("seen", "acknowledged", "resolved")
    assert [e["kind"] for e in resolved["timeline"]][-3:] == ["seen", "acknowledged", "resolved"]
    assert [e["actor"] for e in resolved["timeline"]][-3:] == ["ada", "ada", "nurse-4"]


def test_a_decline_escalates_at_once(api: Api) -> None:
    page = create(api)

    with api.client("ada") as ada:
        declined = ada.post(f"/api/v1/pages/{page['id']}/decline", json={"reason": "scrubbed in"}).json()

    assert [(r["person_id"], r["state"]) for r in declined["recipients"]] == [
        ("ada", "declined"),
        ("cy", "delivered"),
    ]


def test_an_operator_reads_any_page_but_a_stranger_may_not(api: Api) -> None:
    page = create(api)

    with api.client("operator") as operator, api.client("ben") as ben:
        assert operator.get(f"/api/v1/pages/{page['id']}").status_code == 200
        refused = ben.get(f"/api/v1/pages/{page['id']}")

    assert refused.status_code == 403
    assert refused.json()["field"] == "page"


def error_of(
    api: Api, method: str, path: str, *, who: str | None = "nurse", **kwargs: Any
) -> tuple[int, Any]:
    with api.client(who) as client:
        response = client.request(method, path, **kwargs)
    return response.status_code, response.json()


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        (
            {**PAGE, "target": "post:wrad"},
            "target",
            "unknown post 'wrad' in target 'post:wrad': did you mean post:ward?",
        ),
        ({**PAGE, "target": "gs-night"}, "target", "unknown target 'gs-night'"),
        ({**PAGE, "body": "x" * 501}, "body", "body: String should have at most 500 characters"),
        ({**PAGE, "body": ""}, "body", "body: String should have at least 1 character"),
        ({**PAGE, "callback": "call me"}, "callback", "callback: String should match pattern"),
        ({**PAGE, "priority": "asap"}, "priority", "priority: Input should be 'routine', 'urgent' or 'stat'"),
        ({**PAGE, "colour": "red"}, "colour", "colour: Extra inputs are not permitted"),
        ({k: v for k, v in PAGE.items() if k != "target"}, "target", "target: Field required"),
    ],
    ids=[
        "an unknown post",
        "a target without a kind",
        "an oversized body",
        "an empty body",
        "a callback that is no number",
        "an unknown priority",
        "an unknown field",
        "a missing target",
    ],
)
def test_bad_pages_are_422_naming_the_field(
    api: Api, payload: dict[str, Any], field: str, message: str
) -> None:
    status, body = error_of(api, "POST", "/api/v1/pages", json=payload)

    assert status == 422
    assert body["field"] == field
    assert body["error"].startswith(message)


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "send the header `Authorization: Bearer <token>`"),
        ({"Authorization": "Bearer not-a-token"}, "unknown API token"),
        ({"Authorization": "Basic bnVyc2U6cGFzcw=="}, "send the header `Authorization: Bearer <token>`"),
    ],
    ids=["no token", "an unknown token", "not a bearer token"],
)
def test_bad_tokens_are_401(api: Api, headers: dict[str, str], message: str) -> None:
    with api.client() as client:
        response = client.post("/api/v1/pages", json=PAGE, headers=headers)

    assert response.status_code == 401
    assert response.json() == {"error": message, "field": "Authorization", "errors": []}
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_other_refusals_are_4xx_with_the_field(api: Api) -> None:
    page = create(api)
    path = f"/api/v1/pages/{page['id']}"

    assert error_of(api, "GET", "/api/v1/pages/99999")[0] == 404
    assert error_of(api, "GET", "/api/v1/pages/not-a-number")[1]["field"] == "path.page_id"
    assert error_of(api, "POST", f"{path}/ack", who="ben") == (
        403,
        {"error": f"ben is not a recipient of page {page['id']}", "field": "page", "errors": []},
    )
    assert error_of(api, "POST", f"{path}/decline", who="ada", json={"reason": ""})[1]["field"] == "reason"
    error_of(api, "POST", f"{path}/ack", who="ada")
    assert error_of(api, "POST", f"{path}/ack", who="ada")[0] == 409
    status, body = error_of(
        api,
        "POST",
        "/api/v1/pages",
        content=b"x" * 70_000,
        headers={**auth("nurse"), "Content-Type": "application/json"},
    )
    assert (status, body["field"]) == (413, "body")
