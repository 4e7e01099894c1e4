"""Sick-call repair on the demo hospital: no hard violation, and the fewest changed person-days,
proven by solving the same repair with the change count as the only objective to optimality."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.rules import ids
from callroom.rules.change import Change
from callroom.rules.check import hard_violations
from callroom.rules.cover import cover_slots
from callroom.solver.repair.direct import direct_repair, lower_bound
from callroom.solver.repair.request import Absence, RepairLimits, parse_instant
from callroom.solver.repair.staged import RepairOptions, RepairStatus, minimum_changes, repair
from callroom.solver.repair.words import as_change, diff
from tests.repair_world import ABSENCE_START, absence_days, demo_roster, residents_leaving_a_hole

SEARCH = RepairOptions(time_limit_s=20, polish_s=0.5, direct=False)
DIRECT = RepairOptions(time_limit_s=20, polish_s=0.5)
PROOF = RepairOptions(time_limit_s=60)


@pytest.fixture(scope="module")
def demo() -> tuple[Program, Roster]:
    return demo_roster()


def three_days(program: Program, person_id: str) -> Absence:
    days = absence_days()
    return Absence(
        person_id,
        parse_instant(days[0].isoformat(), program, "from"),
        parse_instant(days[-1].isoformat(), program, "to", end=True),
    )


def assert_sound(program: Program, published: Roster, repaired: Roster, absence: Absence) -> None:
    assert hard_violations(program, repaired) == []
    zone = ZoneInfo(program.hospital.timezone)
    for a in repaired.for_person(absence.person_id):
        shift = program.shift[a.shift_id]
        start = datetime.combine(a.day, shift.start, zone)
        end = start + timedelta(minutes=shift.duration_minutes)
        assert end <= absence.start or start >= absence.end, f"{a} overlaps the absence"
    assert published != repaired


def first_direct(program: Program, published: Roster) -> str:
    """A resident whose hole colleagues can fill one move each (the direct repair applies)."""
    return next(
        p
        for p in residents_leaving_a_hole(program, published)
        if direct_repair(program, published, three_days(program, p), RepairLimits()) is not None
    )


@pytest.mark.parametrize("options", [DIRECT, SEARCH], ids=["direct", "search"])
def test_a_three_day_absence_that_leaves_a_hole_is_repaired_with_the_proven_fewest_changes(
    demo: tuple[Program, Roster], options: RepairOptions
) -> None:
    program, published = demo
    absent = first_direct(program, published)
    absence = three_days(program, absent)
    result = repair(program, published, absence, options=options)
    assert result.status is RepairStatus.REPAIRED and result.roster is not None
    assert result.method == ("direct" if options.direct else "search")
    assert_sound(program, published, result.roster, absence)
    status, fewest = minimum_changes(program, published, absence, options=PROOF)
    assert status == "optimal"
    assert result.changes == fewest == len(diff(published, result.roster))
    assert result.minimum_proven
    lost = sum(1 for a in published.for_person(absent) if a.day in absence_days())
    assert fewest > lost  # someone else had to move: the hole was real


def test_a_hole_that_needs_a_chain_of_moves_is_repaired_with_the_proven_fewest_changes_without_the_search(
    demo: tuple[Program, Roster],
) -> None:
    program, published = demo
    absent = next(
        p
        for p in residents_leaving_a_hole(program, published)
        if direct_repair(program, published, three_days(program, p), RepairLimits()) is None
    )
    absence = three_days(program, absent)
    result = repair(program, published, absence, options=DIRECT)
    assert result.status is RepairStatus.REPAIRED and result.roster is not None
    assert (result.method, result.minimum_proven) == ("chain", True)
    assert_sound(program, published, result.roster, absence)
    status, fewest = minimum_changes(program, published, absence, options=PROOF)
    assert status == "optimal"
    assert result.changes == fewest == len(diff(published, result.roster))
    bound = lower_bound(program, published, absence)
    assert bound is not None and fewest == bound.changes + 1  # past the bound: one move more


def test_a_shift_that_would_run_into_the_absence_changes_and_the_absence_explains_it(
    demo: tuple[Program, Roster],
) -> None:
    program, published = demo
    absent = next(
        p
        for p in residents_leaving_a_hole(program, published)
        if any(
            a.day == ABSENCE_START - timedelta(days=1) and a.shift_id == "night"
            for a in published.for_person(p)
        )
    )
    absence = three_days(program, absent)
    result = repair(program, published, absence, options=DIRECT)
    assert result.roster is not None and result.minimum_proven
    assert_sound(program, published, result.roster, absence)
    eve = [m for m in result.moves if m.person_id == absent and m.day == ABSENCE_START - timedelta(days=1)]
    assert eve and eve[0].reasons[0].startswith("absent")
    assert minimum_changes(program, published, absence, options=PROOF) == ("optimal", result.changes)


def test_each_move_says_which_rule_made_it_necessary(demo: tuple[Program, Roster]) -> None:
    program, published = demo
    absent = residents_leaving_a_hole(program, published)[0]
    result = repair(program, published, three_days(program, absent), options=DIRECT)
    others = [m for m in result.moves if m.person_id != absent]
    assert others and all(m.reasons for m in result.moves)
    assert any(ids.COVER_MINIMUM.code in reason for m in others for reason in m.reasons)
    assert all(m.reasons[0].startswith("absent") for m in result.moves if m.person_id == absent and m.before)


def test_a_repair_inside_a_window_changes_no_day_outside_it_but_the_absent_persons_lost_shifts(
    demo: tuple[Program, Roster],
) -> None:
    program, published = demo
    absent = residents_leaving_a_hole(program, published)[0]
    window = (ABSENCE_START, ABSENCE_START + timedelta(days=2))
    result = repair(
        program, published, three_days(program, absent), RepairLimits(window=window), options=SEARCH
    )
    assert result.roster is not None and result.status is RepairStatus.REPAIRED
    outside = [
        (who, after)
        for who, day, _, after in diff(published, result.roster)
        if not window[0] <= day <= window[1]
    ]
    assert all(who == absent and after is None for who, after in outside)


def test_a_repair_moves_only_the_people_on_the_backup_list(demo: tuple[Program, Roster]) -> None:
    program, published = demo
    absent = residents_leaving_a_hole(program, published)[0]
    unlimited = repair(program, published, three_days(program, absent), options=DIRECT)
    first_choice = {m.person_id for m in unlimited.moves} - {absent}
    backup = frozenset(p.id for p in program.people if p.id not in first_choice | {absent})
    result = repair(
        program, published, three_days(program, absent), RepairLimits(movable=backup), options=SEARCH
    )
    assert result.roster is not None and result.status is RepairStatus.REPAIRED
    moved = {person for person, _, _, _ in diff(published, result.roster)}
    assert moved <= backup | {absent} and moved - {absent}
    assert hard_violations(program, result.roster) == []


def test_an_absence_with_no_shifts_changes_nothing(demo: tuple[Program, Roster]) -> None:
    program, published = demo
    around = {ABSENCE_START - timedelta(days=1), ABSENCE_START}  # a night before runs into the day
    idle = next(
        p.id
        for p in program.people
        if not any(a.day in around for a in published.for_person(p.id)) and ABSENCE_START not in p.leave_dates
    )
    day = ABSENCE_START.isoformat()
    absence = Absence(idle, parse_instant(day, program, "from"), parse_instant(day, program, "to", end=True))
    result = repair(program, published, absence, options=DIRECT)
    assert result.changes == 0 and result.moves == () and result.roster == published


def test_an_absence_given_as_wall_clock_times_rules_out_only_overlapping_shifts(
    demo: tuple[Program, Roster],
) -> None:
    program, published = demo
    absent = residents_leaving_a_hole(program, published)[0]
    day = date.fromisoformat("2027-03-10")
    absence = Absence(
        absent, parse_instant(f"{day}T20:00", program, "from"), parse_instant(f"{day}T23:00", program, "to")
    )
    result = repair(program, published, absence, options=DIRECT)
    assert result.roster is not None
    assert_sound(program, published, result.roster, absence) if result.changes else None


def one_day(program: Program, person_id: str, day: date) -> Absence:
    return Absence(
        person_id,
        parse_instant(day.isoformat(), program, "from"),
        parse_instant(day.isoformat(), program, "to", end=True),
    )


def short_twice_in_one_slot(program: Program, roster: Roster, skip: str) -> tuple[str, date]:
    """The first resident and day (the absence must not touch leave) whose shift, crossed off,
    leaves one post's shift short on two requirements at once (a resident and a PGY-3+): one
    colleague of the right grade mends both."""
    for day in program.block.dates():
        for person in program.people:
            if not person.grade.is_resident or person.id == skip or day in person.leave_dates:
                continue
            gone = tuple(a for a in roster.for_person(person.id) if a.day == day)
            after = Change(removed=gone).apply(roster)
            short = Counter(
                (s.day, s.demand.post_id, s.demand.shift_id)
                for s in cover_slots(program, after)
                if s.count < s.requirement.minimum
            )
            if any(n >= 2 for n in short.values()):
                return person.id, day
    raise AssertionError("no absence leaves one slot short on two requirements")


def test_a_second_sick_call_on_a_repaired_roster_claims_no_more_than_the_proven_minimum(
    demo: tuple[Program, Roster],
) -> None:
    program, published = demo
    first = residents_leaving_a_hole(program, published)[0]
    once = repair(program, published, three_days(program, first), options=DIRECT)
    assert once.roster is not None
    repaired = as_change(once.moves).apply(published)
    assert repaired == once.roster
    absence = one_day(program, *short_twice_in_one_slot(program, repaired, skip=first))
    result = repair(program, repaired, absence, options=DIRECT)
    status, fewest = minimum_changes(program, repaired, absence, options=PROOF)
    assert status == "optimal" and result.roster is not None
    assert result.minimum_proven and result.changes == fewest == len(diff(repaired, result.roster))
