"""Why a case is left without a surgeon: each candidate and the reason they are out.

Each reason is a `Violation` of the rule that keeps the candidate out, naming them, so a reason
that reveals a declared conflict (with the case's attending) carries the pair and goes through
`rules.privacy` like the roster's: the chief reads it, with the program's reason; the resident
of the pair reads it as written; anyone else reads one "confidential rule" in its place, which
names no one. `OrResult.unassigned` is that last wording, safe for any reader.
"""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from callroom.domain.operating import OrCase, OrPlan
from callroom.rules import ids
from callroom.rules.operating import case_words, overlaps
from callroom.rules.privacy import HIDDEN
from callroom.rules.violations import Violation
from callroom.solver.operating.request import Candidate, OrRequest


def why_out(request: OrRequest, case: OrCase, plan: OrPlan, optimal: bool) -> tuple[Violation, ...]:
    """One reason for each candidate, in the request's order."""
    return tuple(_reason(request, case, plan, c, optimal) for c in request.candidates)


def _reason(request: OrRequest, case: OrCase, plan: OrPlan, candidate: Candidate, optimal: bool) -> Violation:
    name, day, pid = candidate.name, case.day, candidate.person_id
    unavailable = request.availability.reason(case.id, pid)
    if unavailable is not None:
        return Violation(ids.OR_AVAILABLE, f"{name}: {unavailable}", pid, day)
    need = request.needs.get(case.id)
    if need is not None and candidate.grade < need.min_grade:
        return Violation(
            ids.OR_MIN_GRADE,
            f"{name}: {candidate.grade.label}, below {need.min_grade.label} for this case",
            pid,
            day,
            measured=int(candidate.grade),
            limit=int(need.min_grade),
        )
    attending = case.attending_id
    if attending is not None and request.conflicted(attending, pid):
        return Violation(
            ids.OR_CONFLICT,
            f"{name}: may not operate with {request.name(attending)} (declared conflict)",
            pid,
            day,
            pair=(pid, attending),
        )
    busy = _busy(request, case, plan, pid)
    if busy is not None:
        zone = ZoneInfo(request.timezone)
        return Violation(
            ids.OR_OVERLAP,
            f"{name}: on {case_words(busy, zone)}, too close with {request.turnover_minutes} min turnover",
            pid,
            day,
        )
    tail = "" if optimal else " (the search stopped at its time limit)"
    return Violation(ids.OR_NOT_PLACED, f"{name}: free, but not placed on it{tail}", pid, day)


def _busy(request: OrRequest, case: OrCase, plan: OrPlan, person_id: str) -> OrCase | None:
    by_id = {c.id: c for c in request.cases}
    for role in plan.of_person(person_id):
        other = by_id.get(role.case_id)
        if other is not None and other.id != case.id and overlaps(other, case, request.turnover_minutes):
            return other
    return None


def public_words(reasons: Iterable[Violation]) -> tuple[str, ...]:
    """The reasons as anyone may read them: each declared conflict hidden, once, in its place
    (as `rules.privacy.as_seen_by` words it for a reader who is not the chief or of the pair)."""
    shown: list[str] = []
    for reason in reasons:
        text = HIDDEN.message if reason.pair is not None else reason.message
        if reason.pair is None or text not in shown:
            shown.append(text)
    return tuple(shown)
