"""The grid's data: rows in grade order, cells lettered by shift and coloured by post, leave and
days off marked, and the filters."""

from __future__ import annotations

from callroom.domain.grades import Grade
from callroom.domain.program import Leave, Program
from callroom.domain.roster import Roster
from callroom.web.grid import PALETTE, GridFilter, Totals, build_grid, post_colours, shift_codes
from tests import factories as f
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


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(first: str, second: str) -> float:
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_post_colour_keeps_the_ink_and_the_call_frame_readable() -> None:
    for colour in PALETTE:
        assert _contrast(colour, "#1d2430") >= 7, colour  # the cell's letter
        assert _contrast(colour, "#7a0c10") >= 4.5, colour  # an in-house call's frame and letter


def test_each_post_has_its_own_colour_until_the_palette_runs_out() -> None:
    posts = [f.post(f"post{i}") for i in range(len(PALETTE) + 1)]
    colours = post_colours(f.program(posts=posts))
    assert [c.post_id for c in colours] == [p.id for p in posts]
    assert len({c.colour for c in colours[: len(PALETTE)]}) == len(PALETTE)
    assert colours[-1].colour == colours[0].colour and colours[-1].css != colours[0].css


def test_the_viewer_s_row_comes_first_and_the_rest_keep_grade_order() -> None:
    found_program, found_roster = _world()
    grid = build_grid(found_program, found_roster, GridFilter(), viewer_id="boss")
    assert [(r.person.id, r.mine) for r in grid.rows] == [
        ("boss", True),
        ("intern", False),
        ("senior", False),
    ]
    assert not any(r.mine for r in build_grid(found_program, found_roster, GridFilter()).rows)


def test_totals_count_the_block_s_hours_nights_weekends_and_calls() -> None:
    # Saturday's call crosses the spring change: 23 hours; Sunday's night makes the same weekend.
    found_roster = f.roster(
        ("senior", 0, "night"), ("senior", 5, "call"), ("senior", 6, "night"), ("senior", 7, "home")
    )
    grid = build_grid(_world()[0], found_roster, GridFilter())
    senior = next(r for r in grid.rows if r.person.id == "senior")
    assert senior.totals == Totals(hours=12 + 23 + 12 + 0, nights=2, weekends=1, calls=1)
