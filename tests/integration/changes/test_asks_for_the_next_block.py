"""Requests for the next block (leave, a day off, a wish) wait for the chief; approved ones are in
the program the next solve uses. And a chief's cell edit tells the people it moves."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from callroom.changes.ahead import AheadAsk
from callroom.domain.absence import AbsenceKind, ApprovedAbsence
from callroom.domain.program import Block, Program
from callroom.errors import Conflict, Invalid
from callroom.rosters.edits import CellEdit
from callroom.rosters.live import LiveSchedules
from callroom.rosters.service import RosterService
from callroom.rosters.wishes import PREFERENCE_WEIGHT, Ahead
from callroom.solver.run import SolveOptions, solve
from callroom.storage.changes_repositories import AbsenceRepository, ChangeRepository, NewAbsence, NewProposal
from tests.integration.changes.conftest import CHIEF, ChangesApi, World
from tests.principals import person


def next_block(program: Program) -> Program:
    """The demo's program for the four weeks after its block, solved without looking back."""
    start = program.block.end + timedelta(days=1)
    return dataclasses.replace(program, block=Block(start, program.block.days), history=None)


def resident_of(world: World) -> str:
    return next(p.id for p in world.program.people if p.grade.is_resident)


def test_leave_in_the_next_block_waits_for_the_chief_and_once_approved_the_next_solve_keeps_it(
    world: World,
) -> None:
    me, ahead = resident_of(world), next_block(world.program)
    rosters = RosterService(world.database, LiveSchedules())
    options = SolveOptions(time_limit_s=3, workers=1, seed=0)
    unasked = solve(rosters.program_for_solve("st-elsewhere", ahead), options).roster
    assert unasked is not None
    worked = sorted(a.day for a in unasked.for_person(me))
    first, last = worked[0], worked[0] + timedelta(days=4)
    assert any(first <= a.day <= last for a in unasked.for_person(me)), "it would work those days"

    asked = world.service.ask_ahead(person(me), AheadAsk(Ahead.VACATION, first, last, note="wedding"))
    assert asked.state == "accepted" and asked in world.service.pending_for_chief(CHIEF)
    still = solve(rosters.program_for_solve("st-elsewhere", ahead), options).roster
    assert still is not None and any(first <= a.day <= last for a in still.for_person(me))

    decided = world.service.approve(CHIEF, asked.id, "enjoy")
    assert decided.version is None and decided.proposal.state == "approved"
    kept = solve(rosters.program_for_solve("st-elsewhere", ahead), options).roster
    assert kept is not None and not [a for a in kept.for_person(me) if first <= a.day <= last]
    assert [r.state for r in world.service.asked_ahead(person(me))] == ["approved"]


def test_an_approved_wish_is_a_soft_request_of_the_next_solve_and_a_refused_one_is_not(world: World) -> None:
    me, ahead = resident_of(world), next_block(world.program)
    day = ahead.block.start + timedelta(days=3)
    night = next(s.id for s in world.program.shift_types if s.kind.value == "night")
    wanted = world.service.ask_ahead(person(me), AheadAsk(Ahead.AVOID, day, day + timedelta(days=1), night))
    unwanted = world.service.ask_ahead(person(me), AheadAsk(Ahead.PREFER_ON, day + timedelta(days=7), day))
    world.service.approve(CHIEF, wanted.id)
    world.service.decline(CHIEF, unwanted.id, "cover is thin that week")

    program = RosterService(world.database, LiveSchedules()).program_for_solve("st-elsewhere", ahead)

    added = set(program.person[me].requests) - set(world.program.person[me].requests)
    assert {(r.day, r.on, r.shift_id, r.weight) for r in added} == {
        (day, False, night, PREFERENCE_WEIGHT),
        (day + timedelta(days=1), False, night, PREFERENCE_WEIGHT),
    }
    states = {r.id: (r.state, r.decision_reason) for r in world.service.asked_ahead(person(me))}
    assert states == {wanted.id: ("approved", ""), unwanted.id: ("refused", "cover is thin that week")}


