"""The grid's data: rows in grade order, cells lettered by shift and coloured by post, leave and
days off marked, and the filters."""

from __future__ import annotations

from callroom.domain.grades import Grade
from callroom.domain.program import Leave, Program
from callroom.domain.roster import Roster
from callroom.web.grid import GridFilter, build_grid, shift_codes
from tests.factories import day, person, program, roster


def _world() -> tuple[Program, Roster]:
    people = [
        person("senior", Grade.PGY4),
        person("intern", Grade.PGY1, leave=[Leave(day(2), day(3))]),
        person("boss", Grade.ATTENDING, days_off=[day(5)]),
    ]
    return program(people), roster(("intern", 0, "day"), ("senior", 0, "night"), ("senior", 1, "call"))


def test_rows_run_juniors_first_and_cells_say_what_each_day_holds() -> None:
    found_program, found_roster = _world()
    grid = build_grid(found_program, found_roster, GridFilter())
    assert [r.person.id for r in grid.rows] == ["intern", "senior", "boss"]
    intern, senior, boss = grid.rows
    assert len(intern.cells) == 28 and grid.days[0] == day(0)
    assert (intern.cells[0].code, intern.cells[0].css) == ("D", "p0 k-day")
    assert (senior.cells[0].code, senior.cells[1].code) == ("N", "C")
    assert "k-in_house_call" in senior.cells[1].css
    assert [c.code for c in intern.cells[1:4]] == ["", "lv", "lv"]
    assert boss.cells[5].code == "off" and boss.cells[4].css == "free"


def test_codes_are_unique_and_never_the_leave_marks() -> None:
    codes = shift_codes(_world()[0])
    assert codes == {"day": "D", "night": "N", "call": "C", "home": "H", "clinic": "Cl"}
    assert len(set(codes.values())) == len(codes)


def test_filters_pick_a_grade_a_service_and_a_week() -> None:
    found_program, found_roster = _world()
    week = build_grid(found_program, found_roster, GridFilter(grade="PGY-4", week=1))
    assert [r.person.id for r in week.rows] == ["senior"]
    assert week.days == tuple(day(i) for i in range(7, 14))
    assert build_grid(found_program, found_roster, GridFilter(service="elsewhere")).rows == ()
    assert len(build_grid(found_program, found_roster, GridFilter(service="gs")).rows) == 3
