"""Proposals, their audit events, open-shift offers and the absences approved with them: typed
reads, appends and conditional state changes over one Session, returning frozen records.

`move` changes a proposal's state only if it still is in one of the expected states at the
version the caller read (`UPDATE ... WHERE id = ? AND state IN (...) AND version = ?`) and says
whether it won; the loser of a race learns it from the answer and changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, Select, func, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from callroom.domain.absence import AbsenceKind, ApprovedAbsence
from callroom.storage.changes_tables import (
    ApprovedAbsenceRow,
    ChangeEventRow,
    ChangeProposalRow,
    OpenShiftOfferRow,
)
from callroom.storage.tables import core_table
from callroom.year.derive import BLOCK_NAME, blocks_of


@dataclass(frozen=True)
class ProposalRecord:
    id: int
    program_name: str
    kind: str
    state: str
    base_version_id: int
    requester: str
    colleague: str | None
    payload: dict[str, Any]
    note: str
    created_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    decision_reason: str | None
    result_version_id: int | None
    version: int


@dataclass(frozen=True)
class NewProposal:
    program_name: str
    kind: str
    state: str
    base_version_id: int
    requester: str
    colleague: str | None
    payload: dict[str, Any]
    note: str
    created_at: datetime


@dataclass(frozen=True)
class ChangeEventRecord:
    id: int
    proposal_id: int
    at: datetime
    actor: str
    role: str
    kind: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class OfferRecord:
    id: int
    proposal_id: int
    person_id: str
    state: str
    offered_at: datetime
    answered_at: datetime | None


@dataclass(frozen=True)
class NewAbsence:
    program_name: str
    absence: ApprovedAbsence  # its proposal_id must be set
    approved_by: str
    approved_at: datetime


@dataclass(frozen=True)
class AbsenceRecord:
    id: int
    program_name: str
    absence: ApprovedAbsence
    approved_by: str
    approved_at: datetime


class ChangeRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, new: NewProposal) -> ProposalRecord:
        row = ChangeProposalRow(
            program_name=new.program_name,
            kind=new.kind,
            state=new.state,
            base_version_id=new.base_version_id,
            requester=new.requester,
            colleague=new.colleague,
            payload=json.dumps(new.payload, sort_keys=True),
            note=new.note,
            created_at=new.created_at,
            version=1,
        )
        self._session.add(row)
        self._session.flush()
        return _proposal(row)

    def get(self, proposal_id: int) -> ProposalRecord | None:
        row = self._session.get(ChangeProposalRow, proposal_id, populate_existing=True)
        return None if row is None else _proposal(row)

    def move(self, record: ProposalRecord, from_states: Sequence[str], **values: Any) -> bool:
        """Change the proposal if it is still as `record` read it; True if this call won."""
        result = self._session.execute(
            update(ChangeProposalRow)
            .where(
                ChangeProposalRow.id == record.id,
                ChangeProposalRow.state.in_(from_states),
                ChangeProposalRow.version == record.version,
            )
            .values(version=record.version + 1, **values)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    def listing(
        self,
        *,
        states: Iterable[str],
        program_name: str | None = None,
        person_id: str | None = None,
        family: bool = False,
    ) -> list[ProposalRecord]:
        """Proposals in `states`, newest first; with `person_id`, those they made or are named in;
        with `family`, those of every block of `program_name`'s year (see `of_family`)."""
        stmt = select(ChangeProposalRow).where(ChangeProposalRow.state.in_(tuple(states)))
        if program_name is not None and family:
            stmt = stmt.where(of_family(ChangeProposalRow.program_name, program_name))
        elif program_name is not None:
            stmt = stmt.where(ChangeProposalRow.program_name == program_name)
        if person_id is not None:
            stmt = stmt.where(
                (ChangeProposalRow.requester == person_id) | (ChangeProposalRow.colleague == person_id)
            )
        rows = self._session.scalars(stmt.order_by(ChangeProposalRow.id.desc()))
        return [_proposal(row) for row in rows]

    def add_event(
        self,
        proposal_id: int,
        at: datetime,
        actor: str,
        role: str,
        kind: str,
        detail: dict[str, Any] | None = None,
    ) -> None:
        self._session.add(
            ChangeEventRow(
                proposal_id=proposal_id,
                at=at,
                actor=actor,
                role=role,
                kind=kind,
                detail=json.dumps(detail or {}, sort_keys=True),
            )
        )
        self._session.flush()

    def events(self, proposal_id: int) -> list[ChangeEventRecord]:
        rows = self._session.scalars(
            select(ChangeEventRow)
            .where(ChangeEventRow.proposal_id == proposal_id)
            .order_by(ChangeEventRow.id)
        )
        return [
            ChangeEventRecord(
                r.id, r.proposal_id, r.at.astimezone(UTC), r.actor, r.role, r.kind, json.loads(r.detail)
            )
            for r in rows
        ]

    def add_offers(self, proposal_id: int, people: Iterable[str], at: datetime) -> None:
        for person_id in people:
            self._session.add(
                OpenShiftOfferRow(
                    proposal_id=proposal_id, person_id=person_id, state="offered", offered_at=at
                )
            )
        self._session.flush()

    def offers(self, proposal_id: int) -> list[OfferRecord]:
        rows = self._session.scalars(
            select(OpenShiftOfferRow)
            .where(OpenShiftOfferRow.proposal_id == proposal_id)
            .order_by(OpenShiftOfferRow.id)
        )
        return [_offer(row) for row in rows]

    def offers_to(self, person_id: str, state: str = "offered") -> list[OfferRecord]:
        rows = self._session.scalars(
            select(OpenShiftOfferRow)
            .where(OpenShiftOfferRow.person_id == person_id, OpenShiftOfferRow.state == state)
            .order_by(OpenShiftOfferRow.id)
        )
        return [_offer(row) for row in rows]

    def close_offers(self, proposal_id: int, taker: str | None, at: datetime) -> None:
        """The taker's offer becomes taken; every other open offer of the shift is gone."""
        self._session.execute(
            update(OpenShiftOfferRow)
            .where(OpenShiftOfferRow.proposal_id == proposal_id, OpenShiftOfferRow.state == "offered")
            .values(state="gone", answered_at=at)
            .execution_options(synchronize_session=False)
        )
        if taker is not None:
            self._session.execute(
                update(OpenShiftOfferRow)
                .where(OpenShiftOfferRow.proposal_id == proposal_id, OpenShiftOfferRow.person_id == taker)
                .values(state="taken", answered_at=at)
                .execution_options(synchronize_session=False)
            )


