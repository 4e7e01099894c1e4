"""Two sick calls one after the other on the stored demo roster, through the change service, on
SQLite and PostgreSQL: an approved absence stays a fact that every later repair, swap and open
shift respects, and a repair made before another was approved is made again on the newest
roster before it is approved. No approval ever leaves the absent resident on a shift that runs
into their absence."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from callroom.changes.repairs import RepairAsk
from callroom.changes.types import BreaksRules
from callroom.demo import demo_program_path
from callroom.domain.program import Program
from callroom.domain.roster import Assignment, Roster
from callroom.errors import Conflict
from callroom.formats.program_file import load_program
from callroom.rosters.edits import CellEdit
from callroom.rosters.live import LiveSchedules
from callroom.rosters.service import RosterService
from callroom.rules import ids
from callroom.rules.change import Change, impact, swap
from callroom.rules.penalties import score
from callroom.solver.run import Solution, Status
from callroom.storage import RosterRepository
from tests.integration.changes.conftest import CHIEF, World
from tests.principals import person
from tests.repair_world import (
    absence_days,
    free_resident_who_could_cover,
    overlapping,
    residents_leaving_a_hole,
    shifts_they_could_cover,
)


def sick(person_id: str, first: date, last: date | None = None, **limits: object) -> RepairAsk:
    """The chief's repair for a sick call from `first` to `last` (whole days)."""
    return RepairAsk(person_id, first.isoformat(), (last or first).isoformat(), time_limit_s=10, **limits)  # type: ignore[arg-type]


def newest(world: World) -> Roster:
    with world.database.reading() as session:
        rosters = RosterRepository(session)
        version = rosters.latest("st-elsewhere")
        assert version is not None
        return rosters.load_roster(version.id)


def still_holds(world: World, ask: RepairAsk) -> list[object]:
    """The shifts the newest roster gives the absent person that run into the absence."""
    return list(overlapping(world.program, newest(world), ask.absent, ask.start, ask.end))


def name(world: World, person_id: str) -> str:
    return world.program.person[person_id].name


# A second repair and the first sick resident.


def test_a_second_repair_never_puts_the_first_sick_resident_back_on_a_shift_in_their_absence(
    world: World,
) -> None:
    days = absence_days()
    first_ask = sick(residents_leaving_a_hole(world.program, world.roster)[0], days[0], days[-1])
    first = world.service.propose_repair(CHIEF, first_ask)
    world.service.approve(CHIEF, first.proposal.id, "sick call")
    # A colleague's shift the first resident could take, were she not off sick, whose loss
    # leaves a hole; the chief lets the second repair move her alone.
    shift = shifts_they_could_cover(world.program, newest(world), first_ask.absent, days)[0]
    second = world.service.propose_repair(CHIEF, sick(shift.person_id, shift.day, only=(first_ask.absent,)))
    payload = second.proposal.payload
    assert [m for m in payload["moves"] if m["person_id"] == first_ask.absent] == []
    assert payload["status"] == "short"
    absence = f"is off sick 10–12 Mar (approved with repair #{first.proposal.id})"
    assert f"  {name(world, first_ask.absent)}: {absence}" in payload["blockers"]
    world.service.approve(CHIEF, second.proposal.id, "second sick call")
    assert still_holds(world, first_ask) == []


def test_an_approved_absence_without_any_change_is_still_kept_by_the_next_repair(world: World) -> None:
    absent, shift = free_resident_who_could_cover(world.program, world.roster)
    first_ask = sick(absent, shift.day)
    first = world.service.propose_repair(CHIEF, first_ask)
    decided = world.service.approve(CHIEF, first.proposal.id)
    assert decided.proposal.state == "approved" and decided.version is None  # she held nothing then
    second = world.service.propose_repair(CHIEF, sick(shift.person_id, shift.day, only=(absent,)))
    assert [m for m in second.proposal.payload["moves"] if m["person_id"] == absent] == []
    world.service.approve(CHIEF, second.proposal.id)
    assert still_holds(world, first_ask) == []


# A repair proposed before another one was approved.


