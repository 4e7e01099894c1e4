"""The patient guard: who reads a case's patient, as a table; break-glass needs a typed reason,
is logged as such and shows in the review report; every try, allowed or refused, leaves one row
in an access log the database will not let anyone change; the retention purge removes the
identifiers and keeps the cases and case logs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from callroom.accounts.principal import Principal
from callroom.accounts.roles import Role
from callroom.domain.operating import CreditRole, LoggedCase
from callroom.errors import NotAllowed, NotFound
from callroom.operating.context import Programs
from callroom.operating.patients import on_service
from callroom.storage import Database
from tests.integration.operating.world import (
    ADMIN,
    ATTENDING,
    CHIEF,
    DAY,
    DIRECTOR,
    EVENING,
    NOW,
    OPERATOR,
    PATIENTS,
    World,
    day_csv,
    world,
)

ROUTE = "GET /api/v1/or/patient"


@pytest.fixture
def hospital(database: Database, database_url: str) -> Iterator[World]:
    """The demo with tomorrow's cases imported and assigned (a draft plan), on each database."""
    found = world(database, database_url, accounts=False)
    found.services.operating.import_day(CHIEF, day_csv(), "or-day.csv")
    found.services.operating.assign(CHIEF, DAY)
    yield found


def first_case(hospital: World) -> str:
    return hospital.services.operating.cases(CHIEF, DAY).cases[0].case.id


def resident(person_id: str) -> Principal:
    return Principal(person_id, Role.RESIDENT, person_id)


def people(hospital: World) -> dict[str, Principal]:
    """Someone of each kind the guard tells apart, for the first case."""
    board = hospital.services.operating.cases(CHIEF, DAY)
    case = board.cases[0]
    on_case = {r.role.person_id for r in case.roles}
    with hospital.database.reading() as session:
        found = Programs(hospital.services.rosters.schedules, lambda: NOW).on(session, DAY)
        service = on_service(found, case.case.service_id, DAY)
    everyone_on_a_case = {r.role.person_id for c in board.cases for r in c.roles}
    elsewhere = [r.person_id for r in board.residents if r.person_id not in service | everyone_on_a_case]
    colleague = sorted(service - everyone_on_a_case - set(case.case.continuity))
    attendings = [p.id for p in found.program.people if not p.grade.is_resident]
    other = next(a for a in attendings if a not in service and a != case.case.attending_id)
    return {
        "resident on the case": resident(sorted(on_case)[0]),
        "resident on its service that day": resident(colleague[0]),
        "resident elsewhere": resident(elsewhere[0]),
        "its attending": ATTENDING,
        "an attending off its service": Principal(other, Role.ATTENDING, other),
        "chief": CHIEF,
        "program director": DIRECTOR,
    }


WHO_READS = {  # without a reason
    "resident on the case": True,
    "resident on its service that day": True,
    "resident elsewhere": False,
    "its attending": True,
    "an attending off its service": False,
    "chief": True,
    "program director": True,
}


def test_who_reads_a_cases_patient_is_as_the_table_says_and_each_try_is_logged(hospital: World) -> None:
    case_id = first_case(hospital)
    found: dict[str, bool] = {}
    for kind, who in people(hospital).items():
        try:
            patient = hospital.services.operating.patient(who, case_id, route=ROUTE)
        except NotAllowed as refused:
            assert refused.field == "reason"
            found[kind] = False
        else:
            assert patient.mrn in PATIENTS
            found[kind] = True

    assert found == WHO_READS
    log = hospital.services.operating.access_log(DIRECTOR)
    assert len(log) == len(WHO_READS)
    assert sorted(row.outcome == "allowed" for row in log) == sorted(WHO_READS.values())
    assert all(row.route == ROUTE and row.case_id == case_id for row in log)


@pytest.mark.parametrize("who", [OPERATOR, ADMIN], ids=["operator", "admin"])
def test_operators_and_admins_never_read_a_patient(hospital: World, who: Principal) -> None:
    with pytest.raises(NotAllowed) as refused:
        hospital.services.operating.patient(who, first_case(hospital), route=ROUTE, reason="curious")

    assert refused.value.field == "permission"


def test_breaking_the_glass_needs_a_typed_reason_and_shows_in_the_report(hospital: World) -> None:
    case_id = first_case(hospital)
    outsider = people(hospital)["resident elsewhere"]

    with pytest.raises(NotAllowed):
        hospital.services.operating.patient(outsider, case_id, route=ROUTE, reason="   ")
    patient = hospital.services.operating.patient(outsider, case_id, route=ROUTE, reason="covering the floor")

    assert patient.mrn in PATIENTS
    report = hospital.services.operating.access_log(DIRECTOR, break_glass_only=True)
    assert [(r.username, r.reason, r.outcome) for r in report] == [
        (outsider.user, "covering the floor", "allowed"),
    ]


def test_a_break_glass_read_lets_the_same_person_read_again_for_an_hour_each_read_logged(
    hospital: World,
) -> None:
    case_id = first_case(hospital)
    outsider = people(hospital)["resident elsewhere"]
    hospital.services.operating.patient(outsider, case_id, route=ROUTE, reason="covering the floor")

    again = hospital.services.operating.patient(outsider, case_id, route=ROUTE)

    assert again.mrn in PATIENTS
    report = hospital.services.operating.access_log(DIRECTOR, break_glass_only=True)
    assert [r.reason for r in report] == ["covering the floor", "covering the floor"]


def test_the_access_log_refuses_update_and_delete(hospital: World) -> None:
    hospital.services.operating.patient(CHIEF, first_case(hospital), route=ROUTE)

    for statement in ("UPDATE phi_access_log SET reason = 'rewritten'", "DELETE FROM phi_access_log"):
        with pytest.raises(IntegrityError, match="refused"), hospital.database.engine.begin() as connection:
            connection.execute(text(statement))
    assert len(hospital.services.operating.access_log(DIRECTOR)) == 1


def test_the_purge_removes_identifiers_and_keeps_cases_and_case_logs(hospital: World) -> None:
    case_id = first_case(hospital)
    person = people(hospital)["resident on the case"]
    line = LoggedCase(person.identity, DAY, ("47562",), CreditRole.FA, case_id=case_id)
    hospital.at(EVENING).caselog.log(person, line)  # logged once the case is done
    month_later = hospital.at(NOW + timedelta(days=31)).operating
    assert month_later.purge(DIRECTOR, 31).patients_purged == 0

    purged = month_later.purge(DIRECTOR, 29)

    assert purged.patients_purged == len(PATIENTS)
    assert (purged.cases_kept, purged.case_logs_kept) == (3, 1)
    assert len(hospital.services.operating.cases(CHIEF, DAY).cases) == 3
    with pytest.raises(NotFound, match="purged"):
        hospital.services.operating.patient(CHIEF, case_id, route=ROUTE)
    assert month_later.purge(DIRECTOR, 29).patients_purged == 0


def test_importing_the_day_again_after_a_purge_brings_the_identifiers_back(hospital: World) -> None:
    hospital.at(NOW + timedelta(days=31)).operating.purge(DIRECTOR, 0)

    hospital.services.operating.import_day(CHIEF, day_csv(), "or-day.csv")

    assert hospital.services.operating.patient(CHIEF, first_case(hospital), route=ROUTE).mrn in PATIENTS
