"""Declared conflicts are private. A swap that would put a declared pair on one team is refused
by a check that names the pair only to the chief (with the program's reason) and to the member
of the pair it moves; the resident who asked and the program director read only that a
confidential rule forbids it. The same holds for the what-if and for taking an open shift.
Through the services and the API, on SQLite and PostgreSQL."""

from __future__ import annotations

from functools import cache

import pytest

from callroom.accounts.principal import Principal
from callroom.changes.types import BreaksRules, Check, RulesRefuse
from callroom.domain.program import Conflict
from callroom.domain.roster import Assignment
from callroom.errors import ErrorKind
from callroom.hours.service import HoursService
from callroom.rosters.edits import CellEdit
from callroom.rosters.live import LiveSchedules
from callroom.rosters.service import RosterService
from callroom.rules.privacy import CONFIDENTIAL
from callroom.rules.whatif import WhatIf
from tests.conflicts import ConflictSwap, conflict_hole, conflict_swap, conflict_take, store_accepted
from tests.integration.changes.conftest import CHIEF, ChangesApi, World
from tests.principals import DIRECTOR, person
from tests.repair_world import demo_roster

SECRETS = ("declared conflict", "general.conflict")


def proposed(world: World) -> tuple[ConflictSwap, int]:
    """The swap proposed by the requester and accepted by the colleague before the roster moved
    on to where it breaks the conflict."""
    found = conflict_swap(world.program, world.roster)
    return found, store_accepted(world.database, "st-elsewhere", found)


def test_the_resident_proposing_it_is_refused_at_once_reading_only_that_a_confidential_rule_forbids_it(
    world: World,
) -> None:
    found = conflict_swap(world.program, world.roster)

    with pytest.raises(BreaksRules) as refused:
        world.service.propose_swap(person(found.requester), found.mine.day, found.colleague, found.theirs.day)

    said = refused.value.message
    assert refused.value.kind is ErrorKind.INVALID and "confidential rule" in said
    assert name(world, found.partner) not in said and found.conflict.reason not in said
    assert world.service.pending_for(person(found.requester)) == []


def name(world: World, person_id: str) -> str:
    return world.program.person[person_id].name


def checked(world: World, reader: Principal, proposal: int) -> Check:
    check = world.service.check(reader, proposal)
    assert not check.acceptable and check.refusal is not None
    return check


def test_the_resident_who_asked_reads_only_that_a_confidential_rule_forbids_the_swap(world: World) -> None:
    found, proposal = proposed(world)

    check = checked(world, person(found.requester), proposal)

    assert CONFIDENTIAL in [v.rule for v in check.introduced]
    assert "confidential rule" in (check.refusal or "")
    assert name(world, found.partner) not in (check.refusal or "")
    assert not any(secret in (check.refusal or "") for secret in (*SECRETS, found.conflict.reason))
    assert not any(found.partner == v.person_id or v.pair for v in check.introduced)


def test_the_program_director_reads_only_the_confidential_rule_too(world: World) -> None:
    found, proposal = proposed(world)

    refusal = checked(world, DIRECTOR, proposal).refusal or ""

    assert "confidential rule" in refusal and name(world, found.partner) not in refusal
    assert found.conflict.reason not in refusal and "declared conflict" not in refusal


def test_the_member_of_the_pair_it_moves_reads_the_conflict_as_the_rule_says_without_the_reason(
    world: World,
) -> None:
    found, proposal = proposed(world)

    refusal = checked(world, person(found.colleague), proposal).refusal or ""

    assert "declared conflict" in refusal and name(world, found.partner) in refusal
    assert found.conflict.reason not in refusal and "confidential" not in refusal


def test_the_chief_reads_both_names_and_the_reason_in_the_check_and_the_refusal(world: World) -> None:
    found, proposal = proposed(world)
    both = (name(world, found.colleague), name(world, found.partner))

    refusal = checked(world, CHIEF, proposal).refusal or ""
    with pytest.raises(RulesRefuse) as refused:
        world.service.approve(CHIEF, proposal)

    for text in (refusal, refused.value.message):
        assert all(n in text for n in both) and found.conflict.reason in text


def test_the_api_check_names_the_pair_only_to_the_chief(changes_api: ChangesApi) -> None:
    world = changes_api.world
    found, proposal = proposed(world)

    bodies = {}
    for who in (found.requester, DIRECTOR.user, found.colleague, CHIEF.user):
        with changes_api.as_(who) as http:
            answer = http.get(f"/api/v1/changes/{proposal}/check")
        assert answer.status_code == 200, answer.text
        bodies[who] = answer.json()

    for outside in (found.requester, DIRECTOR.user):
        rules = [v["rule"] for v in bodies[outside]["introduced"]]
        assert "confidential" in rules and "general.conflict" not in rules
        assert name(world, found.partner) not in str(bodies[outside])
        assert found.partner not in str(bodies[outside])
    assert name(world, found.partner) in bodies[found.colleague]["refusal"]
    assert found.conflict.reason not in str(bodies[found.colleague])
    assert found.conflict.reason in bodies[CHIEF.user]["refusal"]


