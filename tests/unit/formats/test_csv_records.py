"""The OR formats' one CSV reader: records by header name, each problem located by file, line and
column, and one refusal for the whole file."""

from __future__ import annotations

import pytest

from callroom.errors import Invalid
from callroom.formats.csv_records import Problems, read_records, split_list, write_records


def test_records_are_read_by_header_name_with_their_first_line_skipping_blank_rows() -> None:
    text = '\ufeffB, A ,extra\n1,"two\nlines",x\n\n3,4,y\n'

    records = read_records(text, "f.csv", ("a", "b"))

    assert [(r.line, r["a"], r["b"]) for r in records] == [(2, "two\nlines", "1"), (5, "4", "3")]
    assert records[0]["extra"] == ""  # a column not asked for is not read


def test_an_optional_column_reads_empty_when_the_header_lacks_it() -> None:
    records = read_records("a\n1\n", "f.csv", ("a",), optional=("b",))

    assert records[0]["b"] == ""


def test_problems_are_refused_together_in_line_order_naming_file_line_and_column() -> None:
    problems = Problems("f.csv")
    problems.add(4, "b", "not a number")
    problems.extend(2, [("a", "missing"), ("b", "too long")])

    with pytest.raises(Invalid) as raised:
        problems.refuse()

    assert raised.value.field == "file"
    assert raised.value.message.splitlines() == [
        "f.csv: 3 problems, nothing was imported",
        "f.csv:2: a: missing",
        "f.csv:2: b: too long",
        "f.csv:4: b: not a number",
    ]
    assert raised.value.details[0].extra == {"file": "f.csv", "line": "2", "column": "a"}


def test_no_problems_refuse_nothing() -> None:
    Problems("f.csv").refuse()


def test_lists_split_on_semicolons_and_records_write_back() -> None:
    assert split_list(" a; ;b ;") == ("a", "b")
    assert write_records(("x", "y"), [("1", "a, b")]) == 'x,y\n1,"a, b"\n'


def test_a_lone_carriage_return_inside_a_row_is_data_not_an_unreadable_file() -> None:
    records = read_records("a,b\r\nx\ry,z\r\n", "f.csv", ("a", "b"))

    assert [(r.line, r["a"], r["b"]) for r in records] == [(2, "x", ""), (3, "y", "z")]


def test_a_field_the_csv_reader_cannot_read_is_refused_naming_its_line() -> None:
    text = "a,b\n1,2\n3," + "x" * 200_000 + "\n"

    with pytest.raises(Invalid) as refused:
        read_records(text, "f.csv", ("a", "b"))

    assert "f.csv:3: file: not readable as CSV" in refused.value.message
