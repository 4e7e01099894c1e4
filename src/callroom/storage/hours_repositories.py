"""Logged hours: append-only writes and typed reads over one Session, returning frozen records.

There is no method that changes or removes a row, and the database refuses UPDATE and DELETE on
these tables (migration 0004). Writers lock the program row first (FOR UPDATE on PostgreSQL;
SQLite's BEGIN IMMEDIATE already serialises writers), so the overlap check a service makes
before adding a period cannot race another writer's period for the same resident.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from callroom.domain.clock import Clock, utc_now
from callroom.domain.worklog import Decision, LoggedPeriod, Reason, WorkKind
from callroom.storage.hours_tables import JustificationRow, ReviewRow, WorkPeriodRow, WorkRevisionRow
from callroom.storage.tables import ProgramRow


@dataclass(frozen=True)
class PeriodValues:
    """What one revision of a period says. `end` None: clocked in, not yet out."""

    start: datetime
    end: datetime | None
    kind: WorkKind
    shift_id: str | None = None
    post_id: str | None = None
    note: str = ""
    withdrawn: bool = False


@dataclass(frozen=True)
class RevisionRecord:
    id: int
    period_id: int
    number: int
    values: PeriodValues
    source: str
    changed_by: str
    changed_at: datetime


@dataclass(frozen=True)
class PeriodRecord:
    """A period with its newest revision, which is its current value."""

    id: int
    program_id: int
    person_id: str
    created_by: str
    created_at: datetime
    current: RevisionRecord

    @property
    def open(self) -> bool:
        return self.current.values.end is None and not self.current.values.withdrawn

    def logged(self) -> LoggedPeriod:
        """The current value as a domain period; only for closed periods."""
        values = self.current.values
        assert values.end is not None, "an open period has no end yet"
        return LoggedPeriod(
            self.person_id, values.start, values.end, values.kind, values.shift_id, values.post_id, self.id
        )


@dataclass(frozen=True)
class ReviewRecord:
    id: int
    justification_id: int
    decision: Decision
    note: str
    reviewer: str
    reviewed_at: datetime


@dataclass(frozen=True)
class JustificationRecord:
    id: int
    period_id: int
    reason: Reason
    note: str
    created_by: str
    created_at: datetime
    reviews: tuple[ReviewRecord, ...]

    @property
    def status(self) -> str:
        """ "pending" until reviewed; then the newest decision."""
        return self.reviews[-1].decision.value if self.reviews else "pending"

    @property
    def changed_at(self) -> datetime:
        """When it was last sent or decided: the newest of these is the one a resident reads."""
        return self.reviews[-1].reviewed_at if self.reviews else self.created_at


class HoursRepository:
    def __init__(self, session: Session, *, clock: Clock = utc_now) -> None:
        self._session = session
        self._clock = clock

    def program_id(self, name: str) -> int | None:
        return self._session.scalar(select(ProgramRow.id).where(ProgramRow.name == name))

    def lock(self, program_id: int) -> None:
        """Hold the program's row until commit: one writer of its hours at a time."""
        self._session.execute(select(ProgramRow.id).where(ProgramRow.id == program_id).with_for_update())

    def add_period(
        self, program_id: int, person_id: str, values: PeriodValues, *, by: str, source: str
    ) -> PeriodRecord:
        row = WorkPeriodRow(
            program_id=program_id, person_id=person_id, created_at=self._clock(), created_by=by
        )
        self._session.add(row)
        self._session.flush()
        revision = self._add_revision(row.id, 1, values, by, source)
        return _period(row, revision)

    def revise(self, period_id: int, values: PeriodValues, *, by: str, source: str) -> PeriodRecord:
        """Add the period's next revision; the earlier ones stay as they were."""
        row = self._session.get(WorkPeriodRow, period_id)
        if row is None:
            raise LookupError(f"no logged period {period_id}")
        number = (
            self._session.scalar(
                select(func.max(WorkRevisionRow.number)).where(WorkRevisionRow.period_id == period_id)
            )
            or 0
        )
        return _period(row, self._add_revision(period_id, number + 1, values, by, source))

    def _add_revision(
        self, period_id: int, number: int, values: PeriodValues, by: str, source: str
    ) -> RevisionRecord:
        # In UTC from the start, so the record handed back equals what a later read returns.
        values = replace(
            values,
            start=values.start.astimezone(UTC),
            end=None if values.end is None else values.end.astimezone(UTC),
        )
        row = WorkRevisionRow(
            period_id=period_id,
            number=number,
            starts_at=values.start,
            ends_at=values.end,
            kind=values.kind.value,
            shift_id=values.shift_id,
            post_id=values.post_id,
            withdrawn=values.withdrawn,
            source=source,
            note=values.note,
            changed_by=by,
            changed_at=self._clock(),
        )
        self._session.add(row)
        self._session.flush()
        return _revision(row)

    def period(self, period_id: int) -> PeriodRecord | None:
        found = self._current(WorkPeriodRow.id == period_id)
        return found[0] if found else None

    def periods(
        self, program_id: int, person_id: str | None = None, *, include_withdrawn: bool = False
    ) -> list[PeriodRecord]:
        """Every period of the program (or of one person) at its newest revision, by start."""
        where = WorkPeriodRow.program_id == program_id
        if person_id is not None:
            where = where & (WorkPeriodRow.person_id == person_id)
        found = self._current(where)
        kept = [p for p in found if include_withdrawn or not p.current.values.withdrawn]
        return sorted(kept, key=lambda p: (p.current.values.start, p.id))

    def _current(self, where: ColumnElement[bool]) -> list[PeriodRecord]:
        """The periods matching `where`, each with its newest revision (one query)."""
        newest = (
            select(WorkRevisionRow.period_id, func.max(WorkRevisionRow.number).label("number"))
            .join(WorkPeriodRow, WorkPeriodRow.id == WorkRevisionRow.period_id)
            .where(where)
            .group_by(WorkRevisionRow.period_id)
            .subquery()
        )
        stmt = (
            select(WorkPeriodRow, WorkRevisionRow)
            .join(WorkRevisionRow, WorkRevisionRow.period_id == WorkPeriodRow.id)
            .join(
                newest,
                (newest.c.period_id == WorkRevisionRow.period_id)
                & (newest.c.number == WorkRevisionRow.number),
            )
        )
        return [_period(period, _revision(revision)) for period, revision in self._session.execute(stmt)]

    def history(self, period_id: int) -> list[RevisionRecord]:
        """Every value the period has had, oldest first."""
        stmt = (
            select(WorkRevisionRow)
            .where(WorkRevisionRow.period_id == period_id)
            .order_by(WorkRevisionRow.number)
        )
        return [_revision(r) for r in self._session.scalars(stmt)]

    def add_justification(self, period_id: int, reason: Reason, note: str, *, by: str) -> JustificationRecord:
        row = JustificationRow(
            period_id=period_id, reason=reason.value, note=note, created_by=by, created_at=self._clock()
        )
        self._session.add(row)
        self._session.flush()
        return _justification(row, [])

    def add_review(self, justification_id: int, decision: Decision, note: str, *, by: str) -> ReviewRecord:
        row = ReviewRow(
            justification_id=justification_id,
            decision=decision.value,
            note=note,
            reviewer=by,
            reviewed_at=self._clock(),
        )
        self._session.add(row)
        self._session.flush()
        return _review(row)

    def justification(self, justification_id: int) -> JustificationRecord | None:
        row = self._session.get(JustificationRow, justification_id)
        return None if row is None else self._justifications([row])[0]

    def justifications(self, program_id: int, person_id: str | None = None) -> list[JustificationRecord]:
        """Justifications of the program's (or one person's) periods with every review, oldest first."""
        stmt = (
            select(JustificationRow)
            .join(WorkPeriodRow, WorkPeriodRow.id == JustificationRow.period_id)
            .where(WorkPeriodRow.program_id == program_id)
        )
        if person_id is not None:
            stmt = stmt.where(WorkPeriodRow.person_id == person_id)
        return self._justifications(list(self._session.scalars(stmt.order_by(JustificationRow.id))))

    def _justifications(self, rows: list[JustificationRow]) -> list[JustificationRecord]:
        reviews: dict[int, list[ReviewRecord]] = defaultdict(list)
        if not rows:
            return []
        # Justifications are rare (a few per resident and block), so an IN list stays short.
        stmt = (
            select(ReviewRow)
            .where(ReviewRow.justification_id.in_([r.id for r in rows]))
            .order_by(ReviewRow.id)
        )
        for review in self._session.scalars(stmt):
            reviews[review.justification_id].append(_review(review))
        return [_justification(row, reviews[row.id]) for row in rows]


def _revision(row: WorkRevisionRow) -> RevisionRecord:
    values = PeriodValues(
        row.starts_at, row.ends_at, WorkKind(row.kind), row.shift_id, row.post_id, row.note, row.withdrawn
    )
    return RevisionRecord(
        row.id, row.period_id, row.number, values, row.source, row.changed_by, row.changed_at
    )


def _period(row: WorkPeriodRow, current: RevisionRecord) -> PeriodRecord:
    return PeriodRecord(row.id, row.program_id, row.person_id, row.created_by, row.created_at, current)


def _review(row: ReviewRow) -> ReviewRecord:
    return ReviewRecord(
        row.id, row.justification_id, Decision(row.decision), row.note, row.reviewer, row.reviewed_at
    )


def _justification(row: JustificationRow, reviews: list[ReviewRecord]) -> JustificationRecord:
    return JustificationRecord(
        row.id, row.period_id, Reason(row.reason), row.note, row.created_by, row.created_at, tuple(reviews)
    )
