"""The operating room's day: who may take which case, and every hard rule of a day's plan.

`availability` says, for each case and each resident of the program, whether they may take it
and if not why, in words ("post-call: on 24-hour call until 07:00", "not on General Surgery
that day", "on leave (vacation)", "would be 29 h continuous, past 24 + 4"). A resident may take
a case when:
- the roster puts them on a post of the case's service that day (a 24-hour call post of that
  service counts: the resident on call is on the service, and the case lies inside their call);
- they are not on leave, a fixed day off, or an approved absence overlapping the case;
- they are not post-call: the case does not start inside the rest owed after a period that
  earns it (`rules.periods.needs_rest_after`, `limits.rest_after_call_hours`), even a case that
  would begin the minute the call ends (a scheduled case is no transition of care);
- the case breaks no duty-hour rule: their work around the day is placed as the roster checks
  place it (hours as logged replacing the roster on the days logged, as `rules.whatif` does),
  the in-house shift that holds or touches the case is stretched over it (or the case is added
  as in-house work of its own), and the very ACGME checks of the roster judge the result;
  a hard violation that was not there before is the reason.

`check_plan` judges a plan: one surgeon credit per case in the role the grade gives (SC in the
chief year, SJ before it), at most one teaching assistant and only over a more junior surgeon,
the surgeon meets the case's least grade, nobody unavailable, nobody on two cases whose times
overlap with the turnover between them, one role per person per case, and no declared conflict
on a case (two residents, or a resident and the case's attending). A conflict violation carries
the pair, so `rules.privacy.as_seen_by` hides it from everyone but the chief and the two.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from callroom.domain.grades import Grade
from callroom.domain.operating import CaseNeeds, CaseRole, CreditRole, OrCase, OrPlan, surgeon_role
from callroom.domain.program import Person, Post, Program
from callroom.domain.roster import Assignment, Roster
from callroom.domain.shifts import ShiftKind, ShiftType
from callroom.domain.timeline import Timeline
from callroom.domain.worklog import LoggedPeriod
from callroom.rules import ids
from callroom.rules.acgme import hours_text
from callroom.rules.context import CheckContext, Work
from callroom.rules.ids import Severity
from callroom.rules.periods import continuous_periods, needs_rest_after
from callroom.rules.violations import Violation
from callroom.rules.whatif import logged_through
from callroom.rules.worked import BLOCK_CHECKS, home_call_markers, place, placed_context

NOT_A_RESIDENT = "not a resident of the program"
DEFAULT_TURNOVER_MINUTES = 30


@dataclass(frozen=True)
class Availability:
    """Per (case id, person id) of each case and resident: None when they may take the case,
    else the reason they may not, in words. A pair not in it (an attending, a stranger) may not."""

    day: date
    reasons: Mapping[tuple[str, str], str | None] = field(default_factory=dict, hash=False)

    def reason(self, case_id: str, person_id: str) -> str | None:
        return self.reasons.get((case_id, person_id), NOT_A_RESIDENT)

    def may_take(self, case_id: str, person_id: str) -> bool:
        return (case_id, person_id) in self.reasons and self.reasons[case_id, person_id] is None

    def free_for(self, case_id: str) -> tuple[str, ...]:
        """The people who may take the case, in the order they were judged."""
        return tuple(p for (c, p), why in self.reasons.items() if c == case_id and why is None)


def availability(
    program: Program,
    roster: Roster,
    day: date,
    cases: Sequence[OrCase],
    *,
    logged: Sequence[LoggedPeriod] | None = None,
) -> Availability:
    """Who may take each of the day's cases (see the module doc). `logged` is hours as worked
    (any people, any block): where a resident logged, their log replaces the roster."""
    reasons: dict[tuple[str, str], str | None] = {}
    for person in program.residents:
        mine = [p for p in logged or () if p.person_id == person.id]
        judge = _Judge(program, roster, person, day, mine)
        for case in cases:
            reasons[case.id, person.id] = judge.reason(case)
    return Availability(day, reasons)


class _Judge:
    """One resident's work around the day, placed once and asked about each case."""

    def __init__(
        self, program: Program, roster: Roster, person: Person, day: date, logged: list[LoggedPeriod]
    ) -> None:
        self.program, self.person, self.day = program, person, day
        self.zone = ZoneInfo(program.hospital.timezone)
        self.scope = frozenset({person.id})
        self.services = {
            program.post[a.post_id].service_id
            for a in roster.for_person(person.id)
            if a.day == day and a.post_id in program.post
        }
        self.work = _placed_work(program, roster, person.id, logged)
        self.timeline = Timeline(program)
        self.before = set(self._hard(self.work))
        self.limits = program.rules.limits_for(person)

    def reason(self, case: OrCase) -> str | None:
        return self._off(case) or self._post_call(case) or self._service(case) or self._duty_hours(case)

    def _off(self, case: OrCase) -> str | None:
        person = self.person
        for leave in person.leave:
            if self.day in leave.dates():
                return f"on leave ({leave.kind})"
        if self.day in person.days_off:
            return "on a fixed day off"
        for absence in self.program.absences_of.get(person.id, ()):
            if absence.overlaps(case.start, case.end):
                return absence.describe(self.zone).removeprefix("is ")
        return None

    def _service(self, case: OrCase) -> str | None:
        if case.service_id in self.services:
            return None
        service = self.program.service.get(case.service_id)
        return f"not on {service.name if service else case.service_id} that day"

    def _post_call(self, case: OrCase) -> str | None:
        """The case starts in the rest owed after a period that earns it: from the end of its
        call (or of its 24th hour) to the rest's end after the whole period, so a day shift
        rostered on after the call (a roster breaking the rest already) changes nothing."""
        if self.limits is None:
            return None
        start = self.timeline.offset(case.start)
        rest = self.limits.rest_after_call_hours * 60
        for period in continuous_periods(self.work):
            if not needs_rest_after(period, self.limits):
                continue
            call = next((w for w in period.items if w.shift.is_in_house_call), None)
            full = self.limits.max_continuous_hours * 60
            ended = call.end if call is not None else min(period.end, period.start + full)
            if ended <= start < period.end + rest:
                until = (self.timeline.origin + timedelta(minutes=ended)).astimezone(self.zone)
                what = (
                    f"on {call.shift.name}"
                    if call is not None
                    else f"{hours_text(ended - period.start)} in-house"
                )
                return f"post-call: {what} until {until:%H:%M}"
        return None

    def _duty_hours(self, case: OrCase) -> str | None:
        """The first hard duty-hour violation the case would add, in words."""
        if self.limits is None or self._inside_shift(case):
            return None
        found = [v for v in self._hard(self._with_case(case)) if v not in self.before]
        if not found:
            return None
        first = found[0]
        if first.rule == ids.CONTINUOUS_HOURS and first.measured is not None:
            limits = self.limits
            return (
                f"would be {hours_text(first.measured * 60)} continuous, "
                f"past {limits.max_continuous_hours} + {limits.transition_hours}"
            )
        return f"would break {first.rule.cited}: {first.message}"

    def _inside_shift(self, case: OrCase) -> bool:
        """The case lies inside in-house work already placed: it changes no hour."""
        start, end = self.timeline.offset(case.start), self.timeline.offset(case.end)
        return any(w.in_house and w.start <= start and end <= w.end for w in self.work)

    def _with_case(self, case: OrCase) -> list[Work]:
        """The resident's work with the case: the in-house item that holds or touches it
        stretched over it, or the case as in-house work of its own."""
        start, end = self.timeline.offset(case.start), self.timeline.offset(case.end)
        work = list(self.work)
        touching = [i for i, w in enumerate(work) if w.in_house and w.start <= end and start <= w.end]
        if touching:
            i = touching[0]
            work[i] = replace(work[i], start=min(work[i].start, start), end=max(work[i].end, end))
            return sorted(work, key=lambda w: (w.start, w.end))
        day_index = (self.day - self.program.block.start).days
        shift = ShiftType(
            f"case:{case.id}",
            case.procedure,
            case.start.astimezone(self.zone).time().replace(second=0, microsecond=0),
            case.minutes,
            ShiftKind.DAY,
            case.minutes,
        )
        post = Post(f"or:{case.room}", f"Operating room {case.room}", case.service_id, (), "", False)
        item = Work(
            Assignment(self.person.id, self.day, shift.id, post.id), shift, post, day_index, start, end
        )
        return sorted([*work, item], key=lambda w: (w.start, w.end))

    def _hard(self, work: Iterable[Work]) -> list[Violation]:
        ctx = placed_context(self.program, {self.person.id: list(work)}, self.scope)
        return [v for check in BLOCK_CHECKS for v in check(ctx) if v.rule.severity is Severity.HARD]


