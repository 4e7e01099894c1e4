"""`CaseLogService`: residents log their cases (CPT codes and credit role, checked against the
ACGME credit rules), read their dashboard against the minimums and the program's yearly
targets; the chief and the program director read everyone's, import a log (all lines or none)
and export it for reconciling with the ACGME Case Log System; the program's CPT table is read by
everyone clinical and replaced by the chief or the program director, as a new version.

Lines are de-identified: CPT codes, role, attending, the board's case id; never a patient.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy.orm import Session

from callroom.accounts.permissions import Permission
from callroom.accounts.principal import Principal
from callroom.domain.clock import Clock, utc_now
from callroom.domain.grades import Grade
from callroom.domain.operating import CptTable, LoggedCase
from callroom.domain.program import Person, Program
from callroom.errors import Conflict, Detail, Invalid, NotAllowed, NotFound
from callroom.formats.caselog_csv import case_log_csv, parse_case_log
from callroom.formats.cpt_table import case_needs, cpt_table_text, parse_cpt_table
from callroom.operating.context import Found, Programs
from callroom.operating.types import CptTableView, LogImport, LogLine
from callroom.rules.caselog import (
    ProgressRow,
    Tally,
    credit_problems,
    future_day,
    grade_on,
    months_in_training,
    progress,
    tally,
)
from callroom.rules.operating import case_words
from callroom.storage import Database
from callroom.storage.operating_repositories import (
    CaseLogRecord,
    CaseLogRepository,
    CptTableRepository,
    OrRepository,
)

CPT_TABLE_FILE = "cpt-table.csv"


@dataclass(frozen=True)
class Dashboard:
    """One resident's case log against the minimums: their tally and the progress rows."""

    person_id: str
    name: str
    grade: Grade
    tally: Tally
    rows: tuple[ProgressRow, ...]

    @property
    def behind(self) -> tuple[ProgressRow, ...]:
        return tuple(row for row in self.rows if row.behind)


