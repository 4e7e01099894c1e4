"""A repair nobody can fully cover says so: which post goes short, by how much, and what stops
each colleague; and bad repair input is refused naming the field, before any solving."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from callroom.domain.grades import Grade
from callroom.domain.program import Conflict, Leave, Program
from callroom.domain.roster import Roster
from callroom.errors import Invalid
from callroom.rules.check import hard_violations
from callroom.solver.repair.request import Absence, RepairError, RepairLimits, check_repair, parse_instant
from callroom.solver.repair.staged import RepairOptions, RepairStatus, minimum_changes, repair
from callroom.solver.repair.words import Shortfall, blockers
from tests.factories import CALL, CLINIC, day, demand, need, person, post, program, roster

OPTIONS = RepairOptions(time_limit_s=10, polish_s=0.2)


def call_ward(**leave: tuple[int, int]) -> Program:
    """Three PGY-3s share a 24-hour call every night of a six-day block: two calls each is all
    the every-third-night rule allows, so nobody has a call to spare."""
    people = [
        person(p, Grade.PGY3, leave=[Leave(day(leave[p][0]), day(leave[p][1]))] if p in leave else [])
        for p in ("ann", "bo", "cy")
    ]
    return program(
        people,
        shifts=[CALL],
        posts=[post("ward", ["call"])],
        days=6,
        demands=[demand("ward", "call", need(minimum=1, grades="PGY-3+"))],
    )


def _rows() -> list[tuple[str, int, str]]:
    return [
        ("ann", 0, "call"),
        ("bo", 1, "call"),
        ("cy", 2, "call"),
        ("ann", 3, "call"),
        ("bo", 4, "call"),
        ("cy", 5, "call"),
    ]


def published() -> Roster:
    return roster(*_rows())


def absent(program_: Program, who: str, first: int, last: int) -> Absence:
    return Absence(
        who,
        parse_instant(day(first).isoformat(), program_, "from"),
        parse_instant(day(last).isoformat(), program_, "to", end=True),
    )


def test_the_published_ward_keeps_every_hard_rule() -> None:
    assert hard_violations(call_ward(), published()) == []


def test_a_hole_nobody_can_fill_is_reported_as_the_least_bad_roster_with_its_shortfall() -> None:
    ward = call_ward()
    absence = absent(ward, "ann", 0, 3)
    result = repair(ward, published(), absence, options=OPTIONS)
    assert result.status is RepairStatus.SHORT and result.roster is not None
    assert result.short_by == 1 and len(result.shortfalls) == 1
    short = result.shortfalls[0]
    assert (short.post_id, short.shift_id, short.minimum, short.short) == ("ward", "call", 1, 1)
    assert "Ward" in short.describe(ward) and "short by 1" in short.describe(ward)
    assert result.violations == ()  # nothing but the declared shortfall is broken
    assert result.blockers[0] == short.describe(ward)
    assert any("acgme" in line for line in result.blockers[1:]), result.blockers
    assert minimum_changes(ward, published(), absence, options=OPTIONS)[0] == "infeasible"


def test_a_hole_colleagues_can_fill_is_repaired_in_full() -> None:
    ward = call_ward()
    absence = absent(ward, "ann", 0, 1)
    result = repair(ward, published(), absence, options=OPTIONS)
    assert result.status is RepairStatus.REPAIRED and result.roster is not None
    assert hard_violations(ward, result.roster) == []
    assert result.minimum_proven
    assert minimum_changes(ward, published(), absence, options=OPTIONS) == ("optimal", result.changes)


@pytest.mark.parametrize(
    ("who", "first", "last", "limits", "field"),
    [
        ("nobody", 0, 1, RepairLimits(), "absent"),
        ("ann", 9, 10, RepairLimits(), "from"),
        ("ann", 0, 1, RepairLimits(window=(date(2026, 2, 1), day(2))), "window_from"),
        ("ann", 0, 1, RepairLimits(window=(day(0), day(30))), "window_to"),
        ("ann", 0, 1, RepairLimits(window=(day(3), day(4))), "window_from"),
        ("ann", 0, 1, RepairLimits(movable=frozenset({"zed"})), "only"),
    ],
)
def test_bad_repair_input_names_the_field(
    who: str, first: int, last: int, limits: RepairLimits, field: str
) -> None:
    ward = call_ward()
    with pytest.raises(RepairError) as raised:
        repair(ward, published(), absent(ward, who, first, last), limits, OPTIONS)
    assert raised.value.field == field
    assert raised.value.message and not raised.value.message.startswith(f"{field}:")


def test_an_absence_that_overlaps_leave_is_refused() -> None:
    ward = call_ward(bo=(3, 4))
    with pytest.raises(RepairError) as raised:
        check_repair(ward, absent(ward, "bo", 2, 3), RepairLimits())
    assert raised.value.field == "from"
    assert "leave" in raised.value.message and str(day(3)) in raised.value.message


def test_an_absence_that_ends_before_it_starts_is_refused() -> None:
    ward = call_ward()
    backwards = Absence(
        "ann", parse_instant(day(2).isoformat(), ward, "from"), parse_instant(day(1).isoformat(), ward, "to")
    )
    with pytest.raises(RepairError) as raised:
        check_repair(ward, backwards, RepairLimits())
    assert raised.value.field == "to"


def test_a_time_that_is_not_a_date_is_refused_naming_the_field() -> None:
    with pytest.raises(RepairError) as raised:
        parse_instant("next tuesday", call_ward(), "from")
    assert raised.value.field == "from" and "YYYY-MM-DD" in raised.value.message


def test_a_wall_clock_time_is_read_in_the_hospitals_zone() -> None:
    instant = parse_instant("2026-03-03T07:00", call_ward(), "from")
    assert instant.isoformat() == "2026-03-03T12:00:00+00:00"  # EST is UTC-5


@pytest.mark.parametrize("text", ["9999-12-31", "0001-01-01T00:00+05:00", "2027-02-30"])
def test_a_date_that_cannot_be_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(Invalid) as raised:  # a RepairError, or the strict wall-time reading's Invalid
        parse_instant(text, call_ward(), "to", end=True)
    assert raised.value.field == "to"


def test_an_absence_spanning_centuries_is_checked_quickly_against_the_block_alone() -> None:
    ward = call_ward(bo=(3, 4))
    endless = Absence(
        "bo", parse_instant("0002-01-01", ward, "from"), parse_instant("9998-12-31", ward, "to")
    )
    with pytest.raises(RepairError) as raised:
        check_repair(ward, endless, RepairLimits())
    assert raised.value.field == "from" and "leave" in raised.value.message


def test_a_colleague_kept_off_by_a_declared_conflict_is_stopped_by_a_rule_that_names_no_one() -> None:
    ward = call_ward()
    people = (*ward.people, person("dee", Grade.PGY3), person("eve", Grade.PGY3, posts=("clinic",)))
    clinic = post("clinic", ["clinic"])  # the ward's team: eve's clinic runs in dee's call
    kept_apart = dataclasses.replace(
        ward,
        people=people,
        posts=(*ward.posts, clinic),
        shift_types=(*ward.shift_types, CLINIC),
        conflicts=(Conflict("dee", "eve", "A complaint is open"),),
    )
    repaired = roster(("eve", 0, "clinic", "clinic"), *[r for r in _rows() if r[1] != 0])
    short = Shortfall("ward", "call", day(0), "PGY-3+", minimum=1, short=1)

    lines = blockers(kept_apart, repaired, absent(kept_apart, "ann", 0, 0), (short,))

    [dee] = [line for line in lines if line.strip().startswith("Dee:")]
    assert "confidential rule" in dee
    assert not any(secret in "\n".join(lines) for secret in ("Eve", "conflict:", "complaint"))


@pytest.mark.parametrize(
    ("typed", "said"), [("2026-03-08T02:30", "does not exist"), ("2026-11-01T01:30", "happens twice")]
)
def test_an_absence_typed_at_a_wall_time_the_clocks_skip_or_repeat_is_refused(typed: str, said: str) -> None:
    with pytest.raises(Invalid) as refused:
        parse_instant(typed, call_ward(), "from")
    assert refused.value.field == "from" and said in refused.value.message
