"""Case logs as CSV: importing residents' logged cases, and the export a program coordinator
reconciles with the ACGME Case Log System.

Import columns (header row, any order): `resident,date,cpt,role` and, optionally,
`attending,case`. `resident` and `attending` are people of the program by id or name; `date` is
YYYY-MM-DD; `cpt` `;`-separated codes of the program's CPT table; `role` SC, SJ, TA or FA;
`case` any reference that ties the lines of one operation together (a board case's id, or the
Case Log System's): the credit rules (`rules.caselog`) are checked across the lines that share
it, and against `existing` lines already logged. Each line's defined categories come from the
CPT table (parents included). A line is checked with the grade its resident had on its day (a
PGY-5's SJ lines of earlier years are right). It is read whole: every problem is named by line and column, and
then nothing is imported.

The export has one row per line, by resident and date: the resident's and the attending's names,
the date, the codes, the role, the case and the defined categories by name. It reads back in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from callroom.domain.grades import Grade
from callroom.domain.operating import ACGME_CATEGORIES, CptTable, CreditRole, LoggedCase
from callroom.domain.program import Program
from callroom.errors import Invalid
from callroom.formats.cpt_table import case_needs
from callroom.formats.csv_records import FILE_FIELD, Problems, Record, read_records, split_list, write_records
from callroom.formats.or_day import ProgramLookup
from callroom.rules.caselog import check_log, future_day

COLUMNS = ("resident", "date", "cpt", "role")
OPTIONAL = ("attending", "case")
EXPORT_COLUMNS = ("resident", "date", "cpt", "role", "attending", "case", "categories")

_CATEGORY_NAMES = {c.id: c.name for c in ACGME_CATEGORIES}
_ROLES = ", ".join(r.value for r in CreditRole)

Said = list[tuple[str, str]]


def parse_case_log(
    text: str,
    source: str,
    *,
    program: Program,
    table: CptTable,
    existing: Sequence[LoggedCase] = (),
    today: date | None = None,
) -> tuple[LoggedCase, ...]:
    """Every line of the log, or `Invalid` naming each bad line and column. The program's grades
    are those of `today` (without it, of the last line's day): a line is checked with the grade
    its resident had on its day."""
    people = ProgramLookup(program)
    problems = Problems(source)
    read: list[tuple[Record, LoggedCase]] = []
    for record in read_records(text, source, COLUMNS, optional=OPTIONAL):
        said: Said = []
        entry = _entry(record, people, table, said, today)
        problems.extend(record.line, said)
        if entry is not None:
            read.append((record, entry))
    _credit(read, existing, {p.id: p.grade for p in program.residents}, problems, today)
    problems.refuse()
    if not read:
        raise Invalid(FILE_FIELD, f"{source}: the file has a header but no cases")
    return tuple(entry for _, entry in read)


def _credit(
    read: list[tuple[Record, LoggedCase]],
    existing: Sequence[LoggedCase],
    grades: Mapping[str, Grade],
    problems: Problems,
    today: date | None,
) -> None:
    """The credit rules across the file's lines and the lines already logged."""
    entries = [entry for _, entry in read]
    for index, why in check_log([*entries, *existing], grades, today=today):
        if index < len(entries):  # a stored line's own problems are not this file's
            problems.add(read[index][0].line, "role", why)


def _entry(
    record: Record, people: ProgramLookup, table: CptTable, said: Said, today: date | None
) -> LoggedCase | None:
    before = len(said)
    resident = _resident(record["resident"], people, said)
    day = _date(record["date"], said, today)
    categories = _categories(record["cpt"], table, said)
    role = _role(record["role"], said)
    attending = _attending(record["attending"], people, said)
    if len(said) > before or resident is None or day is None or role is None:
        return None
    return LoggedCase(
        person_id=resident,
        day=day,
        cpt_codes=split_list(record["cpt"]),
        role=role,
        categories=categories,
        attending_id=attending,
        case_id=record["case"] or None,
    )


def _resident(text: str, people: ProgramLookup, said: Said) -> str | None:
    if not text:
        said.append(("resident", "missing"))
        return None
    person, why = people.person(text)
    if person is None:
        said.append(("resident", why or text))
        return None
    if not person.grade.is_resident:
        said.append(("resident", f"{person.name} is an attending: only residents log cases"))
        return None
    return person.id


def _date(text: str, said: Said, today: date | None) -> date | None:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        said.append(("date", f"{text!r} is not a date (YYYY-MM-DD)"))
        return None
    ahead = None if today is None else future_day(day, today)
    if ahead is not None:
        said.append(("date", ahead))
        return None
    return day


def _categories(text: str, table: CptTable, said: Said) -> tuple[str, ...]:
    codes = split_list(text)
    if not codes:
        said.append(("cpt", "missing: at least one CPT code"))
        return ()
    try:
        return case_needs(codes, table).categories
    except Invalid as error:
        said.append(("cpt", error.message))
        return ()


def _role(text: str, said: Said) -> CreditRole | None:
    try:
        return CreditRole(text.upper())
    except ValueError:
        said.append(("role", f"{text!r} is not a credit role ({_ROLES})"))
        return None


def _attending(text: str, people: ProgramLookup, said: Said) -> str | None:
    if not text:
        return None
    found, why = people.attending(text)
    if why is not None:
        said.append(("attending", why))
    return found


def case_log_csv(entries: Sequence[LoggedCase], program: Program) -> str:
    """The export: one row per line, by resident name, date and case."""

    def name(person_id: str | None) -> str:
        if person_id is None:
            return ""
        person = program.person.get(person_id)
        return person_id if person is None else person.name

    ordered = sorted(entries, key=lambda e: (name(e.person_id), e.day, e.case_id or "", e.id or 0))
    return write_records(
        EXPORT_COLUMNS,
        (
            (
                name(e.person_id),
                e.day.isoformat(),
                ";".join(e.cpt_codes),
                e.role.value,
                name(e.attending_id),
                e.case_id or "",
                "; ".join(_CATEGORY_NAMES.get(c, c) for c in e.categories),
            )
            for e in ordered
        ),
    )
