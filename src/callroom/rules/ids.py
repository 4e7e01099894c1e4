"""Every rule and soft goal has a RuleId: a code, a title, and for ACGME rules both citations.

The checkers in this package and the CP-SAT builders in `callroom.solver` share these ids, so a
violation, a paid penalty and an infeasibility explanation all name the same rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    HARD = "hard"  # a roster breaking it is not acceptable
    ADVISORY = "advisory"  # ACGME "should": reported and penalised, never forbidden
    WARNING = "warning"  # early warning only, not an official check
    SOFT = "soft"  # a goal the objective trades off


@dataclass(frozen=True)
class RuleId:
    code: str
    title: str
    severity: Severity
    citation: str = ""  # pre-2025 numbering, e.g. "VI.F.1"
    citation_2025: str = ""  # 2025 reformatted numbering, e.g. "6.20"

    @property
    def cited(self) -> str:
        """The title with its ACGME citations, when it has any."""
        if not self.citation:
            return self.title
        return f"{self.title} (ACGME {self.citation} / {self.citation_2025})"

    def __str__(self) -> str:
        return self.code


H, A, W, S = Severity.HARD, Severity.ADVISORY, Severity.WARNING, Severity.SOFT

WEEKLY_HOURS = RuleId("acgme.weekly-hours", "80 hours a week, averaged over the block", H, "VI.F.1", "6.20")
FREE_DAYS = RuleId(
    "acgme.free-days", "One day in seven free, averaged over the block", H, "VI.F.2.c", "6.21.b"
)
CONTINUOUS_HOURS = RuleId(
    "acgme.continuous-hours", "At most 24 hours continuous plus 4 of transition", H, "VI.F.3.a", "6.22"
)
TRANSITION = RuleId(
    "acgme.transition", "No new patients in the transition hours", H, "VI.F.3.a.(1)", "6.22.a"
)
REST_AFTER_CALL = RuleId(
    "acgme.rest-after-call", "14 hours free after 24 hours of in-house call", H, "VI.F.2.b", "6.21.a"
)
CALL_FREQUENCY = RuleId(
    "acgme.call-frequency",
    "In-house call no more often than every third night, averaged",
    H,
    "VI.F.7",
    "6.27",
)
SHORT_REST = RuleId("acgme.short-rest", "Eight hours off between shifts (should)", A, "VI.F.2.a", "6.21")
NIGHT_FLOAT = RuleId("acgme.night-float", "Consecutive night-float limit", H, "VI.F.6", "6.26")
ROLLING_WINDOW = RuleId(
    "acgme.rolling-window", "Rolling 28-day early warning (not the official check)", W, "VI.F.1", "6.20"
)
# Checked on hours as worked only (rosters hold no moonlighting): see rules.worked.
MOONLIGHTING = RuleId("acgme.moonlighting", "PGY-1 residents may not moonlight", H, "VI.F.5", "6.25")

ONE_SHIFT_A_DAY = RuleId("general.one-shift-a-day", "At most one shift a day", H)
OVERLAP = RuleId("general.overlap", "Shifts of one person never overlap", H)
ELIGIBILITY = RuleId("general.eligibility", "Only eligible posts, shifts and grades", H)
UNAVAILABLE = RuleId("general.unavailable", "Nobody works on leave or a fixed day off", H)
ABSENCE = RuleId("general.absence", "No shift overlapping an approved absence", H)
SUCCESSION = RuleId("general.succession", "Forbidden shift successions", H)
MAX_SHIFTS = RuleId("general.max-shifts", "Maximum shifts of a type", H)
TOTAL_MINUTES = RuleId("general.total-minutes", "Minimum and maximum total minutes", H)
MAX_CONSECUTIVE = RuleId("general.max-consecutive", "Maximum consecutive working days", H)
MIN_CONSECUTIVE = RuleId("general.min-consecutive", "Minimum consecutive working days", H)
MIN_DAYS_OFF = RuleId("general.min-days-off", "Minimum consecutive days off", H)
MAX_WEEKENDS = RuleId("general.max-weekends", "Maximum working weekends", H)
HOLIDAYS = RuleId("general.holidays", "At most one of the year's named holidays worked", H)
CONFLICT = RuleId("general.conflict", "Declared conflicts never share a team", H)
COVER_MINIMUM = RuleId("cover.minimum", "Hard minimum cover by grade", H)
COVER_MAXIMUM = RuleId("cover.maximum", "Hard maximum cover by grade", H)

# The academic year's plan (rules.year, solver.year).
YEAR_WEEK = RuleId("year.one-rotation", "One rotation a week from the day a resident joins", H)
YEAR_ELIGIBLE = RuleId("year.eligible", "Only rotations whose posts take the resident's grade", H)
YEAR_LENGTH = RuleId("year.length", "Rotations given in whole blocks or halves stay whole", H)
YEAR_REQUIREMENT = RuleId("year.requirement", "Weeks each grade must spend on its rotations", H)
YEAR_COMPLEMENT = RuleId("year.complement", "Residents each rotation takes each week", H)
YEAR_VACATION = RuleId("year.vacation", "Vacation weeks each resident takes", H)
YEAR_NO_LEAVE = RuleId("year.no-leave", "No vacation on rotations that allow none", H)
YEAR_VACATION_CAP = RuleId("year.vacation-cap", "Residents of one rotation off in one week", H)
YEAR_FIRST = RuleId("year.first", "The rotation a grade starts the year on", H)
YEAR_FIXED = RuleId("year.fixed", "Rotations the program fixed for a resident", H)
YEAR_RUN = RuleId("year.run", "Weeks in a row on one rotation", H)
YEAR_HEAVY_RUN = RuleId("year.heavy-run", "Weeks in a row on heavy rotations", H)
YEAR_CONFLICT = RuleId("year.conflict", "Residents in a declared conflict never on one rotation together", H)

# The operating room's day (rules.operating, solver.operating): who may take which case in
# which credit role. The credit rules are the ACGME General Surgery case-log guidelines.
OR_ONE_SURGEON = RuleId("or.one-surgeon", "One surgeon credit (SC or SJ) per case", H)
OR_ROLE_GRADE = RuleId("or.role-grade", "Surgeon credit is SC in the chief year, SJ before it", H)
OR_TEACHING = RuleId("or.teaching", "One teaching assistant, with a more junior surgeon on the same case", H)
OR_MIN_GRADE = RuleId("or.min-grade", "The surgeon meets the case's least grade", H)
OR_AVAILABLE = RuleId("or.available", "Only residents free to take the case", H)
OR_OVERLAP = RuleId("or.overlap", "Nobody on two cases at once, turnover included", H)
OR_ONE_ROLE = RuleId("or.one-role", "One role per person per case", H)
OR_CONFLICT = RuleId("or.conflict", "Declared conflicts never share a case", H)
# Not a rule broken: why a free candidate of an uncovered case was not placed (the search ran
# out of time), so that every reason an explanation gives has a rule id.
OR_NOT_PLACED = RuleId("or.not-placed", "Free, but not placed by the search", S)

COVER_UNDER = RuleId("cover.under", "Cover below target", S)
COVER_OVER = RuleId("cover.over", "Cover above target", S)
REQUEST_ON = RuleId("request.on", "Request to work refused", S)
REQUEST_OFF = RuleId("request.off", "Request for time off refused", S)
FAIR_NIGHTS = RuleId("fairness.nights", "Spread of nights within a grade", S)
FAIR_WEEKENDS = RuleId("fairness.weekends", "Spread of weekends worked within a grade", S)
FAIR_CALLS = RuleId("fairness.calls", "Spread of in-house call nights within a grade", S)

# The hard rules that hold across the seam between two blocks, judged with the history; the
# averaged ones (hours, free days, call frequency) are per block, as ACGME averages by rotation.
CARRY_OVER: frozenset[RuleId] = frozenset(
    {
        CONTINUOUS_HOURS,
        TRANSITION,
        REST_AFTER_CALL,
        NIGHT_FLOAT,
        OVERLAP,
        SUCCESSION,
        MAX_CONSECUTIVE,
        MIN_CONSECUTIVE,
        MIN_DAYS_OFF,
        CONFLICT,
    }
)

ALL: tuple[RuleId, ...] = tuple(v for v in list(globals().values()) if isinstance(v, RuleId))
BY_CODE: dict[str, RuleId] = {rule.code: rule for rule in ALL}
