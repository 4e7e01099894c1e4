"""Case logs from and to CSV: a good log reads with its categories from the CPT table, a bad one is
refused whole by line and column (the credit rules included), and the export reads back in."""

from __future__ import annotations

from datetime import date

import pytest

from callroom.domain.operating import CreditRole, LoggedCase
from callroom.errors import Invalid
from callroom.formats.caselog_csv import case_log_csv, parse_case_log
from callroom.formats.cpt_table import default_cpt_table
from tests.unit.formats.or_fixtures import demo, fixture

HEADER = "resident,date,cpt,role,attending,case\n"


def _read(text: str, existing: tuple[LoggedCase, ...] = ()) -> tuple[LoggedCase, ...]:
    return parse_case_log(text, "log.csv", program=demo(), table=default_cpt_table(), existing=existing)


def _where(text: str, existing: tuple[LoggedCase, ...] = ()) -> list[tuple[str, str, str]]:
    with pytest.raises(Invalid) as raised:
        _read(text, existing)
    return [(d.extra["line"], d.field, d.message) for d in raised.value.details]


def test_the_fixture_log_reads_with_people_by_id_or_name_and_categories_from_the_table() -> None:
    entries = _read(fixture("caselog.csv"))

    assert len(entries) == 5
    teaching = entries[0]
    assert (teaching.person_id, teaching.role, teaching.attending_id) == (
        "yasmin-haddad",
        CreditRole.TA,
        "nadia-rahimi",
    )
    assert teaching.case_id == "2027-02-01/OR 2/07:30"
    assert teaching.categories == ("abdominal", "abdominal.pancreas")
    hernias = entries[4]
    assert hernias.cpt_codes == ("49505", "49591") and hernias.categories == ("abdominal", "abdominal.hernia")
    assert hernias.case_id is None and hernias.attending_id is None


def test_the_attending_and_case_columns_may_be_left_out() -> None:
    entries = _read("resident,date,cpt,role\nKwame Mensah,2027-02-03,44970,sj\n")

    assert entries[0].role is CreditRole.SJ and entries[0].categories[-1] == "lap-basic"


def test_each_bad_cell_is_refused_by_line_and_column() -> None:
    text = HEADER + (
        "Kwame Mensah,2027-02-30,47562,SJ,,\n"
        "Nobody,2027-02-03,99999,XX,Yasmin Haddad,\n"
        "Nadia Rahimi,2027-02-03,,FA,,\n"
    )

    assert [(line, column) for line, column, _ in _where(text)] == [
        ("2", "date"),
        ("3", "resident"),
        ("3", "cpt"),
        ("3", "role"),
        ("3", "attending"),
        ("4", "resident"),
        ("4", "cpt"),
    ]


def test_a_second_surgeon_on_one_case_is_refused_on_its_role() -> None:
    text = HEADER + ("Ezra Kaplan,2027-02-02,47562,SJ,,c1\nIngrid Lindahl,2027-02-02,47562,SJ,,c1\n")

    found = _where(text)

    assert [(line, column) for line, column, _ in found] == [("2", "role"), ("3", "role")]
    assert "one surgeon per case" in found[0][2]


def test_sc_before_the_chief_year_is_refused() -> None:
    found = _where(HEADER + "Ezra Kaplan,2027-02-02,47562,SC,,\n")

    assert found == [("2", "role", "SC is surgeon credit in the chief year (PGY-5): a PGY-2 logs SJ")]


def test_a_ta_line_is_checked_against_the_lines_already_logged() -> None:
    stored = LoggedCase("ezra-kaplan", date(2027, 2, 2), ("47562",), CreditRole.SJ, case_id="c1", id=1)
    text = HEADER + "Yasmin Haddad,2027-02-02,47562,TA,,c1\n"

    assert _where(text) and "TA" in _where(text)[0][2]
    assert _read(text, existing=(stored,))[0].role is CreditRole.TA


def test_the_export_names_people_and_categories_and_reads_back_in() -> None:
    entries = _read(fixture("caselog.csv"))

    text = case_log_csv(entries, demo())

    lines = text.splitlines()
    assert lines[0] == "resident,date,cpt,role,attending,case,categories"
    assert lines[1] == (
        "Ezra Kaplan,2027-02-02,47562,SJ,Magnus Achterberg,2027-02-02/OR 1/07:30,"
        '"Abdominal; Biliary; Laparoscopic, basic"'
    )
    assert [line.split(",")[0] for line in lines[1:]] == [
        "Ezra Kaplan",
        "Kwame Mensah",
        "Kwame Mensah",
        "Tomasz Nowak",
        "Yasmin Haddad",
    ]
    assert sorted(_read(text), key=repr) == sorted(entries, key=repr)
