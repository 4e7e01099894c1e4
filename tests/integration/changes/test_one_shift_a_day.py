"""A change never gives anyone a second shift on a day they work: an offered shift to a colleague
who already holds that very shift (which would merge the two and lose one), or a swap onto a
day one already works, is refused when proposed and again when approved, naming the shift
already held; on SQLite and PostgreSQL, through the service and the API."""

from __future__ import annotations

import pytest

from callroom.changes.types import WrongState
from callroom.domain.program import Program
from callroom.domain.roster import Assignment
from callroom.errors import Invalid
from callroom.rosters.edits import CellEdit
from callroom.rosters.live import LiveSchedules
from callroom.rosters.service import RosterService
from callroom.storage import RosterRepository
from tests.integration.changes.conftest import CHIEF, ChangesApi, World
from tests.integration.changes.finds import free_to_take, held_by_two, residents
from tests.principals import person


def words(program: Program, held: Assignment) -> str:
    """How a refusal names the shift already held."""
    return (
        f"{program.person[held.person_id].name} already works {program.shift[held.shift_id].name} "
        f"on {program.post[held.post_id].name} on {held.day:%a %d %b}"
    )


def give_the_same_shift(world: World, to: str, shift: Assignment) -> None:
    """The chief puts `to` on the very shift `shift` holds (forced past cover maxima)."""
    edit = CellEdit(
        to,
        shift.day,
        shift.post_id,
        shift.shift_id,
        base_version=1,
        force=True,
        reason="cover for a sick call",
    )
    RosterService(world.database, LiveSchedules()).save(CHIEF, edit)


def version_numbers(world: World) -> list[int]:
    with world.database.reading() as session:
        return [v.number for v in RosterRepository(session).list_versions("st-elsewhere")]


def test_offering_a_shift_to_a_colleague_who_holds_that_same_shift_is_refused(world: World) -> None:
    mine, theirs = held_by_two(world.program, world.roster)

    with pytest.raises(Invalid) as refused:
        world.service.offer_shift(person(mine.person_id), mine.day, theirs.person_id, "dentist")

    assert refused.value.field == "colleague"
    assert refused.value.message == words(world.program, theirs)
    assert world.service.pending_for(person(mine.person_id)) == []


def test_a_swap_onto_a_day_the_requester_already_works_is_refused(world: World) -> None:
    program, roster = world.program, world.roster
    busy = next(
        (a, b)
        for a in roster.assignments
        for b in roster.assignments
        if {a.person_id, b.person_id} <= residents(program)
        and a.person_id != b.person_id
        and a.day != b.day
        and roster.on(a.person_id, b.day) is not None
        and roster.on(b.person_id, a.day) is None
    )
    mine, theirs = busy
    held = roster.on(mine.person_id, theirs.day)
    assert held is not None

    with pytest.raises(Invalid) as refused:
        world.service.propose_swap(person(mine.person_id), mine.day, theirs.person_id, theirs.day)

    assert refused.value.field == "colleague_day"
    assert refused.value.message == words(program, held)


def test_an_offer_the_colleague_can_no_longer_take_is_refused_at_approval_and_no_shift_is_lost(
    world: World,
) -> None:
    shift, colleague = free_to_take(world.program, world.roster)
    offered = world.service.offer_shift(person(shift.person_id), shift.day, colleague)
    give_the_same_shift(world, colleague, shift)
    world.service.accept(person(colleague), offered.id)

    with pytest.raises(WrongState) as refused:
        world.service.approve(CHIEF, offered.id)

    held = Assignment(colleague, shift.day, shift.shift_id, shift.post_id)
    assert words(world.program, held) in refused.value.message
    assert version_numbers(world) == [1, 2]
    assert world.service.get(CHIEF, offered.id).proposal.state == "accepted"


def test_the_api_refuses_the_offer_naming_the_colleague_and_then_the_approval(
    changes_api: ChangesApi,
) -> None:
    world = changes_api.world
    mine, theirs = held_by_two(world.program, world.roster)
    with changes_api.as_(mine.person_id) as http:
        same = http.post(
            "/api/v1/changes/offers", json={"day": mine.day.isoformat(), "colleague": theirs.person_id}
        )
    assert same.status_code == 422, same.text
    assert (same.json()["field"], same.json()["error"]) == ("colleague", words(world.program, theirs))

    shift, colleague = free_to_take(world.program, world.roster)
    with changes_api.as_(shift.person_id) as http:
        made = http.post(
            "/api/v1/changes/offers", json={"day": shift.day.isoformat(), "colleague": colleague}
        )
    assert made.status_code == 201, made.text
    give_the_same_shift(world, colleague, shift)
    proposal = made.json()["id"]
    with changes_api.as_(colleague) as http:
        assert http.post(f"/api/v1/changes/{proposal}/accept").status_code == 200
    with changes_api.as_(CHIEF.user) as http:
        approved = http.post(f"/api/v1/changes/{proposal}/approve", json={})

    assert approved.status_code == 409, approved.text
    held = Assignment(colleague, shift.day, shift.shift_id, shift.post_id)
    assert words(world.program, held) in approved.json()["error"]
    assert version_numbers(world) == [1, 2]