class CaseLogService:
    def __init__(self, database: Database, programs: Programs, *, clock: Clock = utc_now) -> None:
        self._database = database
        self._programs = programs
        self._clock = clock

    # --- one's own lines ----------------------------------------------------------------------

    def log(self, caller: Principal, entry: LoggedCase, *, opened: int | None = None) -> LogLine:
        """Log one case for the caller (categories from the CPT table; refused naming each
        credit rule it breaks). `opened` is the newest of the caller's line ids when the form
        was opened (0 for none): a line the same as one stored since then is the same form sent
        twice (a double click, the back button), stored once; its stored line comes back with
        `again` set. Without it (the API), every line is a new one."""
        caller.require(Permission.CASELOG_OWN, "log cases")
        _own(caller, entry.person_id)
        with self._database.session() as session:
            if opened is not None:  # locked: two copies of one form sent at once store one line
                now = self._programs.now(session)
                OrRepository(session).lock(now.family)
                sent = _sent_since(CaseLogRepository(session), now, entry, opened)
                if sent is not None:
                    return replace(_line(sent), again=True)
            found, checked = self._checked(session, entry)
            stored = CaseLogRepository(session, clock=self._clock).add(
                found.family, [checked], source="app", by=caller.user
            )
        return _line(stored[0])

    def update(self, caller: Principal, entry_id: int, entry: LoggedCase) -> LogLine:
        """Correct one of the caller's lines."""
        caller.require(Permission.CASELOG_OWN, "correct logged cases")
        with self._database.session() as session:
            found = self._programs.now(session)
            repo = CaseLogRepository(session, clock=self._clock)
            _own(caller, self._stored(repo, found, entry_id).entry.person_id)
            _own(caller, entry.person_id)
            _, checked = self._checked(session, replace(entry, id=entry_id))
            return _line(repo.replace(found.family, entry_id, checked))

    def remove(self, caller: Principal, entry_id: int) -> None:
        """Remove one of the caller's lines."""
        caller.require(Permission.CASELOG_OWN, "remove logged cases")
        with self._database.session() as session:
            found = self._programs.now(session)
            repo = CaseLogRepository(session, clock=self._clock)
            _own(caller, self._stored(repo, found, entry_id).entry.person_id)
            repo.remove(found.family, entry_id)

    def _stored(self, repo: CaseLogRepository, found: Found, entry_id: int) -> CaseLogRecord:
        stored = repo.get(found.family, entry_id)
        if stored is None:
            raise NotFound("entry_id", f"no case-log line {entry_id}")
        return stored

    def _checked(self, session: Session, entry: LoggedCase) -> tuple[Found, LoggedCase]:
        found = self._programs.now(session)
        table, _ = self._programs.cpt_table(session, found.family)
        # The credit rules tie a line only to the lines of its case.
        existing = (
            [line.entry for line in CaseLogRepository(session).entries(found.family, case_id=entry.case_id)]
            if entry.case_id is not None
            else []
        )
        today = self._programs.today(session)
        ahead = future_day(entry.day, today)
        if ahead is not None:
            raise Invalid("day", ahead)
        checked = _categorised(entry, table)
        problems = _problems(found.program, checked, existing, today)
        if problems:
            raise Invalid.of([Detail("role", p) for p in problems])
        return found, checked

    # --- reading ------------------------------------------------------------------------------

    def entries(self, caller: Principal, person_id: str) -> tuple[LogLine, ...]:
        """A resident's lines, oldest first (one's own, or anyone's with `caselog:read`)."""
        self._may_read(caller, person_id)
        with self._database.reading() as session:
            found = self._programs.now(session)
            return tuple(_line(r) for r in CaseLogRepository(session).entries(found.family, person_id))

    def dashboard(self, caller: Principal, person_id: str) -> Dashboard:
        """A resident's counts against the minimums and the program's target for their year."""
        self._may_read(caller, person_id)
        with self._database.reading() as session:
            found = self._programs.now(session)
            person = _resident(found.program, person_id)
            lines = CaseLogRepository(session).entries(found.family, person_id)
            today = self._programs.today(session)
        return _dashboard(person, [line.entry for line in lines], months_in_training(person.grade, today))

    def program_progress(self, caller: Principal) -> tuple[Dashboard, ...]:
        """Every resident's dashboard, by grade then name."""
        caller.require(Permission.CASELOG_READ, "read the program's case-log progress")
        with self._database.reading() as session:
            found = self._programs.now(session)
            lines = [line.entry for line in CaseLogRepository(session).entries(found.family)]
            today = self._programs.today(session)
        people = sorted(found.program.residents, key=lambda p: (-p.grade, p.name))
        mine: dict[str, list[LoggedCase]] = defaultdict(list)
        for entry in lines:
            mine[entry.person_id].append(entry)
        return tuple(_dashboard(p, mine[p.id], months_in_training(p.grade, today)) for p in people)

    def _may_read(self, caller: Principal, person_id: str) -> None:
        if caller.can(Permission.CASELOG_READ):
            return
        caller.require(Permission.CASELOG_OWN, "read case logs")
        _own(caller, person_id)

    # --- the coordinator's import and export --------------------------------------------------

    def import_log(self, caller: Principal, text: str, filename: str) -> LogImport:
        """Import a case log (`resident,date,cpt,role,attending,case`): every line checked by the
        importer against the credit rules (with the grade its resident had on its day, and the
        lines stored for its case), all stored or none. A line identical to a stored one (same
        resident, day, codes, role, attending and case) is skipped, not stored twice: importing
        the same export again must not double anyone's counts.

        The file is parsed and checked against a snapshot of the stored lines before the write
        lock is taken (seconds for a program's log); inside the transaction only what could have
        changed is looked at again: the stored lines (checked once more, against the new ones,
        when someone logged, corrected or removed a line meanwhile) and the CPT table's version."""
        caller.require(Permission.CASELOG_READ, "import case logs")
        with self._database.reading() as session:
            found = self._programs.now(session)
            table, version = self._programs.cpt_table(session, found.family)
            snapshot = [r.entry for r in CaseLogRepository(session).entries(found.family)]
            today = self._programs.today(session)
        read = parse_case_log(text, filename, program=found.program, table=table, today=today)
        new, skipped = _new_lines(text, filename, found.program, table, read, snapshot, today)
        with self._database.session() as session:
            OrRepository(session).lock(found.family)
            if self._programs.cpt_table(session, found.family)[1] != version:
                raise Conflict("file", "the CPT table changed while importing: try again")
            repo = CaseLogRepository(session, clock=self._clock)
            stored = [r.entry for r in repo.entries(found.family)]
            if stored != snapshot:  # a line logged, corrected or removed since the snapshot
                new, skipped = _new_lines(text, filename, found.program, table, read, stored, today)
            added = repo.add(found.family, new, source="import", by=caller.user)
        return LogImport(tuple(_line(r) for r in added), skipped)

    def export_log(self, caller: Principal) -> str:
        """Every line as CSV, one row per line with the resident's and attending's names."""
        caller.require(Permission.CASELOG_READ, "export case logs")
        with self._database.reading() as session:
            found = self._programs.now(session)
            lines = CaseLogRepository(session).entries(found.family)
        return case_log_csv([line.entry for line in lines], found.program)

    # --- the CPT table --------------------------------------------------------------------------

    def cpt_table(self, caller: Principal) -> CptTableView:
        """The CPT table in use (the default shipped with callroom until one is stored)."""
        if not caller.can(Permission.CASELOG_OWN):
            caller.require(Permission.OR_READ, "read the CPT table")
        with self._database.reading() as session:
            found = self._programs.now(session)
            table, number = self._programs.cpt_table(session, found.family)
            stored = CptTableRepository(session).newest(found.family)
        return CptTableView(
            table, cpt_table_text(table), number, None if stored is None else stored.created_by
        )

    def replace_cpt_table(self, caller: Principal, text: str, *, base: int | None = None) -> CptTableView:
        """Store a new CPT table (checked whole, refusals naming line and column) as the next
        version; lines logged before keep the categories they were logged with. Refused while a
        case on the board from today on has a code the new table leaves out (the board reads
        what each case needs from the table), and when `base`, the version the editor was
        opened from, is no longer the newest (someone saved since)."""
        caller.require(Permission.CPT_EDIT, "replace the CPT table")
        table = parse_cpt_table(text, CPT_TABLE_FILE)
        with self._database.session() as session:
            found = self._programs.now(session)
            OrRepository(session).lock(found.family)
            _check_cpt_base(self._programs.cpt_table(session, found.family)[1], base)
            today = self._programs.today(session)
            _keeps_the_boards_codes(OrRepository(session), found, table, today)
            stored = CptTableRepository(session, clock=self._clock).add(found.family, text, caller.user)
        return CptTableView(table, text, stored.number, stored.created_by)