def _placed_work(program: Program, roster: Roster, person_id: str, logged: list[LoggedPeriod]) -> list[Work]:
    """The resident's work on the roster's timeline; with logged hours, the log replaces the
    roster up to the last day logged (rostered home call kept as availability), as the what-if
    places it."""
    scheduled = CheckContext(program, roster, frozenset({person_id}))
    rostered = list(scheduled.work.get(person_id, ()))
    through = logged_through(program, logged)
    if through is None:
        return rostered
    timeline = scheduled.timeline
    later = [w for w in rostered if w.assignment.day > through]
    placed = [w for w in (place(timeline, p) for p in logged) if w is not None]
    markers = [w for w in home_call_markers(scheduled, person_id) if w.assignment.day <= through]
    return sorted(later + placed + markers, key=lambda w: (w.start, w.end))


def check_plan(
    program: Program,
    cases: Sequence[OrCase],
    needs: Mapping[str, CaseNeeds],
    plan: OrPlan,
    availability: Availability,
    *,
    turnover_minutes: int = DEFAULT_TURNOVER_MINUTES,
) -> list[Violation]:
    """Every hard rule the plan breaks, case by case (see the module doc)."""
    words = _Words(program)
    by_id = {case.id: case for case in cases}
    found: list[Violation] = []
    for role in plan.roles:
        if role.case_id not in by_id:
            continue
        found += _role_problems(program, words, by_id[role.case_id], needs, role, availability)
    for case in cases:
        found += _case_problems(program, words, case, plan.on_case(case.id))
    found += _overlaps(words, by_id, plan, turnover_minutes)
    return found


