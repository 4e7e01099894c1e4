"""Year plans: written once, with every resident-week, or not at all; the newest is published."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from callroom.domain.clock import Clock, utc_now
from callroom.domain.year import Placement, Year, YearPlan
from callroom.storage.repositories import lock_program, program_id_of
from callroom.storage.tables import ProgramRow
from callroom.storage.year_tables import YearPlacementRow, YearPlanRow


@dataclass(frozen=True)
class YearPlanRecord:
    id: int
    program_name: str
    program_version_id: int
    number: int
    created_at: datetime
    status: str
    objective: int | None
    bound: int | None
    report: Mapping[str, Any]


class YearPlanRepository:
    def __init__(self, session: Session, *, clock: Clock = utc_now) -> None:
        self._session = session
        self._clock = clock

    def add(
        self,
        program_version_id: int,
        year: Year,
        plan: YearPlan,
        *,
        status: str,
        objective: int | None,
        bound: int | None,
        report: Mapping[str, Any],
    ) -> YearPlanRecord:
        """Store the plan as its program's next one, in a savepoint: all of it or nothing."""
        with self._session.begin_nested():
            program_id = program_id_of(self._session, program_version_id)
            lock_program(self._session, program_id)
            newest = self._session.scalar(
                select(func.max(YearPlanRow.number)).where(YearPlanRow.program_id == program_id)
            )
            row = YearPlanRow(
                program_id=program_id,
                program_version_id=program_version_id,
                number=(newest or 0) + 1,
                created_at=self._clock(),
                status=status,
                objective=objective,
                bound=bound,
                report=json.dumps(report, sort_keys=True),
            )
            self._session.add(row)
            self._session.flush()
            rows = [
                {
                    "plan_id": row.id,
                    "person_id": p.person_id,
                    "week": p.week,
                    "week_start": year.week_start(p.week),
                    "rotation_id": p.rotation_id,
                    "vacation": p.vacation,
                }
                for p in plan.placements
            ]
            if rows:
                self._session.execute(insert(YearPlacementRow), rows)
        return self._record(row)

    def newest(self, program_name: str | None) -> YearPlanRecord | None:
        """The program's published plan (its newest), or the newest plan of any program."""
        query = select(YearPlanRow).order_by(YearPlanRow.id.desc()).limit(1)
        if program_name is not None:
            query = query.join(ProgramRow, ProgramRow.id == YearPlanRow.program_id).where(
                ProgramRow.name == program_name
            )
        row = self._session.scalars(query).first()
        return None if row is None else self._record(row)

    def names(self) -> list[str]:
        """The programs with a stored plan: every academic year planned here."""
        query = select(ProgramRow.name).join(YearPlanRow, YearPlanRow.program_id == ProgramRow.id)
        return sorted(self._session.scalars(query.distinct()))

    def plan(self, plan_id: int) -> YearPlan:
        rows = self._session.scalars(
            select(YearPlacementRow)
            .where(YearPlacementRow.plan_id == plan_id)
            .order_by(YearPlacementRow.person_id, YearPlacementRow.week)
        )
        return YearPlan(tuple(Placement(r.person_id, r.week, r.rotation_id, r.vacation) for r in rows))

    def _record(self, row: YearPlanRow) -> YearPlanRecord:
        name = self._session.scalar(select(ProgramRow.name).where(ProgramRow.id == row.program_id))
        assert name is not None
        return YearPlanRecord(
            row.id,
            name,
            row.program_version_id,
            row.number,
            row.created_at,
            row.status,
            row.objective,
            row.bound,
            json.loads(row.report),
        )
