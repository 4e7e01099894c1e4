"""A chief's evening on the OR board, step by step on one database: import tomorrow's cases,
assign them, try a move that breaks a rule (refused, nothing saved), make one that keeps them,
publish (each resident told, no patient named), import the same file again (nothing changes, the
plan stays), then import the next day."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from callroom.accounts.principal import Principal
from callroom.accounts.roles import Role
from callroom.domain.operating import CreditRole
from callroom.errors import Conflict
from callroom.operating.types import DayBoard
from callroom.storage import open_database
from tests.integration.operating.world import (
    ATTENDING,
    CHIEF,
    DAY,
    DIRECTOR,
    NEXT_DAY,
    NEXT_PATIENTS,
    PATIENTS,
    World,
    day_csv,
    world,
)


@pytest.fixture(scope="module")
def hospital(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One database for the whole sequence: each step finds what the one before it left."""
    url = f"sqlite:///{tmp_path_factory.mktemp('or-day') / 'callroom.db'}"
    with open_database(url) as database:
        yield world(database, url, accounts=False)


def team(board: DayBoard) -> dict[str, set[tuple[str, CreditRole]]]:
    return {c.case.id: {(r.role.person_id, r.role.role) for r in c.roles} for c in board.cases}


def unavailable(board: DayBoard, case_id: str) -> str:
    """A resident the day's availability keeps off the case (post-call, off service, on leave)."""
    return next(p for (c, p), why in board.availability.items() if c == case_id and why is not None)


def free(board: DayBoard, case_id: str) -> str:
    """A resident free for the case and on no case of the day yet."""
    busy = {r.role.person_id for c in board.cases for r in c.roles}
    return next(
        p for (c, p), why in board.availability.items() if c == case_id and why is None and p not in busy
    )


def added_as_first_assistant(hospital: World, board: DayBoard, case_id: str) -> tuple[str, DayBoard]:
    """A free resident the rules let the chief add to the case (a declared conflict may keep one
    off), and the board after the move."""
    busy = {r.role.person_id for c in board.cases for r in c.roles}
    for (case, person), why in board.availability.items():
        if case == case_id and why is None and person not in busy:
            try:
                return person, hospital.services.operating.move(CHIEF, DAY, case_id, person, CreditRole.FA)
            except Conflict:
                continue
    raise AssertionError(f"nobody may be added to {case_id}")


def test_1_importing_a_day_stores_its_cases_and_their_patients(hospital: World) -> None:
    imported = hospital.services.operating.import_day(CHIEF, day_csv(), "or-day.csv")

    assert imported.days == (DAY,)
    assert len(imported.added) == 3 and imported.patients == len(PATIENTS)
    board = hospital.services.operating.cases(CHIEF, DAY)
    assert [c.case.room for c in board.cases] == ["OR 1", "OR 2", "OR 1"]
    assert board.plan is None


def test_2_assigning_stores_a_draft_plan_with_a_surgeon_on_every_case(hospital: World) -> None:
    assigned = hospital.services.operating.assign(CHIEF, DAY)

    assert assigned.board.plan is not None and assigned.board.plan.number == 1
    assert not assigned.board.plan.published
    assert all(any(r.role.role.is_surgeon for r in c.roles) for c in assigned.board.cases)
    assert assigned.board.problems == ()


def test_2b_a_resident_reading_the_board_while_only_a_draft_exists_sees_no_plan(hospital: World) -> None:
    drafted = hospital.services.operating.cases(CHIEF, DAY)
    on_draft = next(r.role.person_id for c in drafted.cases for r in c.roles)
    reader = Principal(on_draft, Role.RESIDENT, on_draft)

    board = hospital.services.operating.cases(reader, DAY)

    assert board.plan is None and board.published is None
    assert all(c.roles == () for c in board.cases)
    assert hospital.services.operating.my_cases(reader, DAY) == ()


def test_3_a_move_that_breaks_a_rule_is_refused_and_nothing_is_saved(hospital: World) -> None:
    before = hospital.services.operating.cases(CHIEF, DAY)
    case_id = before.cases[0].case.id
    kept_off = unavailable(before, case_id)

    with pytest.raises(Conflict) as refused:
        hospital.services.operating.move(CHIEF, DAY, case_id, kept_off, CreditRole.FA)

    assert str(before.availability[case_id, kept_off]) in refused.value.message
    after = hospital.services.operating.cases(CHIEF, DAY)
    assert after.plan == before.plan and team(after) == team(before)


