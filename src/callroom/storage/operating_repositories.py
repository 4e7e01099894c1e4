"""The operating room's repositories: a day's cases and their patients, the day's plans, the case
log, the CPT table's versions and the access log of patient identifiers.

Only `OrRepository.patient` hands out a `Patient`, and only the patient guard
(`callroom.operating.patients`) calls it, in the transaction that writes the access-log row.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, delete, func, insert, select, update
from sqlalchemy.orm import Session

from callroom.domain.clock import Clock, utc_now
from callroom.domain.operating import CaseRole, CreditRole, LoggedCase, OrCase, OrPlan, Patient
from callroom.storage.operating_tables import (
    CaseLogRow,
    CptTableRow,
    OrCaseRow,
    OrPatientRow,
    OrPlanRoleRow,
    OrPlanRow,
    PhiAccessRow,
)
from callroom.storage.tables import ProgramRow

SEP = ";"
IMPORTED, HAND = "imported", "hand"  # where a case came from (`OrCaseRow.source`)


@dataclass(frozen=True)
class StoredDay:
    """What storing an imported day changed: case ids added, changed, unchanged and removed."""

    added: tuple[str, ...]
    changed: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]


@dataclass(frozen=True)
class PublishedCase:
    """A case as a published plan told it to the residents (what a notice names)."""

    id: str
    room: str
    start: datetime
    minutes: int
    procedure: str
    attending_id: str | None

    @classmethod
    def of(cls, case: OrCase) -> PublishedCase:
        return cls(case.id, case.room, case.start, case.minutes, case.procedure, case.attending_id)


@dataclass(frozen=True)
class PlanRecord:
    """One stored version of a day's plan; a published one with its cases as published (None
    for a draft, or a version published before the cases were kept)."""

    id: int
    number: int
    published: bool
    created_at: datetime
    created_by: str
    note: str
    plan: OrPlan
    cases: tuple[PublishedCase, ...] | None = None


@dataclass(frozen=True)
class AccessRecord:
    """One row of the access log of patient identifiers."""

    id: int
    at: datetime
    account_id: int | None
    username: str
    role: str
    patient_key: str | None
    case_id: str
    route: str
    action: str
    reason: str | None
    outcome: str


@dataclass(frozen=True)
class CaseLogRecord:
    """A stored case-log line, with where it came from."""

    entry: LoggedCase
    source: str
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class CptTableRecord:
    number: int
    text: str
    created_at: datetime
    created_by: str


def _joined(values: Iterable[str]) -> str:
    return SEP.join(values)


def _split(text: str) -> tuple[str, ...]:
    return tuple(part for part in text.split(SEP) if part)


def _cases_json(cases: Sequence[OrCase]) -> str:
    return json.dumps(
        [
            {
                "id": c.id,
                "room": c.room,
                "start": c.start.isoformat(),
                "minutes": c.minutes,
                "procedure": c.procedure,
                "attending_id": c.attending_id,
            }
            for c in cases
        ]
    )


def _published_cases(text: str) -> tuple[PublishedCase, ...]:
    return tuple(
        PublishedCase(
            str(item["id"]),
            str(item["room"]),
            datetime.fromisoformat(str(item["start"])),
            int(item["minutes"]),
            str(item["procedure"]),
            None if item["attending_id"] is None else str(item["attending_id"]),
        )
        for item in json.loads(text)
    )


def _case(row: OrCaseRow) -> OrCase:
    return OrCase(
        row.case_id,
        row.day,
        row.room,
        row.starts_at,
        row.minutes,
        row.procedure,
        _split(row.cpt_codes),
        row.service_id,
        row.attending_id,
        frozenset(_split(row.flags)),
        row.patient_key,
        _split(row.continuity),
    )


def _case_values(case: OrCase) -> dict[str, object]:
    return {
        "day": case.day,
        "room": case.room,
        "starts_at": case.start,
        "minutes": case.minutes,
        "procedure": case.procedure,
        "cpt_codes": _joined(case.cpt_codes),
        "service_id": case.service_id,
        "attending_id": case.attending_id,
        "flags": _joined(sorted(case.flags)),
        "continuity": _joined(case.continuity),
        "patient_key": case.patient_key,
    }


class OrRepository:
    def __init__(self, session: Session, *, clock: Clock = utc_now) -> None:
        self._session = session
        self._clock = clock

    # --- cases and patients ---------------------------------------------------------------

    def store_day(
        self, program: str, cases: Sequence[OrCase], patients: Sequence[Patient], by: str
    ) -> StoredDay:
        """Store imported cases (by their ids) and patients (by the importer's keys, each given a
        random key of its own that the cases carry). The file is the whole schedule of the days
        it holds: a case an import brought to those days that it no longer lists is removed;
        a case added by hand stays."""
        keys = {patient.key: self._store_patient(patient) for patient in patients}
        days = {case.day for case in cases}
        stored = {
            row.case_id: row
            for row in self._session.scalars(
                select(OrCaseRow).where(OrCaseRow.program_name == program, OrCaseRow.day.in_(days))
            )
        }
        added: list[str] = []
        changed: list[str] = []
        unchanged: list[str] = []
        for imported in cases:
            case = replace(imported, patient_key=keys.get(imported.patient_key or ""))
            row = stored.pop(case.id, None) or self._row(program, case.id)
            same = row is not None and _case(row) == case and row.source == IMPORTED
            (unchanged if same else added if row is None else changed).append(case.id)
            if not same:
                self._put_case(program, case, row, by, IMPORTED)
        gone = [row for row in stored.values() if row.source == IMPORTED]
        for row in gone:
            self._session.delete(row)
        self._session.flush()
        return StoredDay(
            tuple(added), tuple(changed), tuple(unchanged), tuple(sorted(row.case_id for row in gone))
        )

    def _row(self, program: str, case_id: str) -> OrCaseRow | None:
        return self._session.scalar(
            select(OrCaseRow).where(OrCaseRow.program_name == program, OrCaseRow.case_id == case_id)
        )

    def save_case(self, program: str, case: OrCase, by: str) -> None:
        """Add or change one case (a chief's correction on the board): a case added this way is
        marked as by hand, one an import brought stays the import's."""
        row = self._row(program, case.id)
        self._put_case(program, case, row, by, HAND if row is None else row.source)
        self._session.flush()

    def _put_case(self, program: str, case: OrCase, row: OrCaseRow | None, by: str, source: str) -> None:
        values = {**_case_values(case), "source": source, "updated_at": self._clock(), "updated_by": by}
        if row is None:
            self._session.add(OrCaseRow(program_name=program, case_id=case.id, **values))
            return
        for column, value in values.items():
            setattr(row, column, value)

    def _store_patient(self, patient: Patient) -> str:
        """Store the identifiers under the patient's stored key (a new random one the first
        time, or after a purge emptied the importer's key); the stored key."""
        row = self._session.scalar(select(OrPatientRow).where(OrPatientRow.source_key == patient.key))
        if row is None:
            row = OrPatientRow(key=secrets.token_hex(16), source_key=patient.key, created_at=self._clock())
            self._session.add(row)
        row.mrn, row.name, row.birth_date, row.purged_at = patient.mrn, patient.name, patient.birth_date, None
        self._session.flush()
        return row.key

    def cases(self, program: str, day: date) -> tuple[OrCase, ...]:
        """The day's cases by start, then room."""
        rows = self._session.scalars(
            select(OrCaseRow)
            .where(OrCaseRow.program_name == program, OrCaseRow.day == day)
            .order_by(OrCaseRow.starts_at, OrCaseRow.room, OrCaseRow.case_id)
        )
        return tuple(_case(row) for row in rows)

    def case(self, program: str, case_id: str) -> OrCase | None:
        row = self._row(program, case_id)
        return None if row is None else _case(row)

    def cases_by_id(self, program: str, case_ids: Iterable[str]) -> dict[str, OrCase]:
        """The named cases still stored, by id (one query)."""
        wanted = set(case_ids)
        if not wanted:
            return {}
        rows = self._session.scalars(
            select(OrCaseRow).where(OrCaseRow.program_name == program, OrCaseRow.case_id.in_(wanted))
        )
        return {row.case_id: _case(row) for row in rows}

    def count_cases(self, program: str) -> int:
        return int(self._session.scalar(select(func.count()).where(OrCaseRow.program_name == program)) or 0)

    def cases_from(self, program: str, first: date) -> tuple[OrCase, ...]:
        """Every case on `first` or after it, by day and start (one query)."""
        rows = self._session.scalars(
            select(OrCaseRow)
            .where(OrCaseRow.program_name == program, OrCaseRow.day >= first)
            .order_by(OrCaseRow.day, OrCaseRow.starts_at, OrCaseRow.room, OrCaseRow.case_id)
        )
        return tuple(_case(row) for row in rows)

    def patient(self, key: str) -> Patient | None:
        """The patient's identifiers; None if unknown or purged. Only the patient guard calls it."""
        row = self._session.scalar(select(OrPatientRow).where(OrPatientRow.key == key))
        if row is None or row.mrn is None or row.name is None:
            return None
        return Patient(row.key, row.mrn, row.name, row.birth_date)

    def purge(self, before: date) -> int:
        """Empty the identifiers of every patient whose newest case is before `before`; how many."""
        newest = (
            select(OrCaseRow.patient_key)
            .where(OrCaseRow.patient_key.is_not(None))
            .group_by(OrCaseRow.patient_key)
            .having(func.max(OrCaseRow.day) < before)
        )
        result = self._session.execute(
            update(OrPatientRow)
            .where(OrPatientRow.key.in_(newest), OrPatientRow.mrn.is_not(None))
            .values(source_key=None, mrn=None, name=None, birth_date=None, purged_at=self._clock())
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def lock(self, program: str) -> None:
        """Hold the program family's row lock until commit, so one writer at a time reads the
        newest plan and stores the next (SQLite: BEGIN IMMEDIATE has locked the file already)."""
        self._session.execute(select(ProgramRow.id).where(ProgramRow.name == program).with_for_update())

    def add_plan(
        self,
        program: str,
        plan: OrPlan,
        *,
        published: bool,
        by: str,
        note: str = "",
        cases: Sequence[OrCase] = (),
    ) -> PlanRecord:
        """Store `plan` as the day's next version (take `lock` before reading the newest); a
        published one keeps `cases` as published."""
        newest = self._session.scalar(
            select(func.max(OrPlanRow.number)).where(
                OrPlanRow.program_name == program, OrPlanRow.day == plan.day
            )
        )
        row = OrPlanRow(
            program_name=program,
            day=plan.day,
            number=(newest or 0) + 1,
            published=published,
            created_at=self._clock(),
            created_by=by,
            note=note,
            cases=_cases_json(cases) if published else None,
        )
        self._session.add(row)
        self._session.flush()
        self._session.add_all(
            OrPlanRoleRow(plan_id=row.id, case_id=r.case_id, person_id=r.person_id, role=r.role.value)
            for r in plan.roles
        )
        self._session.flush()
        return self._record(row)

    def newest_plan(self, program: str, day: date, *, published_only: bool = False) -> PlanRecord | None:
        """The day's newest plan version (or newest published one)."""
        stmt = select(OrPlanRow).where(OrPlanRow.program_name == program, OrPlanRow.day == day)
        if published_only:
            stmt = stmt.where(OrPlanRow.published)
        row = self._session.scalar(stmt.order_by(OrPlanRow.number.desc()).limit(1))
        return None if row is None else self._record(row)

    def _record(self, row: OrPlanRow) -> PlanRecord:
        roles = self._session.scalars(select(OrPlanRoleRow).where(OrPlanRoleRow.plan_id == row.id))
        plan = OrPlan(
            row.day, tuple(sorted(CaseRole(r.case_id, r.person_id, CreditRole(r.role)) for r in roles))
        )
        return PlanRecord(
            row.id,
            row.number,
            row.published,
            row.created_at,
            row.created_by,
            row.note,
            plan,
            None if row.cases is None else _published_cases(row.cases),
        )


class AccessLogRepository:
    """The append-only log of reads of patient identifiers."""

    def __init__(self, session: Session, *, clock: Clock = utc_now) -> None:
        self._session = session
        self._clock = clock

    def add(
        self,
        *,
        account_id: int | None,
        username: str,
        role: str,
        patient_key: str | None,
        case_id: str,
        route: str,
        action: str,
        reason: str | None,
        outcome: str,
    ) -> AccessRecord:
        row = PhiAccessRow(
            at=self._clock(),
            account_id=account_id,
            username=username,
            role=role,
            patient_key=patient_key,
            case_id=case_id,
            route=route,
            action=action,
            reason=reason,
            outcome=outcome,
        )
        self._session.add(row)
        self._session.flush()
        return _access(row)

    def entries(self, *, break_glass_only: bool = False, limit: int = 500) -> list[AccessRecord]:
        """The newest rows first."""
        stmt = select(PhiAccessRow)
        if break_glass_only:
            stmt = stmt.where(PhiAccessRow.action == "break-glass")
        rows = self._session.scalars(stmt.order_by(PhiAccessRow.id.desc()).limit(limit))
        return [_access(row) for row in rows]

    def break_glass_since(self, username: str, case_id: str, since: datetime) -> AccessRecord | None:
        """The user's newest allowed break-glass read of the case at or after `since`."""
        row = self._session.scalar(
            select(PhiAccessRow)
            .where(
                PhiAccessRow.username == username,
                PhiAccessRow.case_id == case_id,
                PhiAccessRow.action == "break-glass",
                PhiAccessRow.outcome == "allowed",
                PhiAccessRow.reason.is_not(None),
                PhiAccessRow.at >= since,
            )
            .order_by(PhiAccessRow.id.desc())
            .limit(1)
        )
        return None if row is None else _access(row)


def _access(row: PhiAccessRow) -> AccessRecord:
    return AccessRecord(
        row.id,
        row.at,
        row.account_id,
        row.username,
        row.role,
        row.patient_key,
        row.case_id,
        row.route,
        row.action,
        row.reason,
        row.outcome,
    )


class CaseLogRepository:
    def __init__(self, session: Session, *, clock: Clock = utc_now) -> None:
        self._session = session
        self._clock = clock

    def add(
        self, program: str, entries: Sequence[LoggedCase], *, source: str, by: str
    ) -> list[CaseLogRecord]:
        """Store the lines in one statement (an imported log runs to tens of thousands)."""
        if not entries:
            return []
        at = self._clock()
        values = [
            {"program_name": program, **_log_values(e), "source": source, "created_at": at, "created_by": by}
            for e in entries
        ]
        ids = self._session.scalars(
            insert(CaseLogRow).returning(CaseLogRow.id, sort_by_parameter_order=True), values
        )
        return [
            CaseLogRecord(replace(entry, id=entry_id), source, at, by)
            for entry, entry_id in zip(entries, ids, strict=True)
        ]

    def entries(
        self, program: str, person_id: str | None = None, *, case_id: str | None = None
    ) -> list[CaseLogRecord]:
        """The program's lines (or one person's, or one case's), oldest first. Read as plain
        rows, not ORM objects: a program's log runs to tens of thousands of lines, read for
        every assignment."""
        stmt = select(*CaseLogRow.__table__.columns).where(CaseLogRow.program_name == program)
        if person_id is not None:
            stmt = stmt.where(CaseLogRow.person_id == person_id)
        if case_id is not None:
            stmt = stmt.where(CaseLogRow.case_id == case_id)
        return [_log(row) for row in self._session.execute(stmt.order_by(CaseLogRow.day, CaseLogRow.id))]

    def count(self, program: str) -> int:
        return int(self._session.scalar(select(func.count()).where(CaseLogRow.program_name == program)) or 0)

    def get(self, program: str, entry_id: int) -> CaseLogRecord | None:
        row = self._session.get(CaseLogRow, entry_id)
        return None if row is None or row.program_name != program else _log(row)

    def replace(self, program: str, entry_id: int, entry: LoggedCase) -> CaseLogRecord:
        row = self._session.get(CaseLogRow, entry_id)
        assert row is not None and row.program_name == program, "the caller found it first"
        for column, value in _log_values(entry).items():
            setattr(row, column, value)
        self._session.flush()
        return _log(row)

    def remove(self, program: str, entry_id: int) -> None:
        self._session.execute(
            delete(CaseLogRow).where(CaseLogRow.program_name == program, CaseLogRow.id == entry_id)
        )


def _log_values(entry: LoggedCase) -> dict[str, object]:
    return {
        "person_id": entry.person_id,
        "day": entry.day,
        "cpt_codes": _joined(entry.cpt_codes),
        "role": entry.role.value,
        "attending_id": entry.attending_id,
        "case_id": entry.case_id,
        "categories": _joined(entry.categories),
    }


def _log(row: CaseLogRow | Row[Any]) -> CaseLogRecord:
    entry = LoggedCase(
        row.person_id,
        row.day,
        _split(row.cpt_codes),
        CreditRole(row.role),
        _split(row.categories),
        row.attending_id,
        row.case_id,
        row.id,
    )
    return CaseLogRecord(entry, row.source, row.created_at, row.created_by)


class CptTableRepository:
    def __init__(self, session: Session, *, clock: Clock = utc_now) -> None:
        self._session = session
        self._clock = clock

    def newest(self, program: str) -> CptTableRecord | None:
        row = self._session.scalar(
            select(CptTableRow)
            .where(CptTableRow.program_name == program)
            .order_by(CptTableRow.number.desc())
            .limit(1)
        )
        return None if row is None else CptTableRecord(row.number, row.text, row.created_at, row.created_by)

    def add(self, program: str, text: str, by: str) -> CptTableRecord:
        newest = self._session.scalar(
            select(func.max(CptTableRow.number)).where(CptTableRow.program_name == program)
        )
        row = CptTableRow(
            program_name=program, number=(newest or 0) + 1, text=text, created_at=self._clock(), created_by=by
        )
        self._session.add(row)
        self._session.flush()
        return CptTableRecord(row.number, row.text, row.created_at, row.created_by)
