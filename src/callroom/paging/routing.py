"""Who a page goes to: a target resolved against the live schedule at an instant, with reasons.

Pure: a `Schedule` is a program, a roster and their times, and `now` is always passed in.

Routing protects people and patients. Unless the page is STAT:
- a person on leave, or off duty when paged by name, is replaced by whoever covers them
  (the program's cover rules), and the sender is told;
- a resident in the ACGME transition (the 4 hours after 24 hours of continuous in-house work)
  gets no new-patient pages: those go to their cover, the backup;
- an escalation step that names a person reaches them off duty (the policy chose to wake them),
  but never on leave nor, for new patients, in transition.
A target that resolves to nobody goes to the fallback, and the sender is told: never dropped.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from callroom.domain.paging import Priority, Target, TargetKind
from callroom.domain.program import Person, Program
from callroom.domain.roster import Roster
from callroom.paging.policy import OPERATOR_QUEUE
from callroom.rules.context import CheckContext, Work
from callroom.rules.periods import Period, continuous_periods, earns_rest


class UnknownTarget(ValueError):
    """A target naming a person, post or group the program does not have."""


@dataclass(frozen=True)
class Recipient:
    person_id: str
    name: str
    reason: str
    post_id: str | None = None


@dataclass(frozen=True)
class Resolution:
    """The recipients, and what the sender should be told (re-routing, fallback)."""

    recipients: tuple[Recipient, ...]
    notes: tuple[str, ...] = ()
    fell_back: bool = False


@dataclass(frozen=True)
class RouteRequest:
    target: Target
    priority: Priority
    new_patient: bool
    escalation: bool = False  # a policy step or fallback, not the sender, chose this target


OPERATORS = Recipient(OPERATOR_QUEUE, "Operators' queue", "the switchboard's queue")


@dataclass(frozen=True, eq=False)
class Schedule:
    """A program and one roster version of it, indexed for questions about an instant."""

    program: Program
    roster: Roster
    roster_version_id: int | None = None

    @cached_property
    def context(self) -> CheckContext:
        """Each person's work on the block's timeline, built once per schedule (the live one is
        cached per roster version)."""
        return CheckContext(self.program, self.roster)

    @cached_property
    def work(self) -> Mapping[str, tuple[Work, ...]]:
        """Each person's work, the block's history first. The live roster changes to a new
        block at local midnight of its first day, while the previous block's overnight call
        runs until the morning: that call is in the new block's history, so a page at 02:00
        still reaches whoever holds it (and the transition after a 24-hour call is known)."""
        # Someone in the history who has left the program is nobody a page can reach.
        people = {*self.context.work, *(p for p in self.context.past if p in self.program.person)}
        return {pid: self.context.joined(pid) for pid in people}

    @cached_property
    def by_post(self) -> Mapping[str, tuple[Work, ...]]:
        """The work on each post, in order of start (then person), the history's included."""
        grouped: dict[str, list[Work]] = defaultdict(list)
        for items in self.work.values():
            for work in items:
                grouped[work.post.id].append(work)
        return {
            post: tuple(sorted(items, key=lambda w: (w.start, w.assignment.person_id)))
            for post, items in grouped.items()
        }

    @cached_property
    def _periods(self) -> Mapping[str, tuple[Period, ...]]:
        return {pid: tuple(continuous_periods(work)) for pid, work in self.work.items()}

    def minute(self, now: datetime) -> float:
        return (now - self.context.timeline.origin).total_seconds() / 60

    def holders(self, post_id: str, now: datetime) -> list[Work]:
        """Who works the post at `now`, most junior first (first call in a teaching hospital)."""
        at = self.minute(now)
        found = [w for w in self.by_post.get(post_id, ()) if w.start <= at < w.end]
        return sorted(found, key=lambda w: (self._grade(w), w.assignment.person_id))

    def duty(self, person_id: str, now: datetime) -> Work | None:
        at = self.minute(now)
        return next((w for w in self.work.get(person_id, ()) if w.start <= at < w.end), None)

    def on_leave(self, person: Person, now: datetime) -> bool:
        return person.unavailable(now.astimezone(self.context.timeline.zone).date())

    def in_transition(self, person: Person, now: datetime) -> bool:
        """Inside the transition hours that follow 24 hours of continuous in-house work (or a
        24-hour call, 23 elapsed hours on the spring-forward night)."""
        limits = self.program.rules.limits_for(person)
        if limits is None:
            return False
        at = self.minute(now)
        for period in self._periods.get(person.id, ()):
            if earns_rest(period.minutes, (w.shift for w in period.items), limits):
                begins = min(period.start + limits.max_continuous_hours * 60, period.end)
                if begins <= at < begins + limits.transition_hours * 60:
                    return True
        return False

    def _grade(self, work: Work) -> int:
        return int(self.program.person[work.assignment.person_id].grade)


def check_target(program: Program, target: Target) -> None:
    """Raise UnknownTarget, naming the closest known id, if the target names nothing."""
    known: Iterable[str]
    kind, known = {
        TargetKind.PERSON: ("person", program.person),
        TargetKind.ROLE: ("post", program.post),
        TargetKind.TEAM: ("post", program.post),
        TargetKind.GROUP: ("group", program.paging.groups),
        TargetKind.OPERATORS: ("", {"": None}),
    }[target.kind]
    if target.id in known:
        return
    close = difflib.get_close_matches(target.id, sorted(known), n=1)
    hint = f": did you mean {target.kind.value}:{close[0]}?" if close else ""
    raise UnknownTarget(f"unknown {kind} {target.id!r} in target {str(target)!r}{hint}")


