"""The program's CPT table as CSV, the general-surgery default that ships with callroom, and what a
case's codes say about it (`case_needs`).

The file has the header `code,description,categories,min_grade,index`, one code a row:
`categories` are `;`-separated ACGME defined-category ids (`abdominal.biliary;lap-basic`; empty
for a code that counts toward none, a neurosurgery craniotomy), `min_grade` is the least grade
that may take surgeon credit ("PGY-3"), `index` is yes or no. It is read all or nothing: each bad
cell is named by file, line and column (`callroom.formats.csv_records`).

The default (`data/cpt_general_surgery.csv`) is a starting point a program edits, not a coding
reference: the common general-surgery operations with the categories the ACGME Case Log System
credits them to, plus a few codes of the services residents rotate through (neurosurgery,
cardiothoracic) so a whole OR day can be imported. A sub-category's parent is not written in the
file: `case_needs` adds it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from types import MappingProxyType

from callroom.domain.grades import Grade
from callroom.domain.operating import ACGME_CATEGORIES, CaseNeeds, CptEntry, CptTable
from callroom.errors import Invalid
from callroom.formats.csv_records import Problems, Record, read_records, split_list, write_records
from callroom.rules.caselog import with_parents

COLUMNS = ("code", "description", "categories", "min_grade", "index")
DEFAULT_TABLE = "cpt_general_surgery.csv"

_CATEGORY = {c.id: c for c in ACGME_CATEGORIES}
_CODE = re.compile(r"\d{4}[0-9A-Z]")  # five digits, or four and a letter (Category II and III codes)
_YES = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False, "0": False}


@cache
def default_cpt_table() -> CptTable:
    """The general-surgery table that ships with callroom (read once per process)."""
    text = resources.files("callroom.formats").joinpath("data", DEFAULT_TABLE).read_text(encoding="utf-8")
    return parse_cpt_table(text, DEFAULT_TABLE)


def parse_cpt_table(text: str, source: str) -> CptTable:
    """Every row of a CPT table file, or `Invalid` naming each bad line and column (a code
    listed twice, an unknown category, a grade that is not PGY-1..PGY-5, an index that is
    neither yes nor no)."""
    problems = Problems(source)
    entries: dict[str, CptEntry] = {}
    for record in read_records(text, source, COLUMNS):
        said = _row_problems(record, entries)
        problems.extend(record.line, said)
        if not said:
            entry = _entry(record)
            entries[entry.code] = entry
    problems.refuse("the table was not changed")
    if not entries:
        raise Invalid("file", f"{source}: the table has a header but no codes")
    return CptTable(MappingProxyType(entries))


def _row_problems(record: Record, seen: dict[str, CptEntry]) -> list[tuple[str, str]]:
    said: list[tuple[str, str]] = []
    code = record["code"]
    if not _CODE.fullmatch(code):
        said.append(("code", f"{code!r} is not a CPT code (five digits, or four and a letter)"))
    elif code in seen:
        said.append(("code", f"{code} is listed twice"))
    if not record["description"]:
        said.append(("description", "missing: say what the operation is"))
    said += [("categories", message) for message in category_problems(split_list(record["categories"]))]
    if (grade := _grade(record["min_grade"])) is None or not grade.is_resident:
        said.append(("min_grade", f"{record['min_grade']!r} is not a resident grade (PGY-1 to PGY-5)"))
    if record["index"].lower() not in _YES and record["index"]:
        said.append(("index", f"{record['index']!r} is neither yes nor no"))
    return said


def category_problems(ids: Sequence[str]) -> list[str]:
    """Why each id that is not an ACGME defined category is wrong."""
    return [f"unknown category {id_!r}: {_category_hint(id_)}" for id_ in ids if id_ not in _CATEGORY]


def _category_hint(id_: str) -> str:
    close = [c.id for c in ACGME_CATEGORIES if c.id.startswith(id_.split(".")[0].lower())]
    return f"did you mean {' or '.join(close[:4])}?" if close else "see the ACGME defined categories"


def _grade(text: str) -> Grade | None:
    try:
        return Grade.parse(text)
    except ValueError:
        return None


def _entry(record: Record) -> CptEntry:
    return CptEntry(
        code=record["code"],
        description=record["description"],
        categories=split_list(record["categories"]),
        min_grade=Grade.parse(record["min_grade"]),
        index=_YES.get(record["index"].lower(), False),
    )


def cpt_table_text(table: CptTable) -> str:
    """The table as the CSV `parse_cpt_table` reads back (rows in the table's order)."""
    return write_records(
        COLUMNS,
        (
            (e.code, e.description, ";".join(e.categories), e.min_grade.label, "yes" if e.index else "no")
            for e in table.entries.values()
        ),
    )


def case_needs(case_codes: Sequence[str], table: CptTable) -> CaseNeeds:
    """What a case's codes say through the table: the most senior of their least grades, every
    category they count toward with each sub-category's parent added (in the ACGME's order),
    and whether any is an index case. `Invalid` (field `cpt`) for a code not in the table or a
    case without one."""
    if not case_codes:
        raise Invalid("cpt", "a case needs at least one CPT code")
    unknown = [code for code in case_codes if table.get(code) is None]
    if unknown:
        raise Invalid("cpt", f"{_unknown_codes(unknown)} not in the program's CPT table")
    entries = [e for code in case_codes if (e := table.get(code)) is not None]
    return CaseNeeds(
        min_grade=max(e.min_grade for e in entries),
        categories=with_parents(c for e in entries for c in e.categories),
        index=any(e.index for e in entries),
    )


def _unknown_codes(codes: Sequence[str]) -> str:
    return f"CPT code {codes[0]} is" if len(codes) == 1 else f"CPT codes {', '.join(codes)} are"
