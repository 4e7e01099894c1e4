"""A day's OR schedule from a FHIR R4 bundle: a good bundle reads into the same cases the CSV
gives, and every bad entry (no Patient, an unknown CPT code, an overlap in a room, 0 minutes, a
value the FHIR model refuses) is named by entry and element path, with nothing imported."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from callroom.errors import Invalid
from callroom.formats.cpt_table import default_cpt_table
from callroom.formats.or_cases_csv import ImportedDay, parse_or_cases
from callroom.formats.or_fhir import parse_or_bundle
from tests.unit.formats.or_fixtures import demo, fixture

CHOLE, WHIPPLE = 6, 8  # the Appointments' entries in the fixture


def _bundle() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(fixture("or_day.fhir.json"))
    return data


def _read(bundle: dict[str, Any] | str) -> ImportedDay:
    text = bundle if isinstance(bundle, str) else json.dumps(bundle)
    return parse_or_bundle(text, "day.json", program=demo(), table=default_cpt_table())


def _refused(bundle: dict[str, Any] | str) -> list[tuple[str | None, str, str]]:
    with pytest.raises(Invalid) as raised:
        _read(bundle)
    assert raised.value.field == "file" and "nothing was imported" in raised.value.message
    return [(d.extra.get("entry"), d.field, d.message) for d in raised.value.details]


def _appointment(bundle: dict[str, Any], entry: int) -> dict[str, Any]:
    found: dict[str, Any] = bundle["entry"][entry]["resource"]
    return found


def test_the_fixture_bundle_reads_into_cases_with_rooms_people_codes_and_services() -> None:
    day = _read(_bundle())

    assert day.day == date(2027, 3, 2)
    assert [c.id for c in day.cases] == ["2027-03-02/OR 1/07:30", "2027-03-02/OR 2/07:30"]
    whipple = day.cases[1]
    assert whipple.start == datetime(2027, 3, 2, 12, 30, tzinfo=UTC) and whipple.minutes == 360
    assert whipple.procedure == "Pancreaticoduodenectomy (Whipple)" and whipple.cpt_codes == ("48150",)
    assert whipple.attending_id == "nadia-rahimi"  # a Practitioner matched by name
    assert whipple.service_id == "gen-surg"  # from the service extension, by the service's name
    assert [(p.key, p.name, p.birth_date) for p in day.patients] == [
        ("mrn:MRN-100234", "Alma Whitcombe", date(1961, 4, 12)),  # the MR identifier, not the first
        ("mrn:MRN-101552", "Cecilia Marchbanks", None),
    ]


def test_a_case_reads_the_same_from_fhir_as_from_csv() -> None:
    from_fhir = _read(_bundle()).cases[0]
    from_csv = parse_or_cases(
        fixture("or_day.csv"), "day.csv", program=demo(), table=default_cpt_table()
    ).cases[0]

    assert from_fhir == from_csv


def test_a_cancelled_appointment_is_no_case() -> None:
    bundle = _bundle()
    _appointment(bundle, WHIPPLE)["status"] = "cancelled"
    _appointment(bundle, WHIPPLE)["participant"].pop(0)  # and what it lacks does not matter

    assert [c.id for c in _read(bundle).cases] == ["2027-03-02/OR 1/07:30"]


def test_an_appointment_whose_patient_is_not_in_the_bundle_is_refused_naming_the_entry() -> None:
    bundle = _bundle()
    del bundle["entry"][1]  # Cecilia: the Whipple's patient
    whipple = WHIPPLE - 1

    assert _refused(bundle) == [
        (
            str(whipple),
            f"entry[{whipple}].resource.participant[0].actor",
            "Patient/cecilia is not in the bundle",
        )
    ]


def test_an_appointment_without_a_patient_participant_is_refused() -> None:
    bundle = _bundle()
    _appointment(bundle, WHIPPLE)["participant"].pop(0)

    found = _refused(bundle)

    assert [(entry, path) for entry, path, _ in found] == [
        (str(WHIPPLE), f"entry[{WHIPPLE}].resource.participant")
    ]
    assert "no Patient" in found[0][2]


def test_an_unknown_cpt_code_is_refused_at_the_request_that_carries_it() -> None:
    bundle = _bundle()
    bundle["entry"][5]["resource"]["code"]["coding"][0]["code"] = "99999"

    assert _refused(bundle) == [
        (
            str(CHOLE),
            f"entry[{CHOLE}].resource.basedOn[0]",
            "CPT code 99999 is not in the program's CPT table",
        )
    ]


def test_a_case_overlapping_another_in_its_room_is_refused() -> None:
    bundle = _bundle()
    _appointment(bundle, WHIPPLE)["participant"][2] = {
        "actor": {"reference": "Location/or-1"},
        "status": "accepted",
    }

    found = _refused(bundle)

    assert found == [
        (
            str(WHIPPLE),
            f"entry[{WHIPPLE}].resource.start",
            f"overlaps the case of entry[{CHOLE}] in OR 1 (07:30–09:00)",
        )
    ]


@pytest.mark.parametrize(
    ("change", "element"),
    [({"minutesDuration": 0}, "minutesDuration"), ({"end": "2027-03-02T07:30:00-05:00"}, "end")],
)
def test_a_case_of_no_minutes_is_refused(change: dict[str, Any], element: str) -> None:
    bundle = _bundle()
    appointment = _appointment(bundle, CHOLE if element == "end" else WHIPPLE)
    appointment.update(change)
    index = CHOLE if element == "end" else WHIPPLE

    found = _refused(bundle)

    assert [(entry, path) for entry, path, _ in found] == [(str(index), f"entry[{index}].resource.{element}")]


def test_a_value_the_fhir_model_refuses_is_named_by_its_element_path() -> None:
    bundle = _bundle()
    _appointment(bundle, WHIPPLE)["start"] = "tomorrow morning"

    found = _refused(bundle)

    assert [(entry, path) for entry, path, _ in found] == [(str(WHIPPLE), f"entry[{WHIPPLE}].resource.start")]


def test_an_unknown_practitioner_and_service_are_refused() -> None:
    bundle = _bundle()
    _appointment(bundle, CHOLE)["participant"][1] = {
        "actor": {"reference": "Practitioner/x", "display": "Dr Nobody"},
        "status": "accepted",
    }
    _appointment(bundle, WHIPPLE)["extension"][0]["valueString"] = "orthopedics"

    found = _refused(bundle)

    assert [(entry, path) for entry, path, _ in found] == [
        (str(CHOLE), f"entry[{CHOLE}].resource.participant[1].actor"),
        (str(WHIPPLE), f"entry[{WHIPPLE}].resource.extension"),
    ]


def test_text_that_is_not_a_bundle_is_refused() -> None:
    assert _refused("not json")[0][1] == "bundle"
    assert _refused(json.dumps({"resourceType": "Patient"}))[0][1] == "resource_type"


def test_a_bundle_without_appointments_is_refused() -> None:
    with pytest.raises(Invalid, match="no Appointment"):
        _read({"resourceType": "Bundle", "type": "collection", "entry": []})
