"""A sick-call repair on the stored demo roster: proposed, approved by the chief into a new,
audited roster version, and every person it moved paged with their new shifts; on SQLite and
PostgreSQL."""

from __future__ import annotations

import pytest

from callroom.changes.repairs import RepairAsk
from callroom.changes.types import WrongState
from callroom.errors import CallroomError, ErrorKind, NotAllowed
from callroom.solver.repair.request import RepairLimits
from callroom.solver.repair.words import diff
from callroom.storage import RosterRepository, RosterSource
from callroom.storage.changes_repositories import ChangeRepository
from tests.integration.changes.conftest import CHIEF, World
from tests.principals import person
from tests.repair_world import absence_days, residents_leaving_a_hole


def ask_for(world: World, **extra: object) -> RepairAsk:
    absent = residents_leaving_a_hole(world.program, world.roster)[0]
    days = absence_days()
    return RepairAsk(absent, days[0].isoformat(), days[-1].isoformat(), time_limit_s=20, **extra)  # type: ignore[arg-type]


def test_approving_a_repair_makes_an_audited_version_and_pages_everyone_it_moved(world: World) -> None:
    proposed = world.service.propose_repair(CHIEF, ask_for(world, note="sick call"))
    assert proposed.proposal.state == "accepted" and proposed.proposal.kind == "repair"
    assert world.pages.sent == []  # nobody hears of a proposal
    decision = world.service.approve(CHIEF, proposed.proposal.id, "covered the night")
    version = decision.version
    assert version is not None and version.number == 2 and version.parent_id == 1
    assert version.source is RosterSource.EDIT
    audit = version.report["change"]
    assert (audit["approved_by"], audit["reason"], audit["proposal_id"]) == (
        CHIEF.identity,
        "covered the night",
        proposed.proposal.id,
    )
    with world.database.reading() as session:
        stored = RosterRepository(session).load_roster(version.id)
    assert stored == proposed.result.roster
    moved = sorted({who for who, _, _, _ in diff(world.roster, stored)})
    assert list(decision.notified) == moved
    assert sorted(p for p, _, _ in world.pages.sent) == moved
    for who, page_id, text in world.pages.sent:
        assert page_id is not None and "Your new shifts" in text
        detail = world.paging.detail(person(who), page_id)
        assert [r.person_id for r in detail.recipients] == [who]
        assert detail.page.priority == "routine"
    assert decision.proposal.state == "approved" and decision.proposal.result_version_id == version.id
    events = [e.kind for e in world.service.get(CHIEF, proposed.proposal.id).events]
    assert events == ["proposed", "approved", "notified"]
    paged = world.service.get(CHIEF, proposed.proposal.id).events[-1].detail["pages"]
    assert paged == {person: page_id for person, page_id, _ in world.pages.sent}


def test_a_proposal_is_approved_only_once(world: World) -> None:
    proposed = world.service.propose_repair(CHIEF, ask_for(world))
    world.service.approve(CHIEF, proposed.proposal.id)
    with pytest.raises(WrongState):
        world.service.approve(CHIEF, proposed.proposal.id)
    with world.database.reading() as session:
        assert [v.number for v in RosterRepository(session).list_versions("st-elsewhere")] == [1, 2]


def test_only_a_chief_approves_or_proposes_a_repair(world: World) -> None:
    resident = person(world.program.people[0].id)
    with pytest.raises(NotAllowed):
        world.service.propose_repair(resident, ask_for(world))
    proposed = world.service.propose_repair(CHIEF, ask_for(world))
    with pytest.raises(NotAllowed) as refused:
        world.service.approve(resident, proposed.proposal.id)
    assert refused.value.kind is ErrorKind.NOT_ALLOWED and refused.value.field == "role"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"absent": "nobody-here"}, "absent"),
        ({"start": "2027-04-10", "end": "2027-04-12"}, "from"),
        ({"start": "tomorrow"}, "from"),
        (
            {"window_from": absence_days()[0].replace(year=2026), "window_to": absence_days()[0]},
            "window_from",
        ),
        ({"only": ("nobody-here",)}, "only"),
    ],
)
def test_bad_repair_input_names_the_field_and_stores_nothing(
    world: World, change: dict[str, object], field: str
) -> None:
    base = ask_for(world)
    values = {"absent": base.absent, "start": base.start, "end": base.end, "time_limit_s": 5.0, **change}
    with pytest.raises(CallroomError) as refused:
        world.service.propose_repair(CHIEF, RepairAsk(**values))  # type: ignore[arg-type]
    assert refused.value.field == field and refused.value.kind is ErrorKind.INVALID
    with world.database.reading() as session:
        assert ChangeRepository(session).listing(states=("accepted", "proposed", "open")) == []


def test_an_absence_over_leave_is_refused(world: World) -> None:
    on_leave = next(p for p in world.program.people if p.leave)
    first = on_leave.leave[0].start.isoformat()
    with pytest.raises(CallroomError) as refused:
        world.service.propose_repair(CHIEF, RepairAsk(on_leave.id, first, first))
    assert refused.value.field == "from" and "leave" in refused.value.message


def test_limits_reach_the_solver(world: World) -> None:
    days = absence_days()
    proposed = world.service.propose_repair(CHIEF, ask_for(world, window_from=days[0], window_to=days[-1]))
    assert proposed.proposal.payload["limits"]["window_from"] == days[0].isoformat()
    assert RepairLimits(window=(days[0], days[-1])).window == (days[0], days[-1])
