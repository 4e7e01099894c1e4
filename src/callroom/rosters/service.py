"""`RosterService`: the live roster and the chief's and admin's changes to it, for the API, the
web pages and the CLI alike.

- The live roster is the roster of the block holding today (of CALLROOM_PAGING_PROGRAM and,
  for a year, its blocks; or of any program), else the newest stored (`LiveSchedules`).
  Which version is live is asked at most every `recheck_s`, so a board polling who is on
  call costs no query per request; a version saved through this service is seen at once, one
  saved elsewhere within `recheck_s` (or at once after `forget`).
- A cell edit is checked with `callroom.rules.change.impact` (the same checkers as a solve, on
  the people it touches plus cover) and saved as the next version, with who, when, why and
  what in its audit. A save that would break a hard rule is refused unless forced with a reason.
- A new program file is checked line by line and stored as the program's next version; the
  live roster is carried over to it as a new roster version, or the change is refused when the
  roster uses people, posts or shifts the new file no longer has.
- A solve of a program respects the absences the chief approved on its rosters: the caller
  asks `program_for_solve` for the program with them before solving, and `store_solution`
  refuses a roster that breaks one.
- Declared conflicts' reasons are the chief's: the admin reads the file with a placeholder for
  each, and a placeholder sent back keeps the stored reason; the chief reads them (`conflicts`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from callroom.accounts.permissions import Permission
from callroom.accounts.principal import Principal
from callroom.domain.clock import Clock, utc_now
from callroom.domain.program import Conflict as DeclaredConflict
from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.domain.wallclock import Interval, days_interval
from callroom.errors import Conflict, Invalid, NotFound
from callroom.formats.program_file import ProgramFileError, parse_program
from callroom.formats.program_forms import dump_document, load_document
from callroom.formats.program_reasons import hide_reasons, keep_reasons
from callroom.paging.routing import Schedule
from callroom.rosters.audit import CellAudit, ProgramAudit, describe
from callroom.rosters.compare import Comparison, compare
from callroom.rosters.edits import CellEdit, EditCheck, HardRulesBroken, StaleVersion, change_for
from callroom.rosters.live import Live, LiveSchedules
from callroom.rosters.store import add_version
from callroom.rosters.wishes import with_wishes
from callroom.rules.absences import check_absences
from callroom.rules.change import impact
from callroom.rules.context import CheckContext
from callroom.rules.privacy import as_seen_by
from callroom.rules.violations import Violation
from callroom.solver.run import Solution
from callroom.storage import (
    Database,
    ProgramRepository,
    RosterRepository,
    RosterSource,
    RosterVersionRecord,
)
from callroom.storage.changes_repositories import AbsenceRecord, AbsenceRepository, ChangeRepository

LIVE_RECHECK_S = 0.5
NO_ROSTER = "no roster has been saved yet: solve one first (callroom solve)"


@dataclass(frozen=True)
class VersionLine:
    """A roster version and, in one line, how it came to be."""

    id: int
    number: int
    created_at: datetime
    line: str


@dataclass(frozen=True)
class SavedEdit:
    check: EditCheck
    version: RosterVersionRecord


@dataclass(frozen=True)
class ProgramReplaced:
    program: str
    program_version: int
    version: RosterVersionRecord | None  # None: the file was unchanged, so nothing was stored


@dataclass(frozen=True)
class ProgramFile:
    """A stored program file as the set-up forms read it: its text (reasons hidden) and its
    version number, which a form carries so a save over a newer version is refused."""

    text: str
    version: int


@dataclass(frozen=True)
class ProgramConflicts:
    """A stored program file read for its declared conflicts, and its version number."""

    program: Program
    version: int


class RosterService:
    def __init__(
        self,
        database: Database,
        schedules: LiveSchedules,
        *,
        clock: Clock = utc_now,
        recheck_s: float = LIVE_RECHECK_S,
    ) -> None:
        self._database = database
        self.schedules = schedules
        self._clock = clock
        self._recheck_s = recheck_s
        self._checked: tuple[Live | None, float] | None = None

    # --- the live roster and its versions -------------------------------------------------

    def live(self) -> Live | None:
        """The live roster, or None while nothing has been solved or imported."""
        checked = self._checked
        if checked is not None and time.monotonic() - checked[1] < self._recheck_s:
            return checked[0]
        with self._database.reading() as session:
            found = self.schedules.live(session)
        self._checked = (found, time.monotonic())
        return found

    def require_live(self) -> Live:
        """The live roster; NotFound (field "roster") while there is none."""
        found = self.live()
        if found is None:
            raise NotFound("roster", NO_ROSTER)
        return found

    def schedule(self) -> Schedule:
        return self.require_live().schedule

    def forget(self) -> None:
        """Ask again which version is live: another service of this process saved one."""
        self._checked = None

    def versions(self, program: str | None = None) -> list[RosterVersionRecord]:
        """Every version of `program`'s roster (default: the live program's), drafts included,
        oldest first."""
        name = program or self.require_live().name
        with self._database.reading() as session:
            return RosterRepository(session).list_versions(name)

    def history(self, newest: int) -> list[VersionLine]:
        """The `newest` versions of the live program, newest first, each with its audit line."""
        live = self.require_live()
        chosen = reversed(self.versions(live.name)[-newest:])
        return [VersionLine(v.id, v.number, v.created_at, describe(v, live.program)) for v in chosen]

    def version(self, number: int, program: str | None = None) -> Live:
        """Version `number` of `program` (default: the live program); NotFound if none."""
        name = program or self.require_live().name
        with self._database.reading() as session:
            record = RosterRepository(session).by_number(name, number)
            if record is None:
                raise NotFound("number", f"{name} has no roster version {number}")
            return self.schedules.version(session, record.id)

    def compare(
        self, program: str, number: int, other: int | None = None
    ) -> tuple[Live, Live | None, Comparison]:
        """Version `number` of `program`, the version it is weighed against (`other`, default
        the live one; None when nothing is published yet, against an empty roster), and the
        comparison under `number`'s program."""
        chosen = self.version(number, program)
        if other is not None:
            base: Live | None = self.version(other, program)
        else:
            with self._database.reading() as session:
                live_id = RosterRepository(session).newest_id(program)
                base = None if live_id is None else self.schedules.version(session, live_id)
        before = base.roster if base is not None else Roster.of(())
        return chosen, base, compare(chosen.program, before, chosen.roster)

    def stored(self, program: str | None = None, number: int | None = None) -> Live:
        """A stored version: the newest of `program` (default: the live program), or its version
        `number`; NotFound when there is none."""
        if number is not None:
            return self.version(number, program)
        with self._database.reading() as session:
            found = self.schedules.live(session, program)
        if found is None:
            raise NotFound("program", NO_ROSTER if program is None else f"no roster of {program} is stored")
        return found

    # --- the chief's cell edit ------------------------------------------------------------

    def check(self, edit: CellEdit) -> EditCheck:
        """What the edit would do and what the rules say, on the live roster; nothing saved."""
        live = self.require_live()
        if edit.base_version != live.record.number:
            raise StaleVersion(live.record.number)
        change = change_for(live.program, live.roster, edit)
        return EditCheck(change, impact(live.program, live.roster, change))

    def save(self, caller: Principal, edit: CellEdit) -> SavedEdit:
        """Check the edit and save it as the next version. HardRulesBroken when it breaks a
        hard rule and is not forced with a reason; StaleVersion when the roster moved on."""
        caller.require(Permission.ROSTER_EDIT, "edit the roster")
        found = self.check(edit)
        if found.impact.hard and not edit.force:
            raise HardRulesBroken(found.impact.hard)
        if edit.force and not edit.reason.strip():
            raise Invalid("reason", "say why, when saving an edit that breaks hard rules")
        live = self.require_live()
        audit = CellAudit(
            caller.user,
            caller.role.value,
            self._clock(),
            edit.reason.strip(),
            edit.base_version,
            found.change.removed,
            found.change.added,
            _words(found.impact.hard, live),
            _words(found.impact.introduced, live),
            _words(found.impact.resolved, live),
        )
        with self._database.session() as session:
            saved = add_version(session, live, found.impact.after, audit, status="edited")
        self.forget()
        return SavedEdit(found, saved)

    # --- the program file -------------------------------------------------------------------

    def program_source(self, caller: Principal) -> str:
        """The program file the live roster was made for, as stored, except that each declared
        conflict's reason is a placeholder: the reasons are the chief's (`conflicts`), and an
        admin maintains the file without them (`formats.program_reasons`)."""
        caller.require(Permission.REFERENCE_EDIT, "read the program file")
        return hide_reasons(self._stored_source(self.require_live()))

    def conflicts(self, caller: Principal) -> tuple[DeclaredConflict, ...]:
        """The live program's declared conflicts, with their reasons: for the chief alone."""
        caller.require(Permission.CONFLICTS_READ, "read the declared conflicts")
        return self.require_live().program.conflicts

    def _stored_source(self, live: Live) -> str:
        with self._database.reading() as session:
            source = ProgramRepository(session).get_version(live.record.program_version_id)
        assert source is not None  # a roster version's program version is a foreign key
        return source.source_text

    def program_text(self, caller: Principal, name: str) -> str | None:
        """The newest stored file of program `name` (the live program's need not be the newest:
        a draft solve may follow it), reasons hidden as in `program_source`; None when no
        program of that name is stored yet."""
        found = self.program_file(caller, name)
        return None if found is None else found.text

    def program_file(self, caller: Principal, name: str, number: int | None = None) -> ProgramFile | None:
        """Program `name`'s newest file, or its version `number`, with its version number
        (reasons hidden as in `program_source`); None when there is no such version."""
        caller.require(Permission.REFERENCE_EDIT, "read the program file")
        with self._database.reading() as session:
            programs = ProgramRepository(session)
            found = programs.latest(name) if number is None else programs.numbered(name, number)
        return None if found is None else ProgramFile(hide_reasons(found.source_text), found.number)

    def replace_program(
        self,
        caller: Principal,
        source: str,
        reason: str,
        program: str | None = None,
        *,
        base_version: int | None = None,
    ) -> ProgramReplaced:
        """Store a new program file and carry the live roster over to it (see the module doc).
        A conflict whose reason is still the placeholder keeps the reason stored for that pair.

        `program` names the program (default: the live one). A program with no live roster (one
        being set up, or the first of a new database) is checked the same way and stored as its
        next, or first, version; a solve (`/rosters`) then makes its first roster.

        `base_version`, when given, is the version `source` was made from: Conflict, nothing
        saved, when a newer one has been stored since (two people editing at once)."""
        caller.require(Permission.REFERENCE_EDIT, "replace the program file")
        return self._replace(caller, source, reason, program, base_version)

    def conflicts_of(self, caller: Principal, name: str, number: int | None = None) -> ProgramConflicts:
        """Program `name` as its newest file (or its version `number`) says, declared conflicts
        and their reasons included, with the version: for the chief, who keeps them
        (`replace_conflicts`)."""
        caller.require(Permission.CONFLICTS_READ, "read the declared conflicts")
        with self._database.reading() as session:
            programs = ProgramRepository(session)
            found = programs.latest(name) if number is None else programs.numbered(name, number)
        if found is None:
            raise NotFound(
                "program",
                f"no program {name!r} is stored" + ("" if number is None else f" as version {number}"),
            )
        return ProgramConflicts(self.schedules.parsed(found), found.number)

    def replace_conflicts(
        self,
        caller: Principal,
        name: str,
        conflicts: Sequence[DeclaredConflict],
        reason: str,
        *,
        base_version: int | None = None,
    ) -> ProgramReplaced:
        """The chief's declared conflicts written into program `name`'s newest file, saved as
        `replace_program` saves a file (checked, stored, the live roster carried over, refused
        over a version newer than `base_version`). The reasons are written as given: the chief
        reads and writes them."""
        caller.require(Permission.CONFLICTS_EDIT, "declare conflicts")
        with self._database.reading() as session:
            found = ProgramRepository(session).latest(name)
        if found is None:
            raise NotFound("program", f"no program {name!r} is stored")
        document = load_document(found.source_text)
        document["conflicts"] = [{"between": [c.first, c.second], "reason": c.reason} for c in conflicts]
        if not conflicts:
            del document["conflicts"]
        return self._replace(caller, dump_document(document), reason, name, base_version)

    def _replace(
        self, caller: Principal, source: str, reason: str, program: str | None, base_version: int | None
    ) -> ProgramReplaced:
        if not reason.strip():
            raise Invalid("reason", "say why (kept in the roster version's audit)")
        live = self.live()
        if live is None and program is None:
            raise NotFound("roster", NO_ROSTER)
        if live is None or (program is not None and program != live.name):
            assert program is not None
            return self._store_program(caller, program, source, base_version)
        source = keep_reasons(source, self._stored_source(live), live.program.conflicts)
        parsed = _parsed(source, f"{live.name}.yaml")
        _check_roster_fits(parsed, live.roster)
        audit = ProgramAudit(caller.user, reason.strip(), live.record.program_version_id)
        with self._database.session() as session:
            stored = ProgramRepository(session).save_source(
                live.name, source, f"api:{caller.user}", _holds(parsed), expected=base_version
            )
            if stored.id == live.record.program_version_id:
                return ProgramReplaced(live.name, stored.number, None)
            saved = add_version(
                session,
                live,
                live.roster,
                audit,
                status="program changed",
                program=parsed,
                program_version_id=stored.id,
            )
        self.forget()
        return ProgramReplaced(live.name, stored.number, saved)

    def _store_program(
        self, caller: Principal, name: str, source: str, base_version: int | None
    ) -> ProgramReplaced:
        """A program without a live roster: its file checked and stored; no roster to carry."""
        if not name.strip():
            raise Invalid("program", "name the program")
        with self._database.reading() as session:
            before = ProgramRepository(session).latest(name)
        if before is not None:
            stored_conflicts = self.schedules.parsed(before).conflicts
            source = keep_reasons(source, before.source_text, stored_conflicts)
        parsed = _parsed(source, f"{name}.yaml")
        with self._database.session() as session:
            stored = ProgramRepository(session).save_source(
                name, source, f"api:{caller.user}", _holds(parsed), expected=base_version
            )
        return ProgramReplaced(name, stored.number, None)

    # --- a solve's roster --------------------------------------------------------------------

    def program_for_solve(self, name: str, program: Program) -> Program:
        """`program` (as read from its file) with the absences approved on the rosters stored as
        `name`: what a new solve of it must keep everyone off; and the preferences approved for
        it (`rosters.wishes`), which it weighs. A year file is refused: its
        blocks are solved from its plan (`callroom block solve`)."""
        if program.year is not None:
            raise Invalid(
                "file",
                "this is a year file: plan it with `callroom year solve`, then solve its blocks with "
                "`callroom block solve --block N`",
            )
        with self._database.reading() as session:
            found = AbsenceRepository(session).of_program(name)
            wished = ChangeRepository(session).listing(states=("approved",), program_name=name, family=True)
        program = with_wishes(program, wished)
        return program.with_absences(record.absence for record in found) if found else program

    def store_solution(self, name: str, path: Path, solution: Solution) -> RosterVersionRecord:
        """Save the program's source (a new version only if it changed) and the solved roster as a
        new roster version, in one transaction. Conflict (nothing saved) when the roster gives
        someone a shift overlapping an absence approved for `name` (solve `program_for_solve`)."""
        return self.store_made(name, path.read_text(encoding="utf-8"), solution, str(path))

    def store_made(self, name: str, text: str, solution: Solution, path: str = "") -> RosterVersionRecord:
        """`store_solution` for a program text made rather than read from a file (a block made
        from its year)."""
        with self._database.session() as session:
            saved = self.store_made_in(session, name, text, solution, path)
        self.forget()
        return saved

    def store_made_in(
        self,
        session: Session,
        name: str,
        text: str,
        solution: Solution,
        path: str = "",
        *,
        draft: bool = False,
    ) -> RosterVersionRecord:
        """`store_made` in the caller's transaction (a background solve stores its roster in the
        transaction that finishes its job); the caller commits, then `forget`s. A `draft` is not
        live until published; its parent is the version live when it was stored, so publishing
        it over a roster that has moved on since can be refused."""
        assert solution.roster is not None and solution.report is not None
        path = path or f"{name}.yaml"
        program = self.schedules.parsed_text(text, path)
        approved = AbsenceRepository(session).of_program(name)
        _check_absences(name, program, solution.roster, approved)
        source = ProgramRepository(session).save_source(name, text, path, _holds(program))
        rosters = RosterRepository(session)
        return rosters.add_version(
            source.id,
            solution.roster,
            source=RosterSource.SOLVE,
            status=solution.status.value,
            objective=solution.objective,
            bound=solution.bound,
            report=solution.report.to_dict(),
            parent_id=rosters.newest_id(name) if draft else None,
            published=not draft,
        )


