"""The set-up forms' edits of a program file's data, and the residents list, without a server."""

from __future__ import annotations

from datetime import date

import pytest

from callroom.errors import Invalid
from callroom.formats import program_forms as forms
from callroom.formats.program_file import parse_program
from callroom.formats.residents_csv import Resident, read_residents
from tests.factories import NEW_PROGRAM_FORM

FIRST = NEW_PROGRAM_FORM


def test_a_new_program_from_the_form_loads() -> None:
    program = parse_program(forms.dump_document(forms.new_program(FIRST)))
    assert (program.hospital.name, program.block.start, program.block.days) == (
        "Small General",
        date(2027, 3, 1),
        7,
    )
    assert [s.id for s in program.shift_types] == ["day"]


def test_a_late_start_is_leave_until_that_day_and_reads_back_as_the_start_date() -> None:
    document = forms.new_program(FIRST)
    values = {"name": "Ada Lovelace", "grade": "PGY-2", "start": "2027-03-04", "email": "ada@example.org"}
    path = forms.apply(forms.PEOPLE, document, None, values)
    assert path == ("people", 0)
    program = parse_program(forms.dump_document(document))
    ada = program.person["ada-lovelace"]
    assert [(x.start, x.end, x.kind) for x in ada.leave] == [
        (date(2027, 3, 1), date(2027, 3, 3), "not started")
    ]
    assert program.paging.contacts["ada-lovelace"].email == "ada@example.org"
    read = forms.PEOPLE.rows(forms.load_document(forms.dump_document(document)))[0].values
    assert (read["start"], read["email"], read["id"]) == ("2027-03-04", "ada@example.org", "ada-lovelace")


def test_a_refused_field_of_the_file_is_the_form_s_own_input() -> None:
    assert forms.field_of(forms.PEOPLE, ("people", 3), "people[3].limits.max_weekends") == "max_weekends"
    assert forms.field_of(forms.PEOPLE, ("people", 3), "people[3].joins") == "start"
    assert forms.field_of(forms.COVER, ("cover", 0), "cover[0].need[0].min") == "min"
    assert forms.field_of(forms.PEOPLE, ("people", 3), "people[4].grade") is None
    assert forms.new_program_field("hospital.timezone") == "timezone"


def test_a_residents_list_tolerates_column_order_and_spaces() -> None:
    listed = " Grade ,Start date,  NAME , email\n pgy2 , , Ada Lovelace , ada@example.org \n"
    assert read_residents(listed, set(), set()) == [
        Resident("Ada Lovelace", "ada@example.org", "PGY-2", ""),
    ]


def test_a_bad_residents_list_names_every_bad_row_and_column() -> None:
    listed = "name,email,grade,start date\nAda,ada@example.org,PGY-7,2027-13-01\nBea,bea@,PGY-1,\n"
    with pytest.raises(Invalid) as refused:
        read_residents(listed, {"cal"}, set())
    assert [d.field for d in refused.value.details] == ["row 2, grade", "row 2, start date", "row 3, email"]
    with pytest.raises(Invalid) as known:
        read_residents("name,email,grade,start date\nCal,cal@example.org,PGY-1,\n", {"cal"}, set())
    assert known.value.details[0].field == "row 2, name"


def test_an_entry_keeps_its_key_when_another_before_it_is_removed_and_loses_it_when_changed() -> None:
    document = forms.new_program(FIRST)
    forms.apply(forms.POSTS, document, None, {"service": "ward", "name": "Ward day", "shifts": "day"})
    forms.apply(forms.POSTS, document, None, {"service": "ward", "name": "Ward late", "shifts": "day"})
    for post in ("ward-day", "ward-late"):
        forms.apply(forms.COVER, document, None, {"post": post, "shift": "day", "days": "daily", "min": "1"})
    first, second = (row.key for row in forms.COVER.rows(document))
    assert first != second
    forms.remove(forms.COVER, document, first)
    assert [row.key for row in forms.COVER.rows(document)] == [second]  # not moved into first's place
    with pytest.raises(Invalid):
        forms.remove(forms.COVER, document, first)  # gone: nothing else is removed in its stead
    changed = {"post": "ward-late", "shift": "day", "days": "weekends", "min": "1"}
    forms.apply(forms.COVER, document, second, changed)
    assert [row.key for row in forms.COVER.rows(document)] != [second]
    assert [row.key for row in forms.POSTS.rows(document)] == ["ward-day", "ward-late"]
