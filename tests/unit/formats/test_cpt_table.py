"""The CPT table: the shipped general-surgery default, reading and writing the CSV, refusals that
name line and column, and what a case's codes need (`case_needs`)."""

from __future__ import annotations

import pytest

from callroom.domain.grades import Grade
from callroom.domain.operating import ACGME_CATEGORIES, CptEntry, CptTable
from callroom.errors import Invalid
from callroom.formats.cpt_table import case_needs, cpt_table_text, default_cpt_table, parse_cpt_table

HEADER = "code,description,categories,min_grade,index\n"
KNOWN = {c.id for c in ACGME_CATEGORIES}


def _refusal(text: str) -> Invalid:
    with pytest.raises(Invalid) as raised:
        parse_cpt_table(text, "table.csv")
    return raised.value


def test_every_category_of_the_default_table_is_an_acgme_defined_category() -> None:
    table = default_cpt_table()

    used = {c for entry in table.entries.values() for c in entry.categories}
    assert used <= KNOWN
    assert len(table.entries) >= 60


def test_the_default_table_knows_the_common_operations_with_their_categories_and_grades() -> None:
    table = default_cpt_table()

    def entry(code: str) -> CptEntry:
        found = table.get(code)
        assert found is not None, code
        return found

    assert entry("47562").categories == ("abdominal.biliary", "lap-basic")
    assert entry("47562").min_grade is Grade.PGY2
    assert entry("48150").min_grade is Grade.PGY4 and entry("48150").index
    assert entry("44204").min_grade is Grade.PGY3 and entry("44204").index
    assert entry("49505").min_grade is Grade.PGY1 and not entry("49505").index
    assert entry("44970").categories == ("alimentary.appendix", "lap-basic")
    assert entry("99199").categories == ("trauma-nonoperative",)
    assert entry("99291").categories == ("critical-care",)
    assert {"43107", "47120", "43631", "60240", "35301"} <= {
        code for code, e in table.entries.items() if e.index
    }


def test_every_defined_category_has_at_least_one_code_in_the_default_table() -> None:
    needs = {
        c
        for e in default_cpt_table().entries.values()
        for c in case_needs([e.code], default_cpt_table()).categories
    }

    assert needs == KNOWN


def test_the_table_round_trips_through_its_csv_text() -> None:
    table = default_cpt_table()

    again = parse_cpt_table(cpt_table_text(table), "again.csv")

    assert dict(again.entries) == dict(table.entries)
    assert list(again.entries) == list(table.entries)


def test_a_table_reads_columns_in_any_order_and_quoted_descriptions_with_commas() -> None:
    text = (
        "Index,CODE,min_grade,description,categories\n"
        'yes,48150,PGY-4,"Pancreaticoduodenectomy, Whipple",abdominal.pancreas\n'
    )

    table = parse_cpt_table(text, "t.csv")

    assert table.get("48150") == CptEntry(
        "48150", "Pancreaticoduodenectomy, Whipple", ("abdominal.pancreas",), Grade.PGY4, True
    )


def test_each_bad_cell_is_refused_by_line_and_column_and_nothing_is_read() -> None:
    text = HEADER + (
        "47562,Lap chole,abdominal.biliary;lap-basic,PGY-2,no\n"
        "4756,Too short,abdominal.biliary,PGY-2,no\n"
        "\n"
        "47563,Lap chole IOC,abdominal.bilary,PGY-9,maybe\n"
        "47562,Again,abdominal.biliary,attending,no\n"
    )

    error = _refusal(text)

    where = [(d.extra["line"], d.field) for d in error.details]
    assert where == [
        ("3", "code"),
        ("5", "categories"),
        ("5", "min_grade"),
        ("5", "index"),
        ("6", "code"),
        ("6", "min_grade"),
    ]
    assert all(d.extra["file"] == "table.csv" for d in error.details)
    assert "abdominal.biliary" in error.details[1].message  # the hint names the category meant
    assert error.field == "file"
    assert (
        str(error.details[0])
        == "table.csv:3: code: '4756' is not a CPT code (five digits, or four and a letter)"
    )


def test_a_header_without_a_column_is_refused_naming_line_one() -> None:
    error = _refusal("code,description,categories,index\n47562,Lap chole,,no\n")

    assert error.details[0].extra["line"] == "1"
    assert "min_grade" in error.details[0].message


def test_an_empty_file_and_a_header_alone_are_refused() -> None:
    assert "empty" in _refusal("").message
    assert "no codes" in _refusal(HEADER).message


def test_a_case_needs_the_most_senior_grade_its_codes_need_and_every_category_with_parents() -> None:
    needs = case_needs(["44204", "47562"], default_cpt_table())

    assert needs.min_grade is Grade.PGY3
    assert needs.categories == (
        "alimentary",
        "alimentary.large-intestine",
        "abdominal",
        "abdominal.biliary",
        "lap-basic",
        "lap-complex",
    )
    assert needs.index


def test_a_sub_category_code_counts_toward_its_parent() -> None:
    assert case_needs(["19303"], default_cpt_table()).categories == ("breast", "breast.mastectomy")


def test_an_unknown_code_and_a_case_without_codes_are_refused() -> None:
    table = CptTable({"47562": CptEntry("47562", "Lap chole", ("abdominal.biliary",))})

    with pytest.raises(Invalid, match="CPT code 99999 is not in the program's CPT table") as raised:
        case_needs(["47562", "99999"], table)
    assert raised.value.field == "cpt"
    with pytest.raises(Invalid, match="at least one CPT code"):
        case_needs([], table)
