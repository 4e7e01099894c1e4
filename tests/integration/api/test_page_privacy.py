"""Operators find who is on call and page them, but see no patient data beyond what they send:
the patient reference on someone else's page is blanked for them (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from callroom.accounts.roles import Role
from tests.integration.api.accounts_fixtures import RoleApi
from tests.integration.api.accounts_fixtures import role_api as role_api  # the fixture

PAGE = {
    "target": "team:ward",
    "body": "Bed 12: new chest pain",
    "callback": "x4410",
    "patient_ref": "MRN-0042",
}


def send(api: RoleApi, role: Role) -> dict[str, Any]:
    with api.as_role(role) as http:
        response = http.post("/api/v1/pages", json=PAGE)
    assert response.status_code == 201, response.text
    page: dict[str, Any] = response.json()
    return page


def read(api: RoleApi, role: Role, page_id: int) -> dict[str, Any]:
    with api.as_role(role) as http:
        found: dict[str, Any] = http.get(f"/api/v1/pages/{page_id}").json()
    return found


def test_an_operator_reads_a_clinicians_page_without_its_patient_reference(role_api: RoleApi) -> None:
    page = send(role_api, Role.ATTENDING)

    seen_by_operator = read(role_api, Role.OPERATOR, page["id"])
    seen_by_recipient = read(role_api, Role.RESIDENT, page["id"])

    assert (seen_by_operator["body"], seen_by_operator["patient_ref"]) == (PAGE["body"], None)
    assert seen_by_recipient["patient_ref"] == "MRN-0042"


def test_an_operator_sees_the_patient_reference_they_sent(role_api: RoleApi) -> None:
    page = send(role_api, Role.OPERATOR)

    assert page["sender"] == "operator"
    assert read(role_api, Role.OPERATOR, page["id"])["patient_ref"] == "MRN-0042"


def test_a_page_from_a_person_on_the_schedule_is_sent_as_that_person(role_api: RoleApi) -> None:
    page = send(role_api, Role.CHIEF)

    assert page["sender"] == "cy"  # the chief's account is linked to cy
