"""CSV files of records under a header row, read all or nothing: the one way the OR formats (the
CPT table, a day's OR cases, a case log) read CSV and say what is wrong with it.

Columns are named by the header (any order, any case, spaces ignored, extra columns ignored);
blank rows are skipped; a byte-order mark (a spreadsheet's "CSV UTF-8") is dropped. Every problem
is a `Detail` whose field is the column and whose `extra` holds the file, the line (1-based, the
header is line 1; a record spanning lines is named by its first) and the column, so it reads
`cases.csv:4: cpt: unknown CPT code 99999`. A reader collects every problem of the file into
`Problems` and refuses the file as a whole with one `Invalid` (field `file`) listing them all.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from callroom.errors import Detail, Invalid

FILE_FIELD = "file"
"""The field an imported file's refusal names (the upload or paste input of a form)."""


@dataclass(frozen=True)
class Record:
    """One data row: its first line in the file and its values by column (stripped, "" when
    the row is short)."""

    line: int
    values: Mapping[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")


class Problems:
    """The problems found in one file so far, each located by line and column."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.found: list[Detail] = []

    def add(self, line: int, column: str, message: str) -> None:
        extra = {"file": self.source, "line": str(line), "column": column}
        self.found.append(Detail(column, message, extra))

    def extend(self, line: int, said: Iterable[tuple[str, str]]) -> None:
        """Add each (column, message) of one line."""
        for column, message in said:
            self.add(line, column, message)

    def __bool__(self) -> bool:
        return bool(self.found)

    def refuse(self, nothing: str = "nothing was imported") -> None:
        """Raise the file's refusal if anything was found (the problems in line order)."""
        if self.found:
            raise refusal(self.source, self.found, nothing)


def refusal(source: str, details: Sequence[Detail], nothing: str = "nothing was imported") -> Invalid:
    """One `Invalid` for a file's problems: a headline, then each problem on a line."""
    ordered = sorted(details, key=lambda d: int(d.extra.get("line") or 0))
    many = f"{len(ordered)} problems" if len(ordered) > 1 else "a problem"
    headline = f"{source}: {many}, {nothing}"
    return Invalid(FILE_FIELD, "\n".join([headline, *(str(d) for d in ordered)]), ordered)


def read_records(
    text: str, source: str, columns: Sequence[str], *, optional: Sequence[str] = ()
) -> list[Record]:
    """The records of a CSV text whose header names every one of `columns` (and any of
    `optional`, read as "" when absent); `Invalid` naming line 1 when the text is empty or the
    header lacks a column."""
    rows = _rows(text.removeprefix("\ufeff"), source)
    if not rows or not any(cell.strip() for cell in rows[0][1]):
        raise _header_refusal(source, f"the file is empty: it needs a header row ({', '.join(columns)})")
    header = [cell.strip().lower() for cell in rows[0][1]]
    missing = [c for c in columns if c not in header]
    if missing:
        raise _header_refusal(
            source, f"no {', '.join(missing)} column (the header needs {', '.join(columns)})"
        )
    where = {c: header.index(c) for c in (*columns, *optional) if c in header}
    return [
        Record(line, {c: (cells[i].strip() if i < len(cells) else "") for c, i in where.items()})
        for line, cells in rows[1:]
        if any(cell.strip() for cell in cells)
    ]


def _header_refusal(source: str, message: str) -> Invalid:
    return refusal(source, [Detail("header", message, {"file": source, "line": "1", "column": "header"})])


def _rows(text: str, source: str) -> list[tuple[int, list[str]]]:
    """Each row with the line it starts on; `Invalid` naming the line the reader cannot read
    (a field over the csv module's size limit, say)."""
    # newline="": the csv module reads line ends itself, so a lone "\r" inside a row is data.
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    last = 0
    try:
        for cells in reader:
            rows.append((last + 1, cells))
            last = reader.line_num
    except csv.Error as error:
        line = str(last + 1)
        raise refusal(
            source, [Detail("file", f"not readable as CSV: {error}", {"file": source, "line": line})]
        ) from error
    return rows


def write_records(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A CSV text (lines ending in "\\n") with the header and the rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


def split_list(value: str) -> tuple[str, ...]:
    """A `;`-separated cell as its items, spaces and empty items dropped."""
    return tuple(item.strip() for item in value.split(";") if item.strip())
