"""The terminal roster grid: codes in the right cells, leave and days off, grade order, legend."""

from __future__ import annotations

import dataclasses
import io

import pytest
from rich.console import Console
from rich.table import Table
from rich.text import Text

from callroom.cli.grid import grid_legend, roster_grid, shift_codes
from callroom.domain.grades import Grade
from callroom.domain.program import Leave, Program, Service
from callroom.domain.roster import Roster
from tests import factories as f


def _render(renderable: Table | str, width: int = 200) -> str:
    console = Console(record=True, width=width, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def _rows(table: Table) -> dict[str, list[str]]:
    """Rendered cells by row label (the text before the first column rule)."""
    rows: dict[str, list[str]] = {}
    for line in _render(table).splitlines():
        label, *cells = (cell.strip() for cell in line.split("│"))
        if cells:
            rows.setdefault(label, cells)
    return rows


def _program() -> Program:
    return f.program(
        [
            f.person("zed", Grade.ATTENDING),
            f.person("ada", Grade.PGY3, leave=[Leave(f.day(7), f.day(8))]),
            f.person("bob", Grade.PGY1, days_off=[f.day(2)]),
        ]
    )


def _roster() -> Roster:
    return f.roster(
        ("ada", 0, "day"),
        ("ada", 1, "night"),
        ("ada", 2, "clinic"),
        ("ada", 3, "call"),
        ("ada", 5, "home"),
        ("zed", 4, "call"),
    )


def test_each_cell_shows_the_code_of_the_shift_worked_that_day() -> None:
    ada = _rows(roster_grid(_program(), _roster()))["Ada PGY-3"]

    assert ada[:7] == ["D", "N", "Cl", "C", "", "H", ""]


def test_leave_shows_as_lv_and_a_fixed_day_off_as_a_dot() -> None:
    rows = _rows(roster_grid(_program(), _roster()))

    assert rows["Ada PGY-3"][7:10] == ["lv", "lv", ""]
    assert rows["Bob PGY-1"][:4] == ["", "", "·", ""]


def test_leave_and_days_off_are_dimmed() -> None:
    table = roster_grid(_program(), _roster(), people=["bob", "ada"])
    bob_day_2, ada_day_2 = table.columns[3].cells
    _, ada_day_7 = table.columns[8].cells

    assert isinstance(bob_day_2, Text) and isinstance(ada_day_7, Text)
    assert (bob_day_2.plain, str(bob_day_2.style)) == ("·", "dim")
    assert (ada_day_7.plain, str(ada_day_7.style)) == ("lv", "dim")
    assert isinstance(ada_day_2, Text) and str(ada_day_2.style) != "dim"


def test_residents_come_by_grade_and_attendings_last() -> None:
    labels = [label for label in _rows(roster_grid(_program(), _roster())) if label]

    assert labels == ["Person", "Bob PGY-1", "Ada PGY-3", "Zed attending"]


def test_columns_are_headed_by_weekday_initial_and_day_of_month() -> None:
    table = roster_grid(_program(), _roster())
    headers = [str(column.header) for column in table.columns[1:]]

    assert headers[:7] == ["M\n2", "T\n3", "W\n4", "T\n5", "F\n6", "S\n7", "S\n8"]
    assert len(headers) == 28


def test_weekend_columns_are_highlighted_and_weekdays_are_not() -> None:
    styles = [column.header_style for column in roster_grid(_program(), _roster()).columns[1:8]]

    assert styles[5] == styles[6] != styles[4]
    assert len(set(styles[:5])) == 1


def test_people_and_days_narrow_the_grid() -> None:
    table = roster_grid(_program(), _roster(), people=["ada"], days=range(2, 5))
    rows = _rows(table)

    assert rows["Ada PGY-3"] == ["Cl", "C", ""]
    assert "Zed attending" not in rows and "Bob PGY-1" not in rows


def test_shifts_of_different_services_get_different_colours() -> None:
    base = f.program([f.person("ada", posts=["ward", "pit"])])
    program = dataclasses.replace(
        base,
        services=(*base.services, Service("trauma", "Trauma")),
        posts=(f.post("ward"), f.post("pit", service="trauma")),
    )
    table = roster_grid(program, f.roster(("ada", 0, "day", "ward"), ("ada", 1, "day", "pit")))
    (ward,), (pit,) = table.columns[1].cells, table.columns[2].cells

    assert isinstance(ward, Text) and isinstance(pit, Text)
    assert ward.plain == pit.plain == "D"
    assert ward.style and pit.style and ward.style != pit.style


def test_standard_shifts_get_their_first_letters_as_codes() -> None:
    assert shift_codes(f.program()) == {
        "day": "D",
        "night": "N",
        "call": "C",
        "home": "H",
        "clinic": "Cl",
    }


def test_codes_stay_unique_when_prefixes_collide() -> None:
    ids = ["night1", "night2", "night3", "night4", "late", "lvad"]
    program = f.program(shifts=[f.shift_type(i) for i in ids])

    assert list(shift_codes(program).values()) == ["N", "Ni", "Nig", "N2", "L", "Lva"]


def test_the_legend_explains_codes_services_leave_and_days_off() -> None:
    legend = _render(grid_legend(_program()))

    assert "Cl Clinic (08:00, 4h)" in legend
    assert "C Call (07:00, 24h)" in legend
    assert "General Surgery" in legend
    assert "lv leave" in legend and "· fixed day off" in legend


def test_a_28_day_grid_renders_in_80_columns() -> None:
    text = _render(roster_grid(_program(), _roster()), width=80)

    assert all(len(line) <= 80 for line in text.splitlines())
    assert "Zed attending" in text


def test_an_unknown_person_or_a_day_outside_the_block_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown person 'zoe'"):
        roster_grid(_program(), _roster(), people=["zoe"])
    with pytest.raises(ValueError, match="day index 28 is outside the block"):
        roster_grid(_program(), _roster(), days=range(20, 30))
