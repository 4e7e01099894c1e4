"""A change request, its note and its rule check are read only by the people it touches (who
asked, the colleague named, everyone whose shifts it moves, those offered an open shift), the
chief and the program director: anyone else is refused with a 403 that says nothing of it. Over
the API on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from callroom.changes.repairs import RepairAsk
from tests.integration.changes.conftest import CHIEF, ChangesApi
from tests.integration.changes.finds import free_to_take, residents
from tests.principals import ADMIN, DIRECTOR, person
from tests.repair_world import absence_days, residents_leaving_a_hole

NOTE = "dentist"


def offered_with_a_note(api: ChangesApi) -> tuple[int, str, str]:
    """A resident offers a shift to a colleague with a private note: (id, who asked, colleague)."""
    world = api.world
    shift, colleague = free_to_take(world.program, world.roster)
    made = world.service.offer_shift(person(shift.person_id), shift.day, colleague, NOTE)
    return made.id, shift.person_id, colleague


def outsider(api: ChangesApi, *insiders: str) -> str:
    """A resident the change does not touch."""
    return min(residents(api.world.program) - set(insiders))


def read(api: ChangesApi, who: str, proposal: int) -> tuple[int, int]:
    """The status of reading the proposal, and of reading its check."""
    with api.as_(who) as http:
        return (
            http.get(f"/api/v1/changes/{proposal}").status_code,
            http.get(f"/api/v1/changes/{proposal}/check").status_code,
        )


def test_a_resident_it_does_not_touch_is_refused_the_change_and_its_check_and_learns_nothing(
    changes_api: ChangesApi,
) -> None:
    proposal, asked, colleague = offered_with_a_note(changes_api)
    nosy = outsider(changes_api, asked, colleague)

    with changes_api.as_(nosy) as http:
        answers = [http.get(f"/api/v1/changes/{proposal}"), http.get(f"/api/v1/changes/{proposal}/check")]

    for answer in answers:
        assert answer.status_code == 403 and answer.headers["content-type"].startswith("application/json")
        assert answer.json()["field"] == "proposal" and nosy in answer.json()["error"]
        assert NOTE not in answer.text and colleague not in answer.text


@pytest.mark.parametrize("who", ["asked", "colleague"])
def test_who_asked_and_the_colleague_named_read_the_change_and_its_check(
    changes_api: ChangesApi, who: str
) -> None:
    proposal, asked, colleague = offered_with_a_note(changes_api)
    reader = asked if who == "asked" else colleague

    assert read(changes_api, reader, proposal) == (200, 200)
    with changes_api.as_(reader) as http:
        assert http.get(f"/api/v1/changes/{proposal}").json()["proposal"]["note"] == NOTE


@pytest.mark.parametrize("who", [CHIEF.user, DIRECTOR.user], ids=["chief", "program-director"])
def test_the_chief_and_the_program_director_read_any_change_and_its_check(
    changes_api: ChangesApi, who: str
) -> None:
    proposal, _, _ = offered_with_a_note(changes_api)

    assert read(changes_api, who, proposal) == (200, 200)


def test_an_admin_and_an_attending_it_does_not_touch_are_refused(changes_api: ChangesApi) -> None:
    proposal, _, _ = offered_with_a_note(changes_api)
    attending = next(p.id for p in changes_api.world.program.people if not p.grade.is_resident)

    assert read(changes_api, ADMIN.user, proposal) == (403, 403)
    assert read(changes_api, attending, proposal) == (403, 403)


def test_everyone_whose_shifts_a_repair_moves_reads_it_and_no_one_else(changes_api: ChangesApi) -> None:
    world = changes_api.world
    days = absence_days()
    absent = residents_leaving_a_hole(world.program, world.roster)[0]
    repair = world.service.propose_repair(
        CHIEF, RepairAsk(absent, days[0].isoformat(), days[-1].isoformat(), time_limit_s=20)
    ).proposal
    moved = {a["person_id"] for a in (*repair.payload["removed"], *repair.payload["added"])}
    assert absent in moved and len(moved) > 1

    assert {who: read(changes_api, who, repair.id) for who in moved} == {who: (200, 200) for who in moved}
    assert read(changes_api, outsider(changes_api, *moved), repair.id) == (403, 403)


def test_the_holder_of_an_open_shift_and_everyone_offered_it_read_it(changes_api: ChangesApi) -> None:
    world = changes_api.world
    hole = next(
        a for a in world.roster.assignments if a.person_id in residents(world.program) and a.shift_id == "day"
    )
    published = world.service.publish_open_shift(CHIEF, hole.day, hole.shift_id, hole.post_id, hole.person_id)
    insiders = {hole.person_id, *published.offered}
    proposal = published.proposal.id

    assert {who: read(changes_api, who, proposal) for who in insiders} == {
        who: (200, 200) for who in insiders
    }
    assert read(changes_api, outsider(changes_api, *insiders), proposal) == (403, 403)
