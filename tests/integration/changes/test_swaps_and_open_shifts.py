"""Swaps, offered shifts, days off and open shifts on the stored demo roster, on SQLite and
PostgreSQL: checked for everyone they touch before approval, refusals naming the rule and its
numbers, approval making a new version, and an open shift going to the first who accepts."""

from __future__ import annotations

import threading
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from callroom.accounts.principal import Principal
from callroom.changes.service import ChangeService
from callroom.changes.types import BreaksRules, RulesRefuse, WrongState
from callroom.domain.program import Program
from callroom.domain.roster import Assignment, Roster
from callroom.errors import ErrorKind, Invalid, NotAllowed
from callroom.rosters.live import LiveSchedules
from callroom.rosters.service import RosterService
from callroom.rules.change import Change, give_away, impact, swap
from callroom.rules.check import hard_violations
from callroom.rules.ids import COVER_MINIMUM
from callroom.storage import RosterRepository
from tests.integration.changes.conftest import CHIEF, ChangesApi, World
from tests.principals import person


def resident(world: World, person_id: str) -> Principal:
    return person(person_id)


def residents(program: Program) -> set[str]:
    return {p.id for p in program.people if p.grade.is_resident}


def fair_swap(program: Program, roster: Roster) -> tuple[Assignment, Assignment]:
    """Two residents' shifts on one day that they could trade without breaking a hard rule."""
    people = residents(program)
    for a in roster.assignments:
        for b in roster.assignments:
            if (
                a.day == b.day
                and a.shift_id == b.shift_id
                and a.post_id != b.post_id
                and {a.person_id, b.person_id} <= people
                and a.person_id < b.person_id
                and impact(program, roster, swap(a, b)).acceptable
            ):
                return a, b
    raise AssertionError("the demo roster has no fair swap")


def shift_after_call(program: Program, roster: Roster) -> tuple[Assignment, str]:
    """A colleague's shift the morning after a resident's 24-hour call, and that resident."""
    people = residents(program)
    for call in roster.assignments:
        if call.shift_id != "call" or call.person_id not in people:
            continue
        morning = call.day + timedelta(days=1)
        for a in roster.assignments:
            if (
                a.day == morning
                and a.person_id in people
                and a.person_id != call.person_id
                and roster.on(call.person_id, morning) is None
                and a.shift_id in ("day", "long")
            ):
                return a, call.person_id
    raise AssertionError("no shift follows a call in the demo roster")


def test_an_agreed_swap_is_checked_for_both_and_approved_into_a_new_version(world: World) -> None:
    mine, theirs = fair_swap(world.program, world.roster)
    me, colleague = resident(world, mine.person_id), resident(world, theirs.person_id)
    proposed = world.service.propose_swap(me, mine.day, colleague.identity, theirs.day, "family event")
    assert proposed.state == "proposed"
    assert [r.id for r in world.service.pending_for(colleague)] == [proposed.id]
    with pytest.raises(NotAllowed):
        world.service.accept(resident(world, "someone-else"), proposed.id)
    with pytest.raises(WrongState):  # the colleague has not agreed yet
        world.service.approve(CHIEF, proposed.id)
    assert world.service.accept(colleague, proposed.id).state == "accepted"
    assert [r.id for r in world.service.pending_for_chief(CHIEF)] == [proposed.id]
    check = world.service.check(CHIEF, proposed.id)
    assert check.acceptable and check.refusal is None
    decision = world.service.approve(CHIEF, proposed.id, "fine")
    assert decision.version is not None and decision.version.number == 2
    with world.database.reading() as session:
        stored = RosterRepository(session).load_roster(decision.version.id)
    assert stored == swap(mine, theirs).apply(world.roster)
    assert sorted(decision.notified) == sorted([me.identity, colleague.identity])
    assert world.service.pending_for_chief(CHIEF) == []


def test_a_shift_the_morning_after_a_call_is_refused_when_offered_naming_the_rule_and_its_numbers(
    world: World,
) -> None:
    shift, tired = shift_after_call(world.program, world.roster)
    expected = impact(world.program, world.roster, give_away(shift, tired)).hard
    assert expected, "the precondition: taking it would break a hard rule"

    with pytest.raises(BreaksRules) as refused:
        world.service.offer_shift(resident(world, shift.person_id), shift.day, tired)

    assert refused.value.kind is ErrorKind.INVALID and refused.value.field == "colleague"
    said = refused.value.message
    assert all(v.rule.cited in said and v.message in said for v in expected)
    assert not any(v.rule.code in said for v in expected)
    assert any(f"{v.limit:g}" in said for v in refused.value.violations if v.limit)
    assert world.service.pending_for(resident(world, shift.person_id)) == []  # nothing stored