def test_a_repair_made_before_another_was_approved_is_made_again_on_the_newest_roster(world: World) -> None:
    absent, shift = free_resident_who_could_cover(world.program, world.roster)
    first_ask = sick(absent, shift.day)
    first = world.service.propose_repair(CHIEF, first_ask)
    second = world.service.propose_repair(CHIEF, sick(shift.person_id, shift.day, only=(absent,)))
    world.service.approve(CHIEF, second.proposal.id)
    assert still_holds(world, first_ask) != []  # the second repair put her on, not knowing
    with pytest.raises(Conflict) as refused:
        world.service.approve(CHIEF, first.proposal.id)
    message = refused.value.message
    assert f"proposal {first.proposal.id} no longer holds: the roster has moved on" in message
    found = re.search(r"the fresh repair is proposal (\d+)", message)
    assert found is not None
    fresh = int(found[1])
    assert [p.id for p in world.service.pending_for_chief(CHIEF)] == [fresh]
    events = world.service.get(CHIEF, first.proposal.id)
    assert events.proposal.state == "refused"
    assert [(e.kind, e.detail.get("by")) for e in events.events] == [
        ("proposed", None),
        ("superseded", fresh),
    ]
    world.service.approve(CHIEF, fresh, "sick call")
    assert still_holds(world, first_ask) == []


def test_a_repair_the_newer_roster_leaves_as_it_was_is_approved_as_proposed(world: World) -> None:
    days = absence_days()
    first_ask = sick(residents_leaving_a_hole(world.program, world.roster)[0], days[0], days[-1])
    first = world.service.propose_repair(CHIEF, first_ask)
    elsewhere = spare_shift_on_the_last_day(world)
    day_off = world.service.request_day_off(person(elsewhere.person_id), elsewhere.day, "wedding")
    assert world.service.approve(CHIEF, day_off.id).version is not None  # version 2
    decided = world.service.approve(CHIEF, first.proposal.id, "sick call")
    assert decided.version is not None and decided.version.number == 3
    assert decided.proposal.id == first.proposal.id
    assert first.result.roster is not None
    assert newest(world) == Roster.of(set(first.result.roster.assignments) - {elsewhere})


def spare_shift_on_the_last_day(world: World) -> Assignment:
    """A day shift on the block's last day that its holder, off the day before, could give up
    without leaving a hole."""
    last = world.program.block.end
    for a in sorted(world.roster.assignments, key=lambda a: a.person_id):
        free_before = world.roster.on(a.person_id, last - timedelta(days=1)) is None
        if (
            a.day == last
            and a.shift_id == "day"
            and free_before
            and impact(world.program, world.roster, Change(removed=(a,))).acceptable
        ):
            return a
    raise AssertionError("nobody can give up a day shift on the last day")


# Swaps, offered shifts, open shifts and cell edits onto an absent resident.


def offered_to(world: World, shift: Assignment) -> tuple[str, ...]:
    """Who the shift goes to as an open shift now: nobody, when the chief is told nobody can."""
    try:
        opened = world.service.publish_open_shift(
            CHIEF, shift.day, shift.shift_id, shift.post_id, shift.person_id
        )
    except Conflict as nobody:
        assert nobody.field == "slot" and "nobody can take" in nobody.message
        return ()
    return opened.offered


