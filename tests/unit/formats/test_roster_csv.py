"""Roster CSV export: exact text, and wall-clock times that stay right across DST changes."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest

from callroom.domain.grades import Grade
from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.formats.roster_csv import roster_csv_rows, write_roster_csv
from tests import factories as f

# The fall change is on Sunday 2026-11-01: 02:00 EDT falls back to 01:00 EST.
FALL_BACK_MONDAY = date(2026, 10, 26)


def _csv_text(program: Program, roster: Roster) -> str:
    out = io.StringIO()
    write_roster_csv(program, roster, out)
    return out.getvalue()


def _only_row(program: Program, roster: Roster) -> dict[str, str]:
    rows = roster_csv_rows(program, roster)
    assert len(rows) == 1
    return rows[0]


def _elapsed(row: dict[str, str]) -> timedelta:
    return datetime.fromisoformat(row["end"]) - datetime.fromisoformat(row["start"])


def test_it_writes_the_header_and_one_row_per_assignment_by_date_then_person() -> None:
    program = f.program([f.person("zed", Grade.ATTENDING), f.person("ada", Grade.PGY3)])
    roster = f.roster(("zed", 0, "clinic"), ("ada", 1, "night"), ("ada", 0, "day"))

    assert _csv_text(program, roster) == (
        "person,grade,date,shift,post,start,end\r\n"
        "ada,PGY-3,2026-03-02,day,ward,2026-03-02T07:00:00-05:00,2026-03-02T19:00:00-05:00\r\n"
        "zed,attending,2026-03-02,clinic,ward,2026-03-02T08:00:00-05:00,"
        "2026-03-02T12:00:00-05:00\r\n"
        "ada,PGY-3,2026-03-03,night,ward,2026-03-03T19:00:00-05:00,2026-03-04T07:00:00-05:00\r\n"
    )


def test_an_empty_roster_is_just_the_header() -> None:
    assert _csv_text(f.program([f.person("ada")]), Roster(())) == (
        "person,grade,date,shift,post,start,end\r\n"
    )


def test_a_call_across_the_spring_change_ends_at_0700_edt_after_23_hours() -> None:
    program = f.program([f.person("ada")])
    row = _only_row(program, f.roster(("ada", 5, "call")))  # Saturday 2026-03-07

    assert (row["start"], row["end"]) == ("2026-03-07T07:00:00-05:00", "2026-03-08T07:00:00-04:00")
    assert _elapsed(row) == timedelta(hours=23)


def test_a_call_across_the_fall_change_ends_at_0700_est_after_25_hours() -> None:
    program = f.program([f.person("ada")], start=FALL_BACK_MONDAY)
    row = _only_row(program, f.roster(("ada", 5, "call"), start=FALL_BACK_MONDAY))

    assert (row["start"], row["end"]) == ("2026-10-31T07:00:00-04:00", "2026-11-01T07:00:00-05:00")
    assert _elapsed(row) == timedelta(hours=25)


def test_an_ambiguous_start_takes_the_first_occurrence() -> None:
    late = f.shift_type("late", "01:30", 2)
    program = f.program(
        [f.person("ada")], shifts=[late], posts=[f.post(shifts=["late"])], start=FALL_BACK_MONDAY
    )
    row = _only_row(program, f.roster(("ada", 6, "late"), start=FALL_BACK_MONDAY))

    assert row["start"] == "2026-11-01T01:30:00-04:00"
    assert row["end"] == "2026-11-01T03:30:00-05:00"


def test_an_ambiguous_end_takes_the_last_occurrence() -> None:
    evening = f.shift_type("evening", "19:30", 6)
    program = f.program(
        [f.person("ada")], shifts=[evening], posts=[f.post(shifts=["evening"])], start=FALL_BACK_MONDAY
    )
    row = _only_row(program, f.roster(("ada", 5, "evening"), start=FALL_BACK_MONDAY))

    assert row["end"] == "2026-11-01T01:30:00-05:00"
    assert _elapsed(row) == timedelta(hours=7)


def test_a_start_in_the_spring_gap_moves_to_0300_edt() -> None:
    late = f.shift_type("late", "02:30", 2)
    program = f.program([f.person("ada")], shifts=[late], posts=[f.post(shifts=["late"])])
    row = _only_row(program, f.roster(("ada", 6, "late")))  # Sunday 2026-03-08

    assert row["start"] == "2026-03-08T03:00:00-04:00"
    assert row["end"] == "2026-03-08T04:30:00-04:00"


def test_an_assignment_to_an_unknown_shift_is_named_in_the_error() -> None:
    program = f.program([f.person("ada")])

    with pytest.raises(ValueError, match=r"ada/2026-03-02/swing/ward: unknown shift 'swing'"):
        roster_csv_rows(program, f.roster(("ada", 0, "swing")))