def test_the_api_refuses_a_rule_breaking_offer_with_422_naming_the_rule(changes_api: ChangesApi) -> None:
    world = changes_api.world
    shift, tired = shift_after_call(world.program, world.roster)
    expected = impact(world.program, world.roster, give_away(shift, tired)).hard

    with changes_api.as_(shift.person_id) as http:
        answer = http.post("/api/v1/changes/offers", json={"day": shift.day.isoformat(), "colleague": tired})

    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert expected[0].rule.cited in str(body) and {v.rule.code for v in expected} <= {
        e["field"] for e in body["errors"]
    }
    with changes_api.as_(shift.person_id) as http:
        assert http.get("/api/v1/changes/pending").json() == []


def test_a_colleague_may_decline_and_a_requester_withdraw(world: World) -> None:
    mine, theirs = fair_swap(world.program, world.roster)
    me = resident(world, mine.person_id)
    first = world.service.propose_swap(me, mine.day, theirs.person_id, theirs.day)
    declined = world.service.decline(resident(world, theirs.person_id), first.id, "busy")
    assert declined.state == "declined" and declined.decision_reason == "busy"
    second = world.service.propose_swap(me, mine.day, theirs.person_id, theirs.day)
    with pytest.raises(NotAllowed):
        world.service.withdraw(resident(world, theirs.person_id), second.id)
    assert world.service.withdraw(resident(world, mine.person_id), second.id).state == "withdrawn"
    with pytest.raises(WrongState):
        world.service.accept(resident(world, theirs.person_id), second.id)


def test_a_day_off_that_leaves_cover_intact_is_approved_and_one_that_does_not_is_refused(
    world: World,
) -> None:
    program, roster = world.program, world.roster
    people = residents(program)

    def hard_if_removed(a: Assignment) -> set[str]:
        return {v.rule.code for v in impact(program, roster, Change(removed=(a,))).hard}

    spare = next(a for a in roster.assignments if a.person_id in people and not hard_if_removed(a))
    needed = next(
        a for a in roster.assignments if a.person_id in people and "cover.minimum" in hard_if_removed(a)
    )
    granted = world.service.request_day_off(resident(world, spare.person_id), spare.day, "wedding")
    refused = world.service.request_day_off(resident(world, needed.person_id), needed.day, "tired")
    with pytest.raises(RulesRefuse) as refusal:
        world.service.approve(CHIEF, refused.id)
    assert COVER_MINIMUM.title in refusal.value.message and "cover.minimum" not in refusal.value.message
    decision = world.service.approve(CHIEF, granted.id)
    assert decision.version is not None
    with world.database.reading() as session:
        stored = RosterRepository(session).load_roster(decision.version.id)
    assert stored.on(spare.person_id, spare.day) is None


def test_an_open_shift_goes_to_the_first_who_accepts_and_the_rest_hear_it_is_gone(world: World) -> None:
    program, roster = world.program, world.roster
    people = residents(program)
    hole = next(a for a in roster.assignments if a.person_id in people and a.shift_id == "day")
    published = world.service.publish_open_shift(CHIEF, hole.day, hole.shift_id, hole.post_id, hole.person_id)
    assert len(published.offered) >= 2, published.offered
    assert hole.person_id not in published.offered
    for taker in published.offered:
        assert impact(program, roster, give_away(hole, taker)).acceptable
    first, second = published.offered[:2]
    assert {p for p, _, text in world.pages.sent if text.startswith("Open shift")} == set(published.offered)
    outsider = next(p.id for p in program.people if p.id not in published.offered and p.id != hole.person_id)
    with pytest.raises(NotAllowed):
        world.service.take_open_shift(resident(world, outsider), published.proposal.id)
    taken = world.service.take_open_shift(resident(world, first), published.proposal.id)
    assert taken.version is not None
    assert taken.proposal.state == "filled" and taken.proposal.colleague == first
    with world.database.reading() as session:
        stored = RosterRepository(session).load_roster(taken.version.id)
    assert stored.on(first, hole.day) == Assignment(first, hole.day, hole.shift_id, hole.post_id)
    assert stored.on(hole.person_id, hole.day) is None
    with pytest.raises(WrongState) as late:
        world.service.take_open_shift(resident(world, second), published.proposal.id)
    assert "gone" in late.value.message or "taken" in late.value.message
    offers = {o.person_id: o.state for o in world.service.get(CHIEF, published.proposal.id).offers}
    assert offers[first] == "taken" and {s for p, s in offers.items() if p != first} == {"gone"}
    gone = {p for p, _, text in world.pages.sent if "taken by someone else" in text}
    assert gone == set(published.offered) - {first}
    assert sorted(taken.notified) == sorted([first, hole.person_id])


