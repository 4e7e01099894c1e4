"""A residents list (CSV) for the set-up pages: name, email, grade and start date, one resident a
row under a header row, columns in any order, spaces around values ignored.

It is read whole before anything is added: a bad row (an unknown grade, a date that is not
YYYY-MM-DD, an email that is not one, a resident listed twice or already in the program) is
named by its row number (the header is row 1) and column, and the list is refused as a whole.
Grades are read by `Grade.parse`, the program file's own reading of a grade.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from callroom.domain.grades import Grade
from callroom.errors import Detail, Invalid
from callroom.formats.program_forms import EMAIL

COLUMNS = ("name", "email", "grade", "start date")
_ALIASES = {"start": "start date", "start_date": "start date", "startdate": "start date"}


@dataclass(frozen=True)
class Resident:
    name: str
    email: str
    grade: str  # as the file writes a grade: "PGY-2"
    start: str  # YYYY-MM-DD, or "" for the block's first day


def read_residents(text: str, names: set[str], emails: set[str]) -> list[Resident]:
    """Every resident of the list, or Invalid naming each bad row and column. `names` and
    `emails` (lower case) are the program's people already: listing one again is refused."""
    try:
        # newline="": the csv module reads line ends itself, so a lone "\r" inside a row is data.
        rows = list(csv.reader(io.StringIO(text.strip(), newline="")))
    except csv.Error as error:
        raise Invalid("csv", f"the list is not readable as CSV: {error}") from error
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise Invalid("csv", f"the list is empty: a header row ({', '.join(COLUMNS)}) and a row a resident")
    header = [_ALIASES.get(cell.strip().lower(), cell.strip().lower()) for cell in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise Invalid(
            "csv", f"row 1: the header has no {', '.join(missing)} column (it needs {', '.join(COLUMNS)})"
        )
    where = {column: header.index(column) for column in COLUMNS}
    found: list[Resident] = []
    problems: list[Detail] = []
    seen_names, seen_emails = set(names), set(emails)
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = {c: (cells[i].strip() if i < len(cells) else "") for c, i in where.items()}
        said = list(_row_problems(values, seen_names, seen_emails))
        problems += [
            Detail(f"row {number}, {column}", f"row {number}, {column}: {message}")
            for column, message in said
        ]
        seen_names.add(values["name"].lower())
        seen_emails.add(values["email"].lower())
        if not said:
            grade = Grade.parse(values["grade"]).label
            found.append(Resident(values["name"], values["email"], grade, values["start date"]))
    if problems:
        many = f"{len(problems)} problems" if len(problems) > 1 else "a problem"
        raise Invalid("csv", f"{many} in the list: nobody was imported", problems)
    if not found:
        raise Invalid("csv", "the list has a header but no residents")
    return found


def _row_problems(values: dict[str, str], names: set[str], emails: set[str]) -> list[tuple[str, str]]:
    said: list[tuple[str, str]] = []
    if not values["name"]:
        said.append(("name", "missing"))
    elif values["name"].lower() in names:
        said.append(("name", f"{values['name']} is listed twice or is already in the program"))
    if not EMAIL.fullmatch(values["email"]):
        said.append(("email", f"{values['email']!r} is not an email address"))
    elif values["email"].lower() in emails:
        said.append(("email", f"{values['email']} is listed twice or is already in the program"))
    try:
        Grade.parse(values["grade"])
    except ValueError:
        said.append(("grade", f"unknown grade {values['grade']!r}: use PGY-1 to PGY-5 or attending"))
    if values["start date"]:
        try:
            date.fromisoformat(values["start date"])
        except ValueError:
            said.append(("start date", f"{values['start date']!r} is not a date (YYYY-MM-DD)"))
    return said