def _role_problems(
    program: Program,
    words: _Words,
    case: OrCase,
    needs: Mapping[str, CaseNeeds],
    role: CaseRole,
    availability: Availability,
) -> list[Violation]:
    person = program.person.get(role.person_id)
    name, where = words.name(role.person_id), words.case(case)
    found: list[Violation] = []
    why = availability.reason(case.id, role.person_id)
    if why is not None:
        found.append(
            Violation(ids.OR_AVAILABLE, f"{name} may not take {where}: {why}", role.person_id, case.day)
        )
    if person is None or not person.grade.is_resident or not role.role.is_surgeon:
        return found
    if role.role is not surgeon_role(person.grade):
        found.append(
            Violation(
                ids.OR_ROLE_GRADE,
                f"{name} ({person.grade.label}) takes {role.role.value} on {where}; "
                f"a {person.grade.label} surgeon takes {surgeon_role(person.grade).value}",
                role.person_id,
                case.day,
            )
        )
    need = needs.get(case.id)
    if need is not None and person.grade < need.min_grade:
        found.append(
            Violation(
                ids.OR_MIN_GRADE,
                f"{name} ({person.grade.label}) is below {need.min_grade.label}, "
                f"the least grade to operate on {where}",
                role.person_id,
                case.day,
                measured=int(person.grade),
                limit=int(need.min_grade),
            )
        )
    return found


def _case_problems(
    program: Program, words: _Words, case: OrCase, roles: tuple[CaseRole, ...]
) -> list[Violation]:
    where = words.case(case)
    found: list[Violation] = []
    surgeons = [r for r in roles if r.role.is_surgeon]
    if len(surgeons) > 1:
        names = " and ".join(words.name(r.person_id) for r in surgeons)
        found.append(
            Violation(
                ids.OR_ONE_SURGEON,
                f"{names} both take surgeon credit on {where}",
                surgeons[1].person_id,
                case.day,
                measured=len(surgeons),
                limit=1,
            )
        )
    found += _teaching(program, words, case, roles, surgeons)
    per_person: dict[str, list[CaseRole]] = defaultdict(list)
    for role in roles:
        per_person[role.person_id].append(role)
    for person_id, held in per_person.items():
        if len(held) > 1:
            taken = ", ".join(r.role.value for r in held)
            found.append(
                Violation(
                    ids.OR_ONE_ROLE,
                    f"{words.name(person_id)} takes {taken} on {where}; one role a case",
                    person_id,
                    case.day,
                )
            )
    found += _conflicts(program, words, case, roles)
    return found


