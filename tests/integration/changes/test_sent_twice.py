"""A form sent twice makes one request: the same day off asked again, or the same shift published
again as an open shift, is refused naming the one already pending (SQLite and PostgreSQL); and
an open shift nobody can take is refused instead of waiting for a taker who cannot come."""

from __future__ import annotations

import pytest

from callroom.changes.offers import candidates
from callroom.errors import Conflict
from callroom.storage.changes_repositories import ChangeRepository
from tests.integration.changes.conftest import CHIEF, World
from tests.integration.changes.finds import free_to_take, residents
from tests.principals import person


def pending(world: World) -> list[int]:
    with world.database.reading() as session:
        return [p.id for p in ChangeRepository(session).listing(states=("proposed", "accepted", "open"))]


def test_the_same_day_off_asked_twice_is_one_request(world: World) -> None:
    shift, _ = free_to_take(world.program, world.roster)
    first = world.service.request_day_off(person(shift.person_id), shift.day, "wedding")
    with pytest.raises(Conflict) as again:
        world.service.request_day_off(person(shift.person_id), shift.day, "wedding")
    assert again.value.field == "day" and f"#{first.id}" in again.value.message
    assert pending(world) == [first.id]


def test_the_same_shift_published_twice_is_one_open_shift(world: World) -> None:
    shift, _ = free_to_take(world.program, world.roster)
    first = world.service.publish_open_shift(CHIEF, shift.day, shift.shift_id, shift.post_id, shift.person_id)
    with pytest.raises(Conflict) as again:
        world.service.publish_open_shift(CHIEF, shift.day, shift.shift_id, shift.post_id, shift.person_id)
    assert again.value.field == "slot" and f"#{first.proposal.id}" in again.value.message
    assert pending(world) == [first.proposal.id]


def test_an_open_shift_nobody_can_take_is_refused_and_nothing_is_stored(world: World) -> None:
    shift = next(
        a
        for a in world.roster.assignments
        if a.person_id in residents(world.program)
        and not candidates(world.program, world.roster, a, a.person_id)
    )
    with pytest.raises(Conflict) as nobody:
        world.service.publish_open_shift(CHIEF, shift.day, shift.shift_id, shift.post_id, shift.person_id)
    assert nobody.value.field == "slot" and "nobody can take" in nobody.value.message
    assert pending(world) == []
