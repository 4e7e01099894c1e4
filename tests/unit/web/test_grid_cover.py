"""The grid's cover rows: each day of each post and shift with a demand, red when a hard cover
rule breaks, amber under target, green when covered, and a title that names the missing grades."""

from __future__ import annotations

import dataclasses

from callroom.domain.grades import Grade
from callroom.domain.program import DayPattern, Holiday, Program
from callroom.domain.roster import Roster
from callroom.web.grid_cover import CLOSED, MET, NONE, SHORT, UNDER, CoverRow, cover_rows
from tests import factories as f

SUNDAY = 6


def _program() -> Program:
    people = [f.person(f"r{i}", Grade.PGY1 if i < 3 else Grade.PGY4) for i in range(6)]
    demands = [
        f.demand("ward", "day", f.need(2, 3, grades="residents"), f.need(1, grades="PGY-4+")),
        f.demand("ward", "clinic", f.need(maximum=0), days=DayPattern(frozenset({SUNDAY}))),
    ]
    return f.program(people, demands=demands)


def _rows(program: Program, roster: Roster) -> dict[str, CoverRow]:
    found = cover_rows(program, roster, program.block.dates()[:7], {"ward": "p0"}, None)
    return {row.shift_id: row for row in found}


def test_a_day_is_red_below_a_minimum_amber_under_target_and_green_when_covered() -> None:
    roster = f.roster(
        ("r0", 0, "day"),  # Monday: one intern; two residents and a PGY-4 needed
        ("r0", 1, "day"),
        ("r3", 1, "day"),  # Tuesday: two, the PGY-4 among them; target three
        ("r0", 2, "day"),
        ("r1", 2, "day"),
        ("r3", 2, "day"),  # Wednesday: all there
    )
    day = _rows(_program(), roster)["day"]
    assert [(c.count, c.state) for c in day.cells[:4]] == [
        ("1", SHORT),
        ("2", UNDER),
        ("3", MET),
        ("0", SHORT),
    ]
    assert day.cells[0].gaps == ("missing 1 resident: 1 of at least 2", "missing 1 PGY-4+: 0 of at least 1")
    assert day.cells[1].gaps == ("missing 1 resident: 2 of a target of 3",)
    assert day.label == "Ward · Day" and day.css == "p0"


def test_more_than_a_maximum_is_red_too_and_a_day_without_demand_is_blank() -> None:
    roster = f.roster(("r0", 6, "clinic"))
    clinic = _rows(_program(), roster)["clinic"]
    assert [c.state for c in clinic.cells] == [NONE] * 6 + [SHORT]
    assert clinic.cells[6].gaps == ("1 person of any grade too many: 1 of at most 0",)
    assert clinic.cells[0].count == ""
    assert _rows(_program(), f.roster())["clinic"].cells[6].state == CLOSED


def test_a_holiday_is_staffed_as_a_sunday() -> None:
    monday = f.day(0)
    program = dataclasses.replace(_program(), holidays=(Holiday("a holiday", monday),))
    clinic = _rows(program, f.roster())["clinic"]
    assert clinic.cells[0].state == CLOSED and "Mon 02 Mar" in clinic.cells[0].title


def test_only_posts_and_shifts_with_a_demand_get_a_row_and_a_service_filter_keeps_its_own() -> None:
    program = _program()
    assert set(_rows(program, f.roster())) == {"day", "clinic"}
    assert cover_rows(program, f.roster(), program.block.dates(), {"ward": "p0"}, "elsewhere") == ()