class AbsenceRepository:
    """Approved absences: appended in the approval's transaction, read by program."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, new: NewAbsence) -> AbsenceRecord:
        absence = new.absence
        assert absence.proposal_id is not None, "an approved absence names the proposal that granted it"
        row = ApprovedAbsenceRow(
            program_name=new.program_name,
            person_id=absence.person_id,
            starts_at=absence.start,
            ends_at=absence.end,
            kind=absence.kind.value,
            proposal_id=absence.proposal_id,
            approved_by=new.approved_by,
            approved_at=new.approved_at,
        )
        self._session.add(row)
        self._session.flush()
        return AbsenceRecord(row.id, row.program_name, absence, row.approved_by, new.approved_at)

    def newest_id(self) -> int | None:
        """The id of the newest absence of any program (None while there is none): what
        changes when one is added, so a cache of absences knows when to read them again."""
        found: int | None = self._session.scalar(_newest_absence())
        return found

    def of_program(self, program_name: str) -> list[AbsenceRecord]:
        """The program's approved absences (for a block of a year, those of all its blocks: see
        `of_family`), oldest first."""
        rows = self._session.execute(
            select(ApprovedAbsenceRow, ChangeProposalRow.kind)
            .join(ChangeProposalRow, ChangeProposalRow.id == ApprovedAbsenceRow.proposal_id)
            .where(of_family(ApprovedAbsenceRow.program_name, program_name))
            .order_by(ApprovedAbsenceRow.id)
        )
        return [_absence(row, kind) for row, kind in rows]


@cache
def newest_absence_id() -> ScalarSelect[int]:
    """`AbsenceRepository.newest_id` as a subquery, built once: every page sent reads it with the
    live roster (`RosterRepository.live_id`), and building it costs more than SQLite takes to
    run it. On the Core table (see `core_table`)."""
    return select(func.max(core_table(ApprovedAbsenceRow).c.id)).scalar_subquery()


@cache
def _newest_absence() -> Select[int | None]:
    """`newest_absence_id` as a statement of its own, built once like it."""
    return select(newest_absence_id())


def of_family(
    column: ColumnElement[str] | InstrumentedAttribute[str], program_name: str
) -> ColumnElement[bool]:
    """The rows kept under `program_name` or, for a block of a year (`year/block-05`), under any
    block of that year: an absence or a wish approved while one block was live, for dates in
    a later block, is a fact of the later block too (dates outside a block touch nothing)."""
    found = BLOCK_NAME.fullmatch(program_name)
    if found is None:
        return column == program_name
    return column.startswith(blocks_of(found.group(1)), autoescape=True)


def _absence(row: ApprovedAbsenceRow, proposal_kind: str) -> AbsenceRecord:
    absence = ApprovedAbsence(
        row.person_id,
        row.starts_at.astimezone(UTC),
        row.ends_at.astimezone(UTC),
        AbsenceKind(row.kind),
        row.proposal_id,
        proposal_kind,
    )
    return AbsenceRecord(row.id, row.program_name, absence, row.approved_by, row.approved_at.astimezone(UTC))


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)


def _proposal(row: ChangeProposalRow) -> ProposalRecord:
    return ProposalRecord(
        id=row.id,
        program_name=row.program_name,
        kind=row.kind,
        state=row.state,
        base_version_id=row.base_version_id,
        requester=row.requester,
        colleague=row.colleague,
        payload=json.loads(row.payload),
        note=row.note,
        created_at=row.created_at.astimezone(UTC),
        decided_at=_utc(row.decided_at),
        decided_by=row.decided_by,
        decision_reason=row.decision_reason,
        result_version_id=row.result_version_id,
        version=row.version,
    )


def _offer(row: OpenShiftOfferRow) -> OfferRecord:
    return OfferRecord(
        row.id,
        row.proposal_id,
        row.person_id,
        row.state,
        row.offered_at.astimezone(UTC),
        _utc(row.answered_at),
    )