def resolve(
    schedule: Schedule, request: RouteRequest, now: datetime, fallback: tuple[Target, ...] | None
) -> Resolution:
    """The people `request.target` reaches at `now`, protections applied. With `fallback`, a
    target that reaches nobody goes there instead; without, the result may be empty."""
    recipients: list[Recipient] = []
    notes: list[str] = []
    for candidate in _expand(schedule, request.target, now):
        routed, note = _protect(schedule, candidate, request, now)
        recipients += routed
        notes += [note] if note else []
    if recipients or fallback is None:
        return Resolution(_unique(recipients), tuple(notes))
    reached = _fallback(schedule, request, now, fallback) or (OPERATORS,)
    names = ", ".join(r.name for r in reached)
    notes.append(f"{_nobody(schedule, request.target)}: sent to the fallback ({names})")
    return Resolution(reached, tuple(notes), fell_back=True)


def _fallback(
    schedule: Schedule, request: RouteRequest, now: datetime, fallback: tuple[Target, ...]
) -> tuple[Recipient, ...]:
    spare = RouteRequest(request.target, request.priority, request.new_patient, escalation=True)
    found: list[Recipient] = []
    for target in fallback:
        for candidate in _expand(schedule, target, now):
            found += _protect(schedule, candidate, spare, now)[0]
    return _unique(found)


def _unique(recipients: Iterable[Recipient]) -> tuple[Recipient, ...]:
    seen: dict[str, Recipient] = {}
    for recipient in recipients:
        seen.setdefault(recipient.person_id, recipient)
    return tuple(seen.values())


def _nobody(schedule: Schedule, target: Target) -> str:
    if target.kind in (TargetKind.ROLE, TargetKind.TEAM):
        grades = f" ({target.grades.label})" if target.grades is not None else ""
        return f"nobody{grades} holds {schedule.program.post[target.id].name} now"
    return f"nobody available for {target}"


def _expand(schedule: Schedule, target: Target, now: datetime) -> list[Recipient]:
    """The target's people at `now`, before any protection."""
    program = schedule.program
    if target.kind is TargetKind.OPERATORS:
        return [OPERATORS]
    if target.kind is TargetKind.PERSON:
        work = schedule.duty(target.id, now)
        reason = "paged by name" + (f"; on {work.post.name} now" if work else "")
        post_id = work.post.id if work is not None else None
        return [Recipient(target.id, program.person[target.id].name, reason, post_id)]
    if target.kind is TargetKind.GROUP:
        group = program.paging.groups[target.id]
        return [r for member in group.members for r in _expand(schedule, member, now)]
    return _holders(schedule, target, now)


def _holders(schedule: Schedule, target: Target, now: datetime) -> list[Recipient]:
    program = schedule.program
    found = [
        w
        for w in schedule.holders(target.id, now)
        if target.grades is None or program.person[w.assignment.person_id].grade in target.grades
    ]
    if target.kind is TargetKind.ROLE:
        chosen = found[:1]
        why = f"; the most junior of {len(found)}" if len(found) > 1 else ""
    else:
        chosen, why = found, f"; one of {len(found)} on the team"
    return [_holder(program, w, why) for w in chosen]


def _holder(program: Program, work: Work, why: str) -> Recipient:
    person = program.person[work.assignment.person_id]
    reason = f"holds {work.post.name} now ({work.shift.name}, {person.grade.label}){why}"
    return Recipient(person.id, person.name, reason, work.post.id)


def _protect(
    schedule: Schedule, candidate: Recipient, request: RouteRequest, now: datetime
) -> tuple[list[Recipient], str | None]:
    """The candidate, or their cover and a note saying why."""
    person = schedule.program.person.get(candidate.person_id)
    if person is None or request.priority is Priority.STAT:
        return [candidate], None
    why = _unavailable(schedule, person, request, now)
    if why is None:
        return [candidate], None
    cover = _cover(schedule, person, request, now, why)
    names = ", ".join(r.name for r in cover) or "nobody: no one covering them is available"
    return cover, f"{person.name} {why}: sent to {names}"


def _unavailable(schedule: Schedule, person: Person, request: RouteRequest, now: datetime) -> str | None:
    """Why the person should not get this page, or None. The transition hours are duty hours
    (handing over), so a resident in them still gets pages about existing patients."""
    if schedule.on_leave(person, now):
        return "is on leave"
    transition = schedule.in_transition(person, now)
    if request.new_patient and transition:
        return "is in the 4-hour transition after 24 hours on duty (no new patients)"
    if not (request.escalation or transition) and schedule.duty(person.id, now) is None:
        return "is off duty"
    return None


def _cover(
    schedule: Schedule, person: Person, request: RouteRequest, now: datetime, why: str
) -> list[Recipient]:
    target = schedule.program.paging.cover_for(person.id, person.post_ids, person.grade)
    if target is None:
        return []
    plain = RouteRequest(target, request.priority, request.new_patient, escalation=True)
    found = []
    for candidate in _expand(schedule, target, now):
        # Cover is one level deep: a coverer who is unavailable too is passed over, not covered.
        other = schedule.program.person.get(candidate.person_id)
        if candidate.person_id == person.id or (other and _unavailable(schedule, other, plain, now)):
            continue
        reason = f"covers {person.name}, who {why}; {candidate.reason}"
        found.append(Recipient(candidate.person_id, candidate.name, reason, candidate.post_id))
    return found