def _teaching(
    program: Program, words: _Words, case: OrCase, roles: tuple[CaseRole, ...], surgeons: list[CaseRole]
) -> list[Violation]:
    where = words.case(case)
    teachers = [r for r in roles if r.role is CreditRole.TA]
    found: list[Violation] = []
    if len(teachers) > 1:
        names = " and ".join(words.name(r.person_id) for r in teachers)
        found.append(
            Violation(
                ids.OR_TEACHING,
                f"{names} both take TA on {where}; one teaching assistant a case",
                teachers[1].person_id,
                case.day,
            )
        )
    for teacher in teachers:
        grade = _grade(program, teacher.person_id)
        juniors = [s for s in surgeons if s.role is CreditRole.SJ and _grade(program, s.person_id) < grade]
        if not juniors:
            found.append(
                Violation(
                    ids.OR_TEACHING,
                    f"{words.name(teacher.person_id)} takes TA on {where} "
                    "with no more junior resident taking SJ on it",
                    teacher.person_id,
                    case.day,
                )
            )
    return found


def _conflicts(program: Program, words: _Words, case: OrCase, roles: tuple[CaseRole, ...]) -> list[Violation]:
    """Declared conflicts among the case's residents, and with its attending."""
    present = {r.person_id for r in roles} | ({case.attending_id} if case.attending_id else set())
    residents = {r.person_id for r in roles}
    return [
        Violation(
            ids.OR_CONFLICT,
            f"{words.name(c.first)} and {words.name(c.second)} share {words.case(case)} (declared conflict)",
            c.first,
            case.day,
            pair=(c.first, c.second),
        )
        for c in program.conflicts
        if {c.first, c.second} <= present and {c.first, c.second} & residents
    ]


def _overlaps(words: _Words, by_id: Mapping[str, OrCase], plan: OrPlan, turnover: int) -> list[Violation]:
    found: list[Violation] = []
    per_person: dict[str, list[OrCase]] = defaultdict(list)
    for role in plan.roles:
        case = by_id.get(role.case_id)
        if case is not None and case not in per_person[role.person_id]:
            per_person[role.person_id].append(case)
    for person_id, held in per_person.items():
        held.sort(key=lambda c: (c.start, c.id))
        for i, first in enumerate(held):
            for second in held[i + 1 :]:
                if overlaps(first, second, turnover):
                    found.append(
                        Violation(
                            ids.OR_OVERLAP,
                            f"{words.name(person_id)} is on {words.case(first)} and {words.case(second)}, "
                            f"which overlap with {turnover} min turnover",
                            person_id,
                            first.day,
                        )
                    )
    return found


def overlaps(first: OrCase, second: OrCase, turnover_minutes: int) -> bool:
    """Whether one person could not take both: their times overlap once each is followed by
    the turnover."""
    gap = timedelta(minutes=turnover_minutes)
    return first.start < second.end + gap and second.start < first.end + gap


def _grade(program: Program, person_id: str) -> Grade:
    person = program.person.get(person_id)
    return person.grade if person is not None else Grade.ATTENDING


@dataclass(frozen=True)
class _Words:
    program: Program

    def name(self, person_id: str) -> str:
        person = self.program.person.get(person_id)
        return person.name if person is not None else person_id

    def case(self, case: OrCase) -> str:
        return case_words(case, ZoneInfo(self.program.hospital.timezone))


class NamedCase(Protocol):
    """What a case is named by: an `OrCase`, or a case as a plan published it."""

    @property
    def room(self) -> str: ...
    @property
    def start(self) -> datetime: ...
    @property
    def procedure(self) -> str: ...


def case_words(case: NamedCase, zone: ZoneInfo | str) -> str:
    """ "OR 4, 07:30, Laparoscopic cholecystectomy": a case as people name it in a sentence (the
    board's words, in hospital time, without its patient and never its id). Every message about
    a case names it so."""
    start: datetime = case.start.astimezone(ZoneInfo(zone) if isinstance(zone, str) else zone)
    clock: time = start.time()
    return f"{case.room}, {clock:%H:%M}, {case.procedure}"
