"""Repositories: typed reads and append-only writes over one Session, returning frozen records.

There are no update or delete methods: a solve or an edit makes a new roster version, and
nothing is overwritten. Version numbers count 1..n per program. Two writers must never take the
same number, so each write locks its program first (SELECT ... FOR UPDATE on PostgreSQL; on
SQLite the BEGIN IMMEDIATE in db.py already serialises writers), and the unique constraint on
(program_id, number) backs that up.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, bindparam, case, func, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from callroom.domain.clock import Clock, utc_now
from callroom.domain.roster import Assignment, Roster
from callroom.domain.wallclock import Interval
from callroom.errors import Conflict
from callroom.storage.changes_repositories import newest_absence_id
from callroom.storage.records import (
    ProgramVersionRecord,
    RosterSource,
    RosterVersionRecord,
    VersionNotFound,
)
from callroom.storage.tables import AssignmentRow, ProgramRow, ProgramVersionRow, RosterVersionRow, core_table


class ProgramRepository:
    """Program files, kept as text: one version per distinct content."""

    def __init__(self, session: Session, *, clock: Clock = utc_now) -> None:
        self._session = session
        self._clock = clock

    def save_source(
        self,
        name: str,
        source_text: str,
        source_path: str,
        holds: Interval | None = None,
        *,
        expected: int | None = None,
    ) -> ProgramVersionRecord:
        """Store the program file's text as the next version of `name`, unless the text equals
        the latest version's (by sha256): then that version comes back and nothing is written,
        even if `source_path` differs. `holds` is when the file's block is the present (see
        `RosterRepository.live_id`); a year file has none.

        `expected` is the version the text was made from: Conflict, nothing written, when
        another has been stored since (read under the program's lock, so two writers who both
        started from it cannot both win)."""
        program_id = _ensure_program(self._session, name)
        lock_program(self._session, program_id)
        digest = hashlib.sha256(source_text.encode("utf-8")).hexdigest()
        latest = self._session.scalars(_program_versions(name).limit(1)).first()
        if expected is not None and (0 if latest is None else latest.number) != expected:
            raise Conflict(
                "version",
                f"the program changed since this was opened (version {expected}; it is now "
                f"version {0 if latest is None else latest.number})",
            )
        if latest is not None and latest.sha256 == digest:
            return _program_version_record(latest, name)
        row = ProgramVersionRow(
            program_id=program_id,
            number=1 if latest is None else latest.number + 1,
            source_text=source_text,
            source_path=source_path,
            sha256=digest,
            created_at=self._clock(),
            block_starts_at=None if holds is None else holds.start,
            block_ends_at=None if holds is None else holds.end,
        )
        self._session.add(row)
        self._session.flush()
        return _program_version_record(row, name)

    def latest(self, name: str) -> ProgramVersionRecord | None:
        row = self._session.scalars(_program_versions(name).limit(1)).first()
        return None if row is None else _program_version_record(row, name)

    def numbered(self, name: str, number: int) -> ProgramVersionRecord | None:
        """Version `number` of `name`, None when it has none."""
        query = _program_versions(name).where(ProgramVersionRow.number == number)
        row = self._session.scalars(query).first()
        return None if row is None else _program_version_record(row, name)

    def get_version(self, version_id: int) -> ProgramVersionRecord | None:
        found = self._session.execute(
            select(ProgramVersionRow, ProgramRow.name)
            .join(ProgramRow, ProgramRow.id == ProgramVersionRow.program_id)
            .where(ProgramVersionRow.id == version_id)
        ).first()
        return None if found is None else _program_version_record(found[0], found[1])


@cache
def _live_id(named: bool, with_blocks: bool) -> Select[int, int | None]:
    """`RosterRepository.live_id`'s query, built once per shape: every page sent runs it, and
    building it cost more than running it. On the Core tables (see `core_table`). Parameters:
    now, name, prefix (see `_like_prefix`)."""
    programs, versions, sources = (
        core_table(row) for row in (ProgramRow, RosterVersionRow, ProgramVersionRow)
    )
    newest_of_program = (
        select(versions.c.id)
        .where(versions.c.program_id == programs.c.id, versions.c.published)
        .order_by(versions.c.number.desc())
        .limit(1)
        .correlate(programs)
        .scalar_subquery()
    )
    now = bindparam("now", type_=sources.c.block_starts_at.type)
    holds = and_(sources.c.block_starts_at <= now, now < sources.c.block_ends_at)
    stmt = (
        select(versions.c.id, newest_absence_id())
        .select_from(programs)
        .join(versions, versions.c.id == newest_of_program)
        .join(sources, sources.c.id == versions.c.program_version_id)
        .order_by(case((holds, 1), else_=0).desc(), versions.c.id.desc())
        .limit(1)
    )
    if not named:
        return stmt
    chosen: ColumnElement[bool] = programs.c.name == bindparam("name", type_=String())
    if with_blocks:
        chosen = or_(chosen, programs.c.name.like(bindparam("prefix", type_=String()), escape="/"))
    return stmt.where(chosen)


def _like_prefix(prefix: str) -> str:
    """A LIKE pattern for names beginning with `prefix`, its own % and _ taken literally."""
    return prefix.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"


class RosterRepository:
    """Roster versions and their assignments, written together or not at all."""

    def __init__(self, session: Session, *, clock: Clock = utc_now) -> None:
        self._session = session
        self._clock = clock

    def add_version(
        self,
        program_version_id: int,
        roster: Roster,
        *,
        source: RosterSource,
        status: str,
        objective: int | None,
        bound: int | None,
        report: Mapping[str, Any],
        parent_id: int | None = None,
        published: bool = True,
    ) -> RosterVersionRecord:
        """Store `roster` as its program's next roster version (a draft, not live, unless
        `published`).

        Runs in a savepoint: if any part fails (a person twice on one day, an unknown program
        version, a report that is not JSON), no row of it is written, even when the caller
        catches the error and commits the rest of the transaction.
        """
        kind = RosterSource(source)
        report_text = json.dumps(report, sort_keys=True)
        with self._session.begin_nested():
            program_id = program_id_of(self._session, program_version_id)
            lock_program(self._session, program_id)
            self._check_parent(parent_id, program_id)
            row = RosterVersionRow(
                program_id=program_id,
                program_version_id=program_version_id,
                number=self._max_number(program_id) + 1,
                parent_version_id=parent_id,
                created_at=self._clock(),
                published=published,
                source=kind.value,
                status=status,
                objective=objective,
                bound=bound,
                report=report_text,
            )
            self._session.add(row)
            self._session.flush()
            self._insert_assignments(row.id, roster)
        return _roster_version_record(row)

    def latest(self, program_name: str) -> RosterVersionRecord | None:
        """The program's newest published version: the one a change must start from."""
        stmt = _published(program_name).order_by(RosterVersionRow.number.desc()).limit(1)
        row = self._session.scalars(stmt).first()
        return None if row is None else _roster_version_record(row)

    def newest(self) -> RosterVersionRecord | None:
        """The most recently published roster version of any program."""
        stmt = (
            select(RosterVersionRow)
            .where(RosterVersionRow.published)
            .order_by(RosterVersionRow.id.desc())
            .limit(1)
        )
        row = self._session.scalars(stmt).first()
        return None if row is None else _roster_version_record(row)

    def newest_id(self, program_name: str) -> int | None:
        """The id of the program's newest published roster version: a cheap change check."""
        stmt = _published(program_name).order_by(RosterVersionRow.number.desc()).limit(1)
        return self._session.scalar(stmt.with_only_columns(RosterVersionRow.id))

    def live_id(
        self, now: datetime, program_name: str | None, blocks_prefix: str | None
    ) -> tuple[int, int | None] | None:
        """The live roster's version id at `now`, and the newest absence's id
        (`AbsenceRepository.newest_id`: what the live roster's cache checks, read in the same
        statement since every page sent reads both). Of the candidate programs (`program_name`
        and those whose name begins with `blocks_prefix`; every program when `program_name` is
        None), each one's newest version is looked at, and the newest of those whose block
        holds `now` wins, else the newest of them all.

        One query, from the few candidate programs: each one's newest version is a seek on the
        unique (program_id, number) index, never a scan of the versions.
        """
        params: dict[str, object] = {"now": now}
        if program_name is not None:
            params["name"] = program_name
            if blocks_prefix is not None:
                params["prefix"] = _like_prefix(blocks_prefix)
        found = self._session.execute(_live_id(program_name is not None, "prefix" in params), params).first()
        return None if found is None else (found[0], found[1])

    def by_number(self, program_name: str, number: int) -> RosterVersionRecord | None:
        stmt = _roster_versions(program_name).where(RosterVersionRow.number == number)
        row = self._session.scalars(stmt).first()
        return None if row is None else _roster_version_record(row)

    def get(self, version_id: int) -> RosterVersionRecord | None:
        row = self._session.get(RosterVersionRow, version_id)
        return None if row is None else _roster_version_record(row)

    def list_versions(self, program_name: str) -> list[RosterVersionRecord]:
        """Every roster version of the program, oldest (number 1) first."""
        stmt = _roster_versions(program_name).order_by(RosterVersionRow.number)
        return [_roster_version_record(row) for row in self._session.scalars(stmt)]

    def load_roster(self, version_id: int) -> Roster:
        """The domain Roster stored as version `version_id`; VersionNotFound if there is none."""
        if self._session.get(RosterVersionRow, version_id) is None:
            raise VersionNotFound("version", f"no roster version with id {version_id}")
        rows = self._session.scalars(
            select(AssignmentRow).where(AssignmentRow.roster_version_id == version_id)
        )
        return Roster.of(Assignment(r.person_id, r.day, r.shift_id, r.post_id) for r in rows)

    def _check_parent(self, parent_id: int | None, program_id: int) -> None:
        # The foreign key enforces this too; checking first gives a message a person can act on.
        if parent_id is None:
            return
        parent = self._session.get(RosterVersionRow, parent_id)
        if parent is None:
            raise VersionNotFound("parent", f"no roster version with id {parent_id} (the parent)")
        if parent.program_id != program_id:
            raise ValueError(f"parent roster version {parent_id} belongs to another program")

    def _max_number(self, program_id: int) -> int:
        highest = self._session.scalar(
            select(func.max(RosterVersionRow.number)).where(RosterVersionRow.program_id == program_id)
        )
        return highest or 0

    def _insert_assignments(self, roster_version_id: int, roster: Roster) -> None:
        if not roster.assignments:
            return
        rows = [
            {
                "roster_version_id": roster_version_id,
                "person_id": a.person_id,
                "day": a.day,
                "shift_id": a.shift_id,
                "post_id": a.post_id,
            }
            for a in roster.assignments
        ]
        # One executemany, not one ORM object per row: a block roster has thousands of rows.
        self._session.execute(insert(AssignmentRow), rows)


