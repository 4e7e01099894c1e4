"""The patient guard: the one way a patient's identifiers leave the database.

`PatientGuard.read` decides, and writes the access-log row in the same transaction as the read
(an allowed read and its row commit together; a refusal's row commits and then it is refused):
- the chief and the program director (`phi:any`) read any case's patient;
- a resident or attending reads the patient of a case they are on (in the day's newest plan, as
  the case's attending, or as its continuity) or of a case of the service they are on that day
  in the live roster;
- anyone else clinical (`phi:break-glass`) may break the glass with a typed reason: the read is
  logged as break-glass with the reason and shows in the break-glass report; for an hour after,
  the same person reads that case's patient again without retyping it (each read logged as
  break-glass with the first reason);
- operators and admins never (`phi:read` is not theirs; the API refuses them before this).

`route` names where the read came from, as "METHOD /path/template" (`api.deps.route_name`:
"GET /api/v1/or/patient", a page's), so the access log says which screen showed what.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy.orm import Session

from callroom.accounts.permissions import Permission
from callroom.accounts.principal import Principal
from callroom.domain.clock import Clock, utc_now
from callroom.domain.operating import OrCase, Patient
from callroom.errors import CallroomError, NotAllowed, NotFound
from callroom.operating.context import Found, Programs, family
from callroom.operating.types import AccessEntry, PurgeResult
from callroom.storage import Database
from callroom.storage.accounts_repositories import AccountRepository
from callroom.storage.operating_repositories import (
    AccessLogRepository,
    CaseLogRepository,
    OrRepository,
)

BREAK_GLASS_FOR = timedelta(hours=1)
"""How long a break-glass read lets the same person read that case's patient again."""


@dataclass(frozen=True)
class _Decision:
    action: str  # "read" or "break-glass"
    reason: str | None
    refusal: CallroomError | None = None


class PatientGuard:
    def __init__(self, database: Database, programs: Programs, clock: Clock = utc_now) -> None:
        self._database = database
        self._programs = programs
        self._clock = clock

    def read(self, caller: Principal, case_id: str, *, route: str, reason: str | None = None) -> Patient:
        """The case's patient (see the module doc); NotAllowed, logged as refused, otherwise."""
        caller.require(Permission.PHI_READ, "read a patient's identifiers")
        with self._database.session() as session:
            found = self._programs.now(session)
            repo = OrRepository(session, clock=self._clock)
            case = repo.case(found.family, case_id)
            if case is None:
                raise NotFound("case_id", "that case is not on the board (moved, or removed)")
            decision = self._decide(session, caller, found, case, reason)
            self._log(session, caller, case, route, decision)
            patient = None if case.patient_key is None else repo.patient(case.patient_key)
        if decision.refusal is not None:
            raise decision.refusal
        if patient is None:
            raise NotFound("patient", "no patient is on record for this case (none imported, or purged)")
        return patient

    def _decide(
        self, session: Session, caller: Principal, found: Found, case: OrCase, reason: str | None
    ) -> _Decision:
        if caller.can(Permission.PHI_ANY) or _on_case(session, caller, found, case, self._clock):
            return _Decision("read", None)
        typed = (reason or "").strip()
        if typed and caller.can(Permission.PHI_BREAK_GLASS):
            return _Decision("break-glass", typed)
        grant = AccessLogRepository(session).break_glass_since(
            caller.user, case.id, self._clock() - BREAK_GLASS_FOR
        )
        if grant is not None and caller.can(Permission.PHI_BREAK_GLASS):
            return _Decision("break-glass", grant.reason)
        refusal = NotAllowed(
            "reason",
            "this case is not yours nor your service's today: to read its patient anyway, "
            "type why (break the glass); the read is logged and reviewed",
        )
        return _Decision("break-glass" if typed else "read", typed or None, refusal)

    def _log(
        self, session: Session, caller: Principal, case: OrCase, route: str, decision: _Decision
    ) -> None:
        AccessLogRepository(session, clock=self._clock).add(
            account_id=caller.account_id,
            username=caller.user,
            role=caller.role.value,
            patient_key=case.patient_key,
            case_id=case.id,
            route=route,
            action=decision.action,
            reason=decision.reason,
            outcome="refused" if decision.refusal else "allowed",
        )

    def access_log(
        self, caller: Principal, *, break_glass_only: bool = False, limit: int = 500
    ) -> tuple[AccessEntry, ...]:
        """The newest rows first (break-glass reads only, for the review report)."""
        caller.require(Permission.PHI_AUDIT, "read the access log of patient identifiers")
        with self._database.reading() as session:
            rows = AccessLogRepository(session).entries(break_glass_only=break_glass_only, limit=limit)
            names = self._names(session)
            cases = self._cases(session, {row.case_id for row in rows})
        return tuple(
            AccessEntry.of(row, names.get(row.username, row.username), cases.get(row.case_id)) for row in rows
        )

    def _names(self, session: Session) -> dict[str, str]:
        """Each account's reader by name: the program's name of its person, else the account's
        display name (an operator, an admin)."""
        live = self._programs.schedules.live(session)
        people = {} if live is None else {p.id: p.name for p in live.program.people}
        return {
            a.username: people.get(a.person_id or "", a.display_name)
            for a in AccountRepository(session).all()
        }

    def _cases(self, session: Session, case_ids: set[str]) -> dict[str, OrCase]:
        """The cases the rows name, without their patient keys (a report names the case, not
        the patient); none when there is no live program to find them in."""
        live = self._programs.schedules.live(session)
        if live is None:
            return {}
        found = OrRepository(session, clock=self._clock).cases_by_id(family(live.name), case_ids)
        return {k: replace(v, patient_key=None) for k, v in found.items()}

    def purge(self, caller: Principal, older_than_days: int) -> PurgeResult:
        """Remove the identifiers of every patient whose newest case is more than
        `older_than_days` days before today; the cases and case logs stay."""
        caller.require(Permission.PHI_PURGE, "purge patient identifiers")
        with self._database.session() as session:
            found = self._programs.now(session)
            before = self._programs.today(session) - timedelta(days=max(older_than_days, 0))
            repo = OrRepository(session, clock=self._clock)
            purged = repo.purge(before)
            cases = repo.count_cases(found.family)
            logs = CaseLogRepository(session).count(found.family)
        return PurgeResult(purged, before, cases, logs)


def _on_case(session: Session, caller: Principal, found: Found, case: OrCase, clock: Clock) -> bool:
    """Whether the caller is on the case, or on its service that day in the live roster."""
    me = caller.person_id
    if me is None:
        return False
    if me == case.attending_id or me in case.continuity:
        return True
    # A draft is nobody's assignment until the chief publishes it.
    plan = OrRepository(session, clock=clock).newest_plan(found.family, case.day, published_only=True)
    if plan is not None and any(r.person_id == me for r in plan.plan.on_case(case.id)):
        return True
    return me in on_service(found, case.service_id, case.day)


def on_service(found: Found, service_id: str, day: date) -> frozenset[str]:
    """Who the live roster puts on a post of the service that day."""
    posts = {post.id for post in found.program.posts if post.service_id == service_id}
    return frozenset(
        a.person_id for a in found.live.roster.assignments if a.day == day and a.post_id in posts
    )
