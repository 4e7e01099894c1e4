"""Making a roster version live: publish a draft (a background solve's roster), or roll back to
an earlier published version. Either is stored as the next published version, a copy of the
chosen one with its audit (who, as what, when, why, what came off and went on), and everyone
whose shifts changed gets a notice saying which.

A draft remembers the version that was live when it was solved (its parent). Publishing it over
a roster that has changed since (a sick call approved, a cell edited) is refused: the solve did
not see those changes, and publishing it would undo them in silence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from callroom.accounts.permissions import Permission
from callroom.accounts.principal import Principal
from callroom.changes.workflow import Applied, notify_all
from callroom.domain.clock import Clock, utc_now
from callroom.domain.roster import Assignment, Roster
from callroom.errors import Conflict, Invalid, NotFound
from callroom.paging.notices import Notifier
from callroom.rosters.audit import PublishAudit, audit_of
from callroom.rosters.live import Live
from callroom.rosters.service import RosterService
from callroom.rosters.store import add_version
from callroom.rules.change import Change
from callroom.storage import Database, RosterRepository, RosterVersionRecord


@dataclass(frozen=True)
class Published:
    version: RosterVersionRecord  # the new live version
    changed: tuple[str, ...]  # the people whose shifts changed
    notified: tuple[tuple[str, int], ...]  # (person, notice page id) for each one reached


class Publishing:
    def __init__(
        self, database: Database, rosters: RosterService, notifier: Notifier, clock: Clock = utc_now
    ) -> None:
        self._database = database
        self._rosters = rosters
        self._notifier = notifier
        self._clock = clock

    def publish(self, caller: Principal, program: str, number: int, reason: str) -> Published:
        """Make draft `number` of `program` the live roster."""
        caller.require(Permission.ROSTER_EDIT, "publish a roster")
        if not reason.strip():
            raise Invalid(
                "reason",
                "say why this draft is published: it goes into the audit, and everyone moved is told",
            )
        return self._make_live(caller, program, number, reason, rollback=False)

    def roll_back(self, caller: Principal, program: str, number: int, reason: str) -> Published:
        """Make the earlier published version `number` of `program` the live roster again."""
        caller.require(Permission.ROSTER_EDIT, "roll a roster back")
        if not reason.strip():
            raise Invalid("reason", "say why the roster is rolled back: it goes into the audit")
        return self._make_live(caller, program, number, reason, rollback=True)

    def _make_live(
        self, caller: Principal, program: str, number: int, reason: str, rollback: bool
    ) -> Published:
        with self._database.session() as session:
            chosen, live = self._versions(session, program, number)
            _check(chosen, live, rollback)
            before = live.roster if live else Roster.of(())
            removed, added = before.diff(chosen.roster)
            _keeps_the_past(chosen, number, (*removed, *added), self._clock())
            audit = PublishAudit(
                number,
                rollback,
                caller.identity,
                caller.role.value,
                self._clock(),
                reason.strip(),
                tuple(removed),
                tuple(added),
            )
            saved = self._store(session, chosen, live, audit)
        self._rosters.forget()
        change = Change(tuple(removed), tuple(added))
        applied = Applied(chosen.program, before, chosen.roster, change, saved)
        return Published(saved, tuple(sorted(change.people)), notify_all(self._notifier, applied))

    def _versions(self, session: Session, program: str, number: int) -> tuple[Live, Live | None]:
        rosters = RosterRepository(session)
        record = rosters.by_number(program, number)
        if record is None:
            raise NotFound("number", f"{program} has no roster version {number}")
        newest = rosters.latest(program)
        schedules = self._rosters.schedules
        live = None if newest is None else schedules.version(session, newest.id)
        return schedules.version(session, record.id), live

    def _store(
        self, session: Session, chosen: Live, live: Live | None, audit: PublishAudit
    ) -> RosterVersionRecord:
        status = (
            f"rolled back to {audit.from_version}"
            if audit.rollback
            else f"draft {audit.from_version} published"
        )
        if live is not None:
            return add_version(
                session,
                live,
                chosen.roster,
                audit,
                status=status,
                program=chosen.program,
                program_version_id=chosen.record.program_version_id,
            )
        # The program's first live roster: nothing to start from, so nothing can be stale.
        report = {**chosen.record.report, audit.KEY: audit.to_json()}
        return RosterRepository(session).add_version(
            chosen.record.program_version_id,
            chosen.roster,
            source=chosen.record.source,
            status=status,
            objective=chosen.record.objective,
            bound=chosen.record.bound,
            report=report,
            parent_id=chosen.record.id,
        )


def past_changes(chosen: Live, changed: Iterable[Assignment], now: datetime) -> list[Assignment]:
    """The changed assignments that fall on days already begun on the hospital's clock."""
    today = now.astimezone(ZoneInfo(chosen.program.hospital.timezone)).date()
    return [a for a in changed if a.day <= today]


def _keeps_the_past(chosen: Live, number: int, changed: Iterable[Assignment], now: datetime) -> None:
    """A published roster never rewrites days already worked: the hours logged against them,
    and the people who worked them, would no longer match the schedule."""
    past = past_changes(chosen, changed, now)
    if past:
        first = min(a.day for a in past)
        raise Conflict(
            "number",
            f"version {number} changes {len(past)} shifts on days already begun (from {first:%a %d %b}): "
            "a roster never rewrites the past; change what is left of this block with a repair or a "
            "cell edit, and solve the next block instead",
        )


def _check(chosen: Live, live: Live | None, rollback: bool) -> None:
    number = chosen.record.number
    if rollback:
        if not chosen.record.published:
            raise Invalid("number", f"version {number} is a draft: publish it instead of rolling back to it")
        if live is not None and chosen.roster == live.roster:
            raise Invalid("number", f"the live roster is version {number}'s already: nothing would change")
        return
    if chosen.record.published:
        raise Invalid("number", f"version {number} is not a draft: roll back to it instead")
    if live is None:
        return
    done = audit_of(live.record)
    if isinstance(done, PublishAudit) and not done.rollback and done.from_version == number:
        raise Invalid("number", f"draft {number} is published already (version {live.record.number})")
    if chosen.record.parent_id != live.record.id:
        raise Conflict(
            "number",
            f"the live roster has changed since draft {number} was solved (it is version "
            f"{live.record.number} now): solve again, so the draft keeps those changes",
        )