def test_4_a_move_that_keeps_the_rules_is_stored_as_the_next_draft(hospital: World) -> None:
    before = hospital.services.operating.cases(CHIEF, DAY)
    case_id = before.cases[0].case.id
    helper = free(before, case_id)

    after = hospital.services.operating.move(CHIEF, DAY, case_id, helper, CreditRole.FA)

    assert after.plan is not None and after.plan.number == 2 and not after.plan.published
    assert team(after)[case_id] == team(before)[case_id] | {(helper, CreditRole.FA)}


def test_4b_a_move_made_on_an_older_plan_version_is_refused(hospital: World) -> None:
    before = hospital.services.operating.cases(CHIEF, DAY)
    case_id = before.cases[-1].case.id

    with pytest.raises(Conflict, match="changed since you opened it"):
        hospital.services.operating.move(CHIEF, DAY, case_id, None, CreditRole.FA, base_plan=1)

    assert hospital.services.operating.cases(CHIEF, DAY).plan == before.plan


def test_4c_a_move_that_changes_nothing_stores_no_version(hospital: World) -> None:
    before = hospital.services.operating.cases(CHIEF, DAY)
    case = before.cases[0]
    holder = case.roles[0].role

    after = hospital.services.operating.move(CHIEF, DAY, case.case.id, holder.person_id, holder.role)

    assert after.plan == before.plan


def test_5_publishing_tells_each_resident_their_cases_without_naming_a_patient(hospital: World) -> None:
    published = hospital.services.operating.publish(CHIEF, DAY, base_plan=2)

    on_plan = {r.role.person_id for c in published.board.cases for r in c.roles}
    assert {person for person, _ in published.notified} == on_plan and published.not_reached == ()
    for person, page_id in published.notified:
        body = hospital.services.paging.detail(Principal(person, Role.RESIDENT, person), page_id).page.body
        assert "OR 1" in body or "OR 2" in body
        assert not any(mrn in body or name in body for mrn, name in PATIENTS.items())
    assert published.board.published is not None and published.board.published.number == 3


def test_6_a_resident_reads_their_published_cases(hospital: World) -> None:
    board = hospital.services.operating.cases(CHIEF, DAY)
    person = board.cases[0].roles[0].role.person_id

    mine = hospital.services.operating.my_cases(Principal(person, Role.RESIDENT, person), DAY)

    assert board.cases[0].case.id in {c.case.id for c in mine}


def test_6b_after_a_move_past_publication_others_still_read_the_published_plan(hospital: World) -> None:
    published = hospital.services.operating.cases(CHIEF, DAY)
    case_id = published.cases[-1].case.id
    helper, drafted = added_as_first_assistant(hospital, published, case_id)

    assert drafted.plan is not None and not drafted.plan.published
    for reader in (ATTENDING, DIRECTOR, Principal(helper, Role.RESIDENT, helper)):
        board = hospital.services.operating.cases(reader, DAY)
        assert board.plan == published.plan and team(board) == team(published)
        assert helper not in {r.role.person_id for c in board.cases for r in c.roles}


def test_7_importing_the_same_file_again_changes_nothing_and_keeps_the_plan(hospital: World) -> None:
    before = hospital.services.operating.cases(CHIEF, DAY)

    again = hospital.services.operating.import_day(CHIEF, day_csv(), "or-day.csv")

    assert (again.added, again.changed, again.removed) == ((), (), ())
    assert len(again.unchanged) == 3
    after = hospital.services.operating.cases(CHIEF, DAY)
    assert after.plan == before.plan and team(after) == team(before)


def test_8_the_next_day_is_imported_beside_it(hospital: World) -> None:
    imported = hospital.services.operating.import_day(CHIEF, day_csv(NEXT_DAY), "or-next.csv")

    assert imported.days == (NEXT_DAY,) and len(imported.added) == 1
    assert imported.patients == len(NEXT_PATIENTS)
    assert len(hospital.services.operating.cases(CHIEF, DAY).cases) == 3
    assert hospital.services.operating.cases(CHIEF, NEXT_DAY).plan is None
