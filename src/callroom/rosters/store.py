"""The one path by which a roster version is written after a solve: a cell edit, an approved
change, an open shift taken, a new program file. Each is the version after the live one, with
its penalty report and its audit, in the caller's transaction; if another version was saved
after the one the writer started from, nothing is written (`StaleVersion`).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.rosters.audit import Audit
from callroom.rosters.edits import StaleVersion
from callroom.rosters.live import Live
from callroom.rules.penalties import score
from callroom.storage import RosterRepository, RosterSource, RosterVersionRecord


def add_version(
    session: Session,
    parent: Live,
    after: Roster,
    audit: Audit,
    *,
    status: str,
    program: Program | None = None,
    program_version_id: int | None = None,
) -> RosterVersionRecord:
    """Store `after` as the version following `parent`, scored under `program` (default: the
    parent's) and stored against `program_version_id` (default: the parent's)."""
    rosters = RosterRepository(session)
    newest = rosters.latest(parent.name)
    if newest is None or newest.id != parent.record.id:
        raise StaleVersion(newest.number if newest is not None else parent.record.number)
    report = score(program or parent.program, after).to_dict() | {audit.KEY: audit.to_json()}
    return rosters.add_version(
        program_version_id or parent.record.program_version_id,
        after,
        source=RosterSource.EDIT,
        status=status,
        objective=report["total"],
        bound=None,
        report=report,
        parent_id=parent.record.id,
    )