def test_no_swap_offer_open_shift_or_cell_edit_puts_an_absent_resident_on_and_each_names_the_absence(
    world: World,
) -> None:
    absent, shift = free_resident_who_could_cover(world.program, world.roster)
    holder, day = shift.person_id, shift.day.isoformat()
    opened = world.service.publish_open_shift(CHIEF, shift.day, shift.shift_id, shift.post_id, holder)
    assert absent in opened.offered
    offered = world.service.offer_shift(person(holder), shift.day, absent)
    world.service.accept(person(absent), offered.id)
    mine, theirs = next(  # a swap onto that day the rules allow now (else it is refused when asked)
        (a, b)
        for b in sorted(world.roster.assignments, key=lambda b: b.person_id)
        if b.day == shift.day and world.program.person[b.person_id].grade.is_resident
        for a in world.roster.for_person(absent)  # a day the colleague is free: one shift a day
        if a not in overlapping(world.program, world.roster, absent, day, day)
        and world.roster.on(b.person_id, a.day) is None
        and impact(world.program, world.roster, swap(a, b)).acceptable
    )
    swapped = world.service.propose_swap(person(absent), mine.day, theirs.person_id, theirs.day)
    world.service.accept(person(theirs.person_id), swapped.id)
    first = world.service.propose_repair(CHIEF, sick(absent, shift.day))
    world.service.approve(CHIEF, first.proposal.id, "sick call")
    words = (
        f"{name(world, absent)} is off sick {shift.day.day} Mar (approved with repair #{first.proposal.id})"
    )
    with pytest.raises(Conflict) as taking:
        world.service.take_open_shift(person(absent), opened.proposal.id)
    assert ids.ABSENCE.title in taking.value.message and words in taking.value.message
    for proposal in (offered.id, swapped.id):
        with pytest.raises(Conflict) as approving:
            world.service.approve(CHIEF, proposal)
        assert ids.ABSENCE.title in approving.value.message and words in approving.value.message
    world.service.withdraw(CHIEF, opened.proposal.id)  # one open shift a slot: publish it afresh
    assert absent not in offered_to(world, shift)
    rosters = RosterService(world.database, LiveSchedules())
    edit = CellEdit(absent, shift.day, shift.post_id, shift.shift_id, rosters.require_live().record.number)
    assert [words in v.message for v in rosters.check(edit).impact.hard if v.rule is ids.ABSENCE] == [True]


# A new solve of the program.


def test_a_new_solve_of_the_program_keeps_its_approved_absences(world: World) -> None:
    days = absence_days()
    first_ask = sick(residents_leaving_a_hole(world.program, world.roster)[0], days[0], days[-1])
    first = world.service.propose_repair(CHIEF, first_ask)
    world.service.approve(CHIEF, first.proposal.id, "sick call")
    rosters = RosterService(world.database, LiveSchedules())
    program = rosters.program_for_solve("st-elsewhere", load_program(demo_program_path()))
    assert [(a.person_id, a.proposal_id) for a in program.absences] == [(first_ask.absent, first.proposal.id)]
    with pytest.raises(Conflict) as refused:  # the first roster still has her on
        rosters.store_solution("st-elsewhere", demo_program_path(), solution(program, world.roster))
    assert f"{name(world, first_ask.absent)} is off sick 10–12 Mar" in refused.value.message
    repaired = first.result.roster
    assert repaired is not None
    stored = rosters.store_solution("st-elsewhere", demo_program_path(), solution(program, repaired))
    assert stored.number == 3


def solution(program: Program, roster: Roster) -> Solution:
    return Solution(Status.FEASIBLE, roster, 0, None, 0.0, None, report=score(program, roster))


# A granted day off.


def test_a_granted_day_off_stays_a_fact_later_changes_respect(world: World) -> None:
    absent, shift = free_resident_who_could_cover(world.program, world.roster)
    day_off = world.service.request_day_off(person(absent), shift.day, "family")
    assert world.service.approve(CHIEF, day_off.id).proposal.state == "approved"
    holder = shift.person_id
    assert absent not in offered_to(world, shift)
    with pytest.raises(BreaksRules) as offering:  # refused when asked
        world.service.offer_shift(person(holder), shift.day, absent)
    words = f"{name(world, absent)} has {shift.day.day} Mar off (day off #{day_off.id} approved)"
    assert words in offering.value.message and ids.ABSENCE.title in offering.value.message


def test_a_day_off_is_refused_while_the_night_before_runs_into_it(world: World) -> None:
    night = next(
        a
        for a in sorted(world.roster.assignments, key=lambda a: (a.day, a.person_id))
        if a.shift_id == "night"
        and a.day < world.program.block.end
        and world.roster.on(a.person_id, a.day + timedelta(days=1)) is None
    )
    day_off = world.service.request_day_off(person(night.person_id), night.day + timedelta(days=1))
    with pytest.raises(Conflict) as refused:
        world.service.approve(CHIEF, day_off.id)
    assert ids.ABSENCE.title in refused.value.message and "callroom repair" in refused.value.message
    assert world.service.get(CHIEF, day_off.id).proposal.state == "accepted"
