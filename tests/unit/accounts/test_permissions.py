"""The permission table keeps the promises of the product brief: operators page but see no
roster or patient data; residents act only for themselves; only the chief edits schedules; the
program director reads everything including duty hours, but declared conflicts are the chief's
alone; admins run accounts and reference data."""

from __future__ import annotations

import pytest

from callroom.accounts.demo import DEMO_ACCOUNTS
from callroom.accounts.permissions import ROLE_PERMISSIONS, Permission, allowed
from callroom.accounts.principal import Principal
from callroom.accounts.roles import Role
from callroom.demo import demo_program_path
from callroom.errors import NotAllowed
from callroom.formats.program_file import load_program
from callroom.paging.policy import OPERATOR_QUEUE

P = Permission


def holders(permission: Permission) -> set[Role]:
    return {role for role in Role if allowed(role, permission)}


def test_every_role_has_a_row() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role)


@pytest.mark.parametrize("role", list(Role))
def test_everyone_finds_who_is_on_call_and_pages_them(role: Role) -> None:
    assert {P.ONCALL_READ, P.PAGE_SEND, P.DIRECTORY_READ, P.ACCOUNT_SELF} <= ROLE_PERMISSIONS[role]


def test_operators_see_no_roster_and_no_patient_data_they_did_not_send() -> None:
    assert not allowed(Role.OPERATOR, P.ROSTER_READ)
    assert not allowed(Role.OPERATOR, P.PATIENT_READ)
    assert allowed(Role.OPERATOR, P.PAGE_ANY)


def test_only_the_chief_edits_schedules_and_approves() -> None:
    assert holders(P.ROSTER_EDIT) == {Role.CHIEF}
    assert holders(P.REQUEST_APPROVE) == {Role.CHIEF}


def test_residents_act_only_for_themselves() -> None:
    resident = ROLE_PERMISSIONS[Role.RESIDENT]
    assert {P.REQUEST_OWN, P.HOURS_LOG_OWN} <= resident
    assert not resident & {P.REQUEST_READ, P.HOURS_READ, P.ROSTER_EDIT, P.REQUEST_APPROVE}


def test_the_program_director_reads_everything_including_duty_hours_but_edits_nothing() -> None:
    director = ROLE_PERMISSIONS[Role.PROGRAM_DIRECTOR]
    reads = {p for p in Permission if p.value.endswith((":read", ":review"))} - {P.CONFLICTS_READ}
    assert reads <= director
    assert not director & {P.ROSTER_EDIT, P.REQUEST_APPROVE, P.ACCOUNTS_MANAGE, P.REFERENCE_EDIT}


def test_only_the_chief_reads_declared_conflicts_and_their_reasons() -> None:
    assert holders(P.CONFLICTS_READ) == {Role.CHIEF}


def test_only_admins_manage_accounts_and_reference_data() -> None:
    assert holders(P.ACCOUNTS_MANAGE) == holders(P.REFERENCE_EDIT) == {Role.ADMIN}


def test_a_principal_is_on_pages_as_its_person_and_an_operator_reads_the_queue() -> None:
    resident = Principal("ada.okafor", Role.RESIDENT, person_id="ada")
    operator = Principal("switchboard", Role.OPERATOR)

    assert (resident.identity, resident.can(P.PAGE_ANY), resident.inbox) == ("ada", False, "ada")
    assert (operator.identity, operator.can(P.PAGE_ANY), operator.inbox) == (
        "switchboard",
        True,
        OPERATOR_QUEUE,
    )


def test_the_demo_accounts_are_linked_to_people_of_the_demo_program_with_fitting_grades() -> None:
    program = load_program(demo_program_path())

    for demo in DEMO_ACCOUNTS:
        if demo.person_id is not None:
            person = program.person[demo.person_id]
            assert person.grade.is_resident == (demo.role in (Role.RESIDENT, Role.CHIEF)), demo


def test_a_refusal_names_the_role_in_plain_words_with_its_article() -> None:
    with pytest.raises(NotAllowed) as refused:
        Principal("op", Role.OPERATOR).require(Permission.OR_READ, "read the OR board")

    assert refused.value.message == "an operator may not read the OR board (or:read)"
    assert [role.a for role in (Role.ADMIN, Role.ATTENDING, Role.PROGRAM_DIRECTOR, Role.CHIEF)] == [
        "an admin",
        "an attending",
        "a program director",
        "a chief",
    ]
