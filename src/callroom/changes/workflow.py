"""The steps every kind of proposal shares: find the published roster, check a change against
it for everyone it touches, write it as a new roster version, tell the people it moved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from callroom.accounts.principal import Principal
from callroom.changes.absences import still_held, with_granted
from callroom.changes.notify import new_shifts_text
from callroom.changes.types import BreaksRules, Check, Kind, RulesRefuse, WrongState
from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.errors import NotFound
from callroom.paging.notices import Notifier
from callroom.rosters.audit import ChangeAudit, change_of
from callroom.rosters.live import Live, LiveSchedules
from callroom.rosters.store import add_version
from callroom.rules import ids
from callroom.rules.change import Change, DoesNotApply, impact
from callroom.rules.privacy import as_seen_by
from callroom.rules.violations import CoverKey, Violation
from callroom.storage import RosterVersionRecord
from callroom.storage.changes_repositories import ProposalRecord


@dataclass(frozen=True)
class Applied:
    program: Program
    before: Roster
    after: Roster
    change: Change
    version: RosterVersionRecord | None


def load_live(session: Session, schedules: LiveSchedules, program_name: str | None) -> Live:
    """The published roster of `program_name` (default: the live program); NotFound if none."""
    found = schedules.live(session, program_name)
    if found is None:
        raise NotFound(
            "program",
            "no published roster"
            + (f" for {program_name}" if program_name else "")
            + "; run `callroom solve FILE` first",
        )
    return found


def check_change(live: Live, record: ProposalRecord) -> Check:
    """The proposal's change against the newest roster; WrongState when it no longer applies.
    A repair's declared shortfalls (the least-bad option the chief was shown) are not refusals.
    A proposal that grants an absence (a repair, a day off) is checked with that absence in the
    program, and refused while the person would still hold a shift that overlaps it."""
    change = change_of(record.payload)
    program = with_granted(live.program, record)
    try:
        found = impact(program, live.roster, change)
    except DoesNotApply as error:
        raise WrongState(
            "proposal",
            f"proposal {record.id} no longer fits the roster (version {live.record.number}): {error.message}",
        ) from error
    declared = {CoverKey.from_json(key) for key in record.payload.get("shortfall_keys", ())}
    introduced = tuple(v for v in found.introduced if v.cover is None or v.cover not in declared)
    introduced = (
        *(v for v in still_held(live.program, found.after, record) if v not in introduced),
        *introduced,
    )
    hard = [v for v in introduced if v.rule.severity is ids.Severity.HARD]
    return Check(record.id, not hard, introduced, found.resolved, live.record.id)


def refuse_breaking(
    live: Live, caller: Principal, kind: Kind, payload: dict[str, Any], field: str, now: datetime
) -> None:
    """BreaksRules (nothing stored) when the change a request asks for breaks a hard rule for
    anyone it touches, checked as the chief's approval checks it (`check_change`) and worded
    for the one asking (`rules.privacy`). A day off is not refused for what a repair mends:
    the cover it leaves short, or the asker's own shift running into the day (a night before);
    the chief may still grant it with a repair (`ChangeService.repair_day_off`)."""
    draft = ProposalRecord(
        0, live.name, kind.value, "proposed", live.record.id, caller.identity, None, payload, "", now,
        None, None, None, None, 1,
    )  # fmt: skip
    found = check_change(live, draft).introduced
    hard = [
        v
        for v in found
        if v.rule.severity is ids.Severity.HARD and not (kind == Kind.DAY_OFF and _mended(v, caller))
    ]
    if hard:
        seen = as_seen_by(tuple(hard), caller, live.program)
        raise BreaksRules(field, "it would break " + "; ".join(v.worded for v in seen), seen)


def _mended(violation: Violation, asker: Principal) -> bool:
    """What a repair for a day off mends: cover left short, the asker's own overlapping shift."""
    own = violation.rule is ids.ABSENCE and violation.person_id == asker.identity
    return violation.cover is not None or own


def apply_change(
    session: Session, live: Live, record: ProposalRecord, caller: Principal, reason: str, now: datetime
) -> Applied:
    """Check, then store the changed roster as a new version with the decision in its audit.
    A refusal is worded for the caller (`rules.privacy`)."""
    checked = check_change(live, record).seen_by(caller, live.program)
    if not checked.acceptable:
        advice = (
            (
                "; to grant it anyway, repair the roster for the absence (callroom repair) or "
                "publish the shift as an open shift"
            )
            if record.kind == Kind.DAY_OFF
            else ""
        )
        raise RulesRefuse(
            "proposal",
            f"proposal {record.id} would break: {checked.refusal}{advice}",
            tuple(v for v in checked.introduced if v.rule.severity is ids.Severity.HARD),
        )
    change = change_of(record.payload)
    if not change.removed and not change.added:
        return Applied(live.program, live.roster, live.roster, change, None)
    after = change.apply(live.roster)
    version = add_version(
        session,
        live,
        after,
        decision_audit(record, caller, reason, now, change),
        status=f"{record.kind} approved",
    )
    return Applied(live.program, live.roster, after, change, version)


def decision_audit(
    record: ProposalRecord, caller: Principal, reason: str, now: datetime, change: Change
) -> ChangeAudit:
    """Who decided (the chief approving, or the colleague taking an open shift), when and why."""
    return ChangeAudit(
        record.id,
        record.kind,
        record.requester,
        record.colleague or None,
        caller.identity,
        caller.role.value,
        now,
        reason,
        change.removed,
        change.added,
    )


def notify_all(notifier: Notifier, applied: Applied) -> tuple[tuple[str, int], ...]:
    """Page each person whose schedule changed with their new shifts; (person, page id) for
    each one reached."""
    if applied.version is None:
        return ()
    notices = notices_of(
        applied.program, applied.before, applied.after, applied.change, applied.version.number
    )
    sent = notifier.notify_each(notices)
    return tuple(
        (person, page_id) for (person, _), page_id in zip(notices, sent, strict=True) if page_id is not None
    )


def notices_of(
    program: Program, before: Roster, after: Roster, change: Change, version: int
) -> list[tuple[str, str]]:
    """(person, notice) for each person `change` moved: their new shifts on the days it touched."""
    moves = (*change.removed, *change.added)
    return [
        (
            person,
            new_shifts_text(
                program, before, after, person, [a.day for a in moves if a.person_id == person], version
            ),
        )
        for person in sorted(change.people)
    ]