def _holds(program: Program) -> Interval:
    """When the program's block is the present, stored with its version for the live roster."""
    return days_interval(ZoneInfo(program.hospital.timezone), program.block.start, program.block.end)


def _check_absences(name: str, program: Program, roster: Roster, found: list[AbsenceRecord]) -> None:
    if not found:
        return
    program = program.with_absences(record.absence for record in found)
    broken = check_absences(CheckContext(program, roster))
    if broken:
        raise Conflict(
            "roster",
            f"the roster breaks {len(broken)} absence(s) approved for {name}: "
            + "; ".join(v.message for v in broken[:5]),
            [v.detail for v in broken],
        )


def _words(found: tuple[Violation, ...], live: Live) -> tuple[str, ...]:
    """The violations for a version's audit, which everyone who reads rosters reads: a declared
    conflict is only "a confidential rule" there (`rules.privacy`)."""
    return tuple(str(v) for v in as_seen_by(found, None, live.program))


def _parsed(source: str, filename: str) -> Program:
    try:
        return parse_program(source, filename)
    except ProgramFileError as error:
        first = error.issues[0]
        field = f"source.{first.field}" if first.field else "source"
        raise Invalid(field, str(first), error.details) from error


def _check_roster_fits(program: Program, roster: Roster) -> None:
    placed = roster.assignments
    missing = sorted(
        {f"person {a.person_id}" for a in placed if a.person_id not in program.person}
        | {f"post {a.post_id}" for a in placed if a.post_id not in program.post}
        | {f"shift {a.shift_id}" for a in placed if a.shift_id not in program.shift}
    )
    if missing:
        raise Conflict(
            "source",
            "the live roster still uses "
            + ", ".join(missing[:10])
            + ("" if len(missing) <= 10 else f" and {len(missing) - 10} more")
            + ": take them off the roster first",
        )