def _ensure_program(session: Session, name: str) -> int:
    """The program's id, creating the program if it is new (safely, if two writers race)."""
    found = session.scalar(select(ProgramRow.id).where(ProgramRow.name == name))
    if found is not None:
        return found
    # ON CONFLICT DO NOTHING: if another writer creates it first, we wait and then use theirs.
    # These are the two databases callroom supports (see db.py).
    dialect = session.get_bind().dialect.name
    make_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(make_insert(ProgramRow).values(name=name).on_conflict_do_nothing())
    return session.scalars(select(ProgramRow.id).where(ProgramRow.name == name)).one()


def program_id_of(session: Session, program_version_id: int) -> int:
    """The program a program version belongs to; VersionNotFound when there is no such version."""
    program_id = session.scalar(
        select(ProgramVersionRow.program_id).where(ProgramVersionRow.id == program_version_id)
    )
    if program_id is None:
        raise VersionNotFound("program_version", f"no program version with id {program_version_id}")
    return program_id


def lock_program(session: Session, program_id: int) -> None:
    # Holds the program's row lock until commit, so version numbers are read and taken by one
    # writer at a time. SQLite ignores FOR UPDATE; BEGIN IMMEDIATE has already locked the file.
    session.execute(select(ProgramRow.id).where(ProgramRow.id == program_id).with_for_update())