def test_only_a_chief_publishes_an_open_shift(world: World) -> None:
    hole = world.roster.assignments[0]
    with pytest.raises(NotAllowed):
        world.service.publish_open_shift(
            resident(world, hole.person_id), hole.day, hole.shift_id, hole.post_id
        )


def test_two_people_accepting_one_open_shift_at_once_cannot_both_win(world: World) -> None:
    people = residents(world.program)
    hole = next(a for a in world.roster.assignments if a.person_id in people and a.shift_id == "day")
    published = world.service.publish_open_shift(CHIEF, hole.day, hole.shift_id, hole.post_id, hole.person_id)
    takers = published.offered[:2]
    start = threading.Barrier(len(takers))
    outcomes: dict[str, str] = {}

    def accept(person: str) -> None:
        start.wait()
        try:
            world.service.take_open_shift(resident(world, person), published.proposal.id)
            outcomes[person] = "won"
        except WrongState:
            outcomes[person] = "gone"

    threads = [threading.Thread(target=accept, args=(p,)) for p in takers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes.values()) == ["gone", "won"]
    with world.database.reading() as session:
        assert [v.number for v in RosterRepository(session).list_versions("st-elsewhere")] == [1, 2]
    winner = next(p for p, outcome in outcomes.items() if outcome == "won")
    assert world.service.get(CHIEF, published.proposal.id).proposal.colleague == winner


def test_a_day_off_that_would_leave_a_hole_is_granted_with_a_repair(world: World) -> None:
    program, roster = world.program, world.roster
    people = residents(program)
    needed = next(
        a
        for a in roster.assignments
        if a.person_id in people
        and any(v.rule.code == "cover.minimum" for v in impact(program, roster, Change(removed=(a,))).hard)
    )
    asked = world.service.request_day_off(resident(world, needed.person_id), needed.day, "graduation")
    repaired = world.service.repair_day_off(CHIEF, asked.id)
    assert repaired.result.minimum_proven and repaired.result.changes is not None
    assert repaired.result.changes >= 2  # the day itself, and whoever fills the hole
    decision = world.service.approve(CHIEF, repaired.proposal.id)
    assert decision.version is not None
    granted = world.service.get(CHIEF, asked.id).proposal
    assert granted.state == "approved" and granted.result_version_id == decision.version.id
    with world.database.reading() as session:
        stored = RosterRepository(session).load_roster(decision.version.id)
    assert stored.on(needed.person_id, needed.day) is None
    assert hard_violations(program, stored) == []


def test_a_day_off_or_a_swap_of_a_day_already_past_is_refused_when_asked(world: World) -> None:
    """A week into the block, the days behind were worked as they were: nothing is stored."""
    program, roster = world.program, world.roster
    midway = datetime.combine(
        program.block.start + timedelta(days=7), time(12), ZoneInfo(program.hospital.timezone)
    )
    service = ChangeService(
        world.database, RosterService(world.database, LiveSchedules()), clock=lambda: midway
    )
    past = next(a for a in roster.assignments if a.person_id in residents(program) and a.day < midway.date())
    later = next(a for a in roster.assignments if a.person_id != past.person_id and a.day > midway.date())

    with pytest.raises(Invalid) as day_off:
        service.request_day_off(resident(world, past.person_id), past.day, "a day I missed")
    with pytest.raises(Invalid) as swapped:
        service.propose_swap(resident(world, past.person_id), past.day, later.person_id, later.day)

    assert day_off.value.field == swapped.value.field == "day"
    assert "has passed" in day_off.value.message
    assert service.pending_for_chief(CHIEF) == []