def test_a_request_for_the_next_block_names_the_field_it_cannot_use_and_is_made_once(world: World) -> None:
    me = person(resident_of(world))
    end = world.program.block.end
    with pytest.raises(Invalid) as inside:
        world.service.ask_ahead(me, AheadAsk(Ahead.DAY_OFF, end, end))
    assert inside.value.field == "first" and f"{end:%d %b %Y}" in inside.value.message
    after = end + timedelta(days=2)
    with pytest.raises(Invalid) as backwards:
        world.service.ask_ahead(me, AheadAsk(Ahead.VACATION, after, after - timedelta(days=1)))
    assert backwards.value.field == "last"
    with pytest.raises(Invalid) as no_shift:
        world.service.ask_ahead(me, AheadAsk(Ahead.AVOID, after, after, "no-such-shift"))
    assert no_shift.value.field == "shift"
    world.service.ask_ahead(me, AheadAsk(Ahead.DAY_OFF, after, after))
    with pytest.raises(Conflict):
        world.service.ask_ahead(me, AheadAsk(Ahead.DAY_OFF, after, after))


def test_a_chiefs_cell_edit_sends_each_person_it_moves_a_notice_of_the_shifts_changed(world: World) -> None:
    held = next(a for a in sorted(world.roster.assignments, key=lambda a: a.day) if a.day.day > 3)
    edit = CellEdit(held.person_id, held.day, None, None, base_version=1, force=True, reason="away")

    saved = world.service.edit_cell(CHIEF, edit)

    sent = [(who, page, text) for who, page, text in world.pages.sent if who == held.person_id]
    assert saved.version.number == 2 and len(sent) == 1
    _, page_id, text = sent[0]
    shift = world.program.shift[held.shift_id].name
    assert text.startswith("Roster changed (version 2).") and f"{held.day:%a %d %b}: off (was {shift}" in text
    assert page_id is not None
    detail = world.paging.detail(person(held.person_id), page_id)
    assert detail.page.deadline is None  # a notice: it never escalates


def test_the_api_takes_an_ask_for_the_next_block_lists_it_and_names_the_field_of_a_bad_one(
    changes_api: ChangesApi,
) -> None:
    world = changes_api.world
    me = resident_of(world)
    first = world.program.block.end + timedelta(days=5)
    with changes_api.as_(me) as http:
        made = http.post(
            "/api/v1/changes/ahead",
            json={
                "what": "vacation",
                "first": first.isoformat(),
                "last": (first + timedelta(days=2)).isoformat(),
            },
        )
        inside = http.post(
            "/api/v1/changes/ahead", json={"what": "day_off", "first": world.program.block.end.isoformat()}
        )
        listed = http.get("/api/v1/changes/ahead")

    assert made.status_code == 201, made.text
    assert made.json()["state"] == "accepted" and made.json()["payload"]["ahead"] == "vacation"
    assert inside.status_code == 422 and inside.json()["field"] == "first"
    assert [p["id"] for p in listed.json()] == [made.json()["id"]]


def test_an_absence_approved_under_one_block_of_a_year_is_read_by_its_other_blocks_and_no_other_program(
    world: World,
) -> None:
    at = datetime(2027, 4, 1, tzinfo=UTC)
    with world.database.session() as session:
        asked = ChangeRepository(session).add(
            NewProposal("y/block-05", "day_off", "approved", 1, "x", None, {"day": "2027-04-01"}, "", at)
        )
        leave = ApprovedAbsence("x", at, at + timedelta(days=1), AbsenceKind.DAY_OFF, asked.id, "day_off")
        AbsenceRepository(session).add(NewAbsence("y/block-05", leave, "chief", at))

    with world.database.reading() as session:
        absences = AbsenceRepository(session)
        read = {name: [r.absence for r in absences.of_program(name)] for name in NAMES}

    assert read == {
        "y/block-05": [leave],
        "y/block-06": [leave],
        "y2/block-06": [],
        "y": [],
        "st-elsewhere": [],
    }


NAMES = ("y/block-05", "y/block-06", "y2/block-06", "y", "st-elsewhere")