def _program_versions(name: str) -> Select[ProgramVersionRow]:
    """The program's versions, newest first."""
    return (
        select(ProgramVersionRow)
        .join(ProgramRow, ProgramRow.id == ProgramVersionRow.program_id)
        .where(ProgramRow.name == name)
        .order_by(ProgramVersionRow.number.desc())
    )


def _roster_versions(program_name: str) -> Select[RosterVersionRow]:
    return (
        select(RosterVersionRow)
        .join(ProgramRow, ProgramRow.id == RosterVersionRow.program_id)
        .where(ProgramRow.name == program_name)
    )


def _published(program_name: str) -> Select[RosterVersionRow]:
    return _roster_versions(program_name).where(RosterVersionRow.published)


def _program_version_record(row: ProgramVersionRow, name: str) -> ProgramVersionRecord:
    return ProgramVersionRecord(
        id=row.id,
        program_id=row.program_id,
        program_name=name,
        number=row.number,
        source_text=row.source_text,
        source_path=row.source_path,
        sha256=row.sha256,
        created_at=row.created_at.astimezone(UTC),
        holds=(
            None
            if row.block_starts_at is None or row.block_ends_at is None
            else Interval(row.block_starts_at, row.block_ends_at)
        ),
    )


def _roster_version_record(row: RosterVersionRow) -> RosterVersionRecord:
    return RosterVersionRecord(
        id=row.id,
        program_id=row.program_id,
        program_version_id=row.program_version_id,
        number=row.number,
        parent_id=row.parent_version_id,
        # A row just written still holds the clock's value, which may be in another zone.
        created_at=row.created_at.astimezone(UTC),
        source=RosterSource(row.source),
        status=row.status,
        objective=row.objective,
        bound=row.bound,
        report=json.loads(row.report),
        published=row.published,
    )
