"""A repair's declared shortfalls excuse exactly the cover they name (rule, post, shift, day and
grades, as the cover checker reports it), and no other requirement of the same slot."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from callroom.changes.repairs import RepairAsk, payload
from callroom.changes.workflow import check_change
from callroom.domain.grades import Grade, GradeRange
from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.paging.routing import Schedule
from callroom.rosters.audit import assignment_json
from callroom.rosters.live import Live
from callroom.rules import ids
from callroom.rules.violations import CoverKey
from callroom.solver.repair.staged import RepairOptions, RepairStatus, repair
from callroom.storage.changes_repositories import ProposalRecord
from callroom.storage.records import RosterSource, RosterVersionRecord
from tests.factories import CALL, day, demand, need, person, post, program, roster
from tests.unit.solver.test_repair_short import absent, call_ward, published

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def context(program_: Program, roster_: Roster) -> Live:
    version = RosterVersionRecord(1, 1, 1, 1, None, NOW, RosterSource.SOLVE, "optimal", 0, 0, {})
    return Live("ward", version, Schedule(program_, roster_, version.id))


def proposal(body: dict[str, Any]) -> ProposalRecord:
    return ProposalRecord(
        1, "ward", "repair", "pending", 1, "chief", None, body, "", NOW, None, None, None, None, 1
    )


def senior_night() -> Program:
    """One call a night that needs a resident and, among them, a PGY-3+."""
    people = [person("ann", Grade.PGY3), person("bo", Grade.PGY1)]
    return program(
        people,
        shifts=[CALL],
        posts=[post("ward", ["call"])],
        days=1,
        demands=[
            demand("ward", "call", need(minimum=1, grades="residents"), need(minimum=1, grades="PGY-3+"))
        ],
    )


def cover_key(grades: str) -> dict[str, str]:
    return CoverKey(ids.COVER_MINIMUM.code, "ward", "call", day(0), GradeRange.parse(grades).label).as_json()


def test_it_accepts_a_repair_whose_only_broken_cover_is_the_shortfall_it_declared() -> None:
    ward = call_ward()
    result = repair(ward, published(), absent(ward, "ann", 0, 3), options=RepairOptions(time_limit_s=10))
    assert result.status is RepairStatus.SHORT
    ctx = context(ward, published())
    body = payload(ctx, RepairAsk("ann", str(day(0)), str(day(3))), result)
    assert body["shortfall_keys"] == [s.key.as_json() for s in result.shortfalls]
    assert check_change(ctx, proposal(body)).acceptable
    assert not check_change(ctx, proposal({**body, "shortfall_keys": []})).acceptable


def test_it_refuses_another_requirement_of_the_same_slot_that_the_repair_did_not_declare() -> None:
    ctx = context(senior_night(), roster(("ann", 0, "call")))
    removed = {"removed": [assignment_json(a) for a in ctx.roster.assignments], "added": []}
    only_senior = check_change(ctx, proposal({**removed, "shortfall_keys": [cover_key("PGY-3+")]}))
    assert not only_senior.acceptable
    assert [v.cover for v in only_senior.introduced] == [CoverKey.from_json(cover_key("residents"))]
    both = [cover_key("PGY-3+"), cover_key("residents")]
    assert check_change(ctx, proposal({**removed, "shortfall_keys": both})).acceptable
