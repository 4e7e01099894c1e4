"""Open-shift offers over random rosters: nobody the rules exclude is ever offered the shift, and
everyone the rules allow is. The judge is the full `check_all` on the whole roster, before and
after, not the scoped `impact` the offers are computed with."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callroom.changes.offers import candidates, take_change
from callroom.domain.grades import Grade
from callroom.domain.program import Leave, Program
from callroom.domain.roster import Assignment, Roster
from callroom.rules.check import hard_violations
from tests.factories import day, demand, need, person, post, program

DAYS = 7
SHIFTS = ("day", "night", "call", "home", "clinic")
NAMES = ("ann", "bo", "cy", "di", "ed", "fay")


@st.composite
def worlds(draw: st.DrawFn) -> tuple[Program, Roster, Assignment, str | None]:
    grades = draw(
        st.lists(
            st.sampled_from([Grade.PGY1, Grade.PGY3, Grade.PGY5, Grade.ATTENDING]),
            min_size=len(NAMES),
            max_size=len(NAMES),
        )
    )
    on_leave = draw(st.sampled_from([None, *NAMES]))
    people = [
        person(n, g, leave=[Leave(day(2), day(3))] if n == on_leave else [])
        for n, g in zip(NAMES, grades, strict=True)
    ]
    ward = program(
        people,
        posts=[post("ward", SHIFTS, new_patients=draw(st.booleans()))],
        days=DAYS,
        demands=[demand("ward", "night", need(minimum=0, maximum=2))],
    )
    cells = draw(
        st.lists(st.sampled_from([None, *SHIFTS]), min_size=len(NAMES) * DAYS, max_size=len(NAMES) * DAYS)
    )
    roster = Roster.of(
        Assignment(n, day(d), shift, "ward")
        for i, n in enumerate(NAMES)
        for d in range(DAYS)
        if (shift := cells[i * DAYS + d]) is not None and not (n == on_leave and d in (2, 3))
    )
    slot_day, shift = day(draw(st.integers(0, DAYS - 1))), draw(st.sampled_from(SHIFTS))
    holders = [a.person_id for a in roster.assignments if (a.day, a.shift_id) == (slot_day, shift)]
    holder = draw(st.sampled_from([None, *holders]))
    return ward, roster, Assignment(holder or "", slot_day, shift, "ward"), holder


def may_take(ward: Program, roster: Roster, slot: Assignment, holder: str | None, who: str) -> bool:
    """Judged from scratch: eligible, free that day, and no hard violation the roster lacked."""
    someone = ward.person[who]
    if who == holder or someone.unavailable(slot.day) or roster.on(who, slot.day) is not None:
        return False
    if not ward.may_work(someone, slot.post_id, slot.shift_id):
        return False
    after = take_change(slot, who, holder).apply(roster)
    return not set(hard_violations(ward, after)) - set(hard_violations(ward, roster))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_an_open_shift_is_offered_to_exactly_the_people_the_rules_allow(
    world: tuple[Program, Roster, Assignment, str | None],
) -> None:
    ward, roster, slot, holder = world
    offered = candidates(ward, roster, slot, holder)
    allowed = [p.id for p in ward.people if may_take(ward, roster, slot, holder, p.id)]
    assert offered == allowed


def test_a_resident_just_off_a_24_hour_call_is_not_offered_the_next_day() -> None:
    ward = program(
        [person("ann", Grade.PGY2), person("bo", Grade.PGY2)], posts=[post("ward", SHIFTS)], days=3
    )
    roster = Roster.of([Assignment("ann", day(0), "call", "ward")])
    slot = Assignment("", day(1), "day", "ward")
    assert candidates(ward, roster, slot, None) == ["bo"]


def test_nobody_on_leave_is_offered_a_shift() -> None:
    ward = program(
        [person("ann", leave=[Leave(day(1), day(1))]), person("bo")], posts=[post("ward", SHIFTS)], days=3
    )
    assert candidates(ward, Roster.of([]), Assignment("", day(1), "day", "ward"), None) == ["bo"]