def _check_cpt_base(newest: int, base: int | None) -> None:
    """Conflict when someone saved a CPT table since the version the editor was opened from."""
    if base is not None and base != newest:
        raise Conflict(
            "base",
            f"someone saved the CPT table since you opened it (version {base}, now {newest}): "
            "your text is kept below; compare it with the table above and save again",
        )


def _keeps_the_boards_codes(repo: OrRepository, found: Found, table: CptTable, today: date) -> None:
    used = {code: case for case in repo.cases_from(found.family, today) for code in case.cpt_codes}
    missing = sorted(code for code in used if table.get(code) is None)
    if missing:
        case = used[missing[0]]
        raise Invalid(
            "text",
            f"{CPT_TABLE_FILE}: the new table leaves out {', '.join(missing)}, which the case "
            f"{case_words(case, found.program.hospital.timezone)} ({case.day:%a %d %b}) "
            "on the OR board uses: keep the code (it may be changed) or correct the case first",
        )


def _new_lines(
    text: str,
    filename: str,
    program: Program,
    table: CptTable,
    read: Sequence[LoggedCase],
    stored: Sequence[LoggedCase],
    today: date,
) -> tuple[list[LoggedCase], int]:
    """The file's lines not stored yet, and how many it holds that are (matched one for one,
    so a file with two identical lines against one stored keeps one). Credit rules tie lines of
    one case together: when a new line shares its case with a stored line the file does not
    repeat, the file is parsed again against those lines, refused naming each line it breaks."""
    left = Counter(_key(e) for e in stored)
    new: list[LoggedCase] = []
    for entry in read:
        if left[_key(entry)] > 0:
            left[_key(entry)] -= 1
        else:
            new.append(entry)
    rest: list[LoggedCase] = []  # the stored lines the file does not repeat
    for entry in stored:
        if left[_key(entry)] > 0:
            left[_key(entry)] -= 1
            rest.append(entry)
    shared = {e.case_id for e in new if e.case_id is not None} & {e.case_id for e in rest}
    if shared:
        related = [e for e in rest if e.case_id in shared]
        parse_case_log(text, filename, program=program, table=table, existing=related, today=today)
    return new, len(read) - len(new)


def _key(entry: LoggedCase) -> tuple[object, ...]:
    """What makes two lines the same case logged twice (not the stored id or categories)."""
    return (entry.person_id, entry.day, entry.cpt_codes, entry.role, entry.attending_id, entry.case_id)


def _sent_since(
    repo: CaseLogRepository, found: Found, entry: LoggedCase, opened: int
) -> CaseLogRecord | None:
    """The caller's line stored after `opened` that is `entry` again, if any."""
    return next(
        (
            r
            for r in repo.entries(found.family, entry.person_id)
            if (r.entry.id or 0) > opened and _key(r.entry) == _key(entry)
        ),
        None,
    )


def _own(caller: Principal, person_id: str) -> None:
    if person_id != caller.identity:
        raise NotAllowed("person_id", "a resident logs and reads only their own cases")


def _resident(program: Program, person_id: str) -> Person:
    person = next((p for p in program.residents if p.id == person_id), None)
    if person is None:
        raise NotFound("person_id", f"no resident {person_id!r} in the program")
    return person


def _categorised(entry: LoggedCase, table: CptTable) -> LoggedCase:
    """The line with the categories its codes count toward (an unknown code is Invalid)."""
    return replace(entry, categories=case_needs(entry.cpt_codes, table).categories)


def _problems(program: Program, entry: LoggedCase, existing: Sequence[LoggedCase], today: date) -> list[str]:
    """The credit rules the line breaks, judged with the grades of the line's day."""
    grades = {p.id: grade_on(p.grade, today, entry.day) for p in program.people}
    return credit_problems(entry, existing, grades[_resident(program, entry.person_id).id], grades=grades)


def _dashboard(person: Person, lines: Sequence[LoggedCase], done: float) -> Dashboard:
    counted = tally(lines)
    return Dashboard(
        person.id, person.name, person.grade, counted, tuple(progress(counted, person.grade, done))
    )


def _line(record: CaseLogRecord) -> LogLine:
    return LogLine(record.entry, record.source, record.created_at, record.created_by)