# The what-if: would a resident in a declared pair break a rule by taking a shift beside the other?


def whatif(world: World, reader: Principal, take: Assignment) -> WhatIf:
    hours = HoursService(world.database, LiveSchedules())
    return hours.whatif(reader, take.person_id, f"{take.day}:{take.shift_id}:{take.post_id}")


def texts(answer: WhatIf) -> str:
    return " ".join(f.text for f in answer.findings)


def test_the_what_if_names_the_conflict_to_the_member_and_with_its_reason_to_the_chief(world: World) -> None:
    take, conflict = conflict_take(world.program, world.roster)
    partner = conflict.second if take.person_id == conflict.first else conflict.first

    own = texts(whatif(world, person(take.person_id), take))
    chief = texts(whatif(world, CHIEF, take))

    assert "declared conflict" in own and name(world, partner) in own and conflict.reason not in own
    assert conflict.reason in chief and name(world, partner) in chief


def test_the_what_if_a_program_director_asks_about_a_resident_names_no_one(world: World) -> None:
    take, conflict = conflict_take(world.program, world.roster)
    partner = conflict.second if take.person_id == conflict.first else conflict.first

    answer = whatif(world, DIRECTOR, take)

    assert not answer.acceptable and CONFIDENTIAL in [f.violation.rule for f in answer.findings]
    assert name(world, partner) not in texts(answer) and "declared conflict" not in texts(answer)


def test_the_what_if_api_names_no_one_to_the_program_director(changes_api: ChangesApi) -> None:
    world = changes_api.world
    take, conflict = conflict_take(world.program, world.roster)
    body = {"person": take.person_id, "take": f"{take.day}:{take.shift_id}:{take.post_id}"}

    with changes_api.as_(DIRECTOR.user) as http:
        director = http.post("/api/v1/whatif", json=body)
    with changes_api.as_(CHIEF.user) as http:
        chief = http.post("/api/v1/whatif", json=body)

    assert director.status_code == chief.status_code == 200, (director.text, chief.text)
    assert "confidential" in [f["violation"]["rule"] for f in director.json()["findings"]]
    assert "general.conflict" not in director.text and conflict.reason not in director.text
    assert conflict.reason in chief.text


# Taking an open shift: the taker is always in the pair, so they read it as the rule says.


@cache
def hole_beside_a_partner() -> tuple[Assignment, str, Conflict]:
    return conflict_hole(*demo_roster())


def test_a_resident_who_takes_an_open_shift_beside_their_partner_is_refused_without_the_reason(
    world: World,
) -> None:
    held, member, conflict = hole_beside_a_partner()
    partner = conflict.second if member == conflict.first else conflict.first
    beside = world.roster.on(partner, held.day)
    assert beside is not None
    rosters = RosterService(world.database, LiveSchedules())
    rosters.save(CHIEF, CellEdit(partner, held.day, None, None, base_version=1, force=True, reason="away"))
    published = world.service.publish_open_shift(CHIEF, held.day, held.shift_id, held.post_id, held.person_id)
    assert member in published.offered
    rosters.save(
        CHIEF,
        CellEdit(
            partner,
            held.day,
            beside.post_id,
            beside.shift_id,
            base_version=2,
            force=True,
            reason="back after all",
        ),
    )

    with pytest.raises(RulesRefuse) as refused:
        world.service.take_open_shift(person(member), published.proposal.id)

    message = refused.value.message
    assert "declared conflict" in message and name(world, partner) in message
    assert conflict.reason not in message


def test_a_forced_edit_across_a_conflict_leaves_only_a_confidential_rule_in_the_audit_all_read(
    world: World,
) -> None:
    take, conflict = conflict_take(world.program, world.roster)
    partner = conflict.second if take.person_id == conflict.first else conflict.first
    edit = CellEdit(
        take.person_id,
        take.day,
        take.post_id,
        take.shift_id,
        base_version=1,
        force=True,
        reason="needed on that team",
    )

    saved = RosterService(world.database, LiveSchedules()).save(CHIEF, edit)

    audit = saved.version.report["edit"]
    said = " ".join([*audit["hard"], *audit["introduced"]])
    assert audit["forced"] and "confidential rule" in said
    assert name(world, partner) not in said and "declared conflict" not in said
