"""Case-log rules: which credit a resident may log for a case, what their log counts toward, how
urgently each defined category needs cases, and a dashboard's rows. Pure: no I/O.

ACGME General Surgery (see `callroom.domain.operating`):
- SC is surgeon credit in the chief year, SJ before it; at most one surgeon credit per case;
- a TA (a senior teaching) needs a more junior resident taking SJ on the same case;
- total major cases = SC + SJ + the first 50 TA by date; chief-year major = SC; FA counts toward
  no minimum; SC, SJ and TA lines count toward the defined categories (a sub-category toward its
  parent too); a line whose categories are all non-operative (`NON_OPERATIVE`) is no major case.

Lines are "the same case" when they carry the same `case_id` (a board case, or the `case` column
of an imported log). A line without one cannot be checked against others, so a TA line must
carry one: the junior's SJ line is found through it.

The program's yearly targets (`YearlyTargets`, total major cases by the end of each PGY year)
live here, beside the minimums they pace: the dashboard compares a resident with the target of
their year, pro-rated over the academic year (from 1 July).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from callroom.domain.grades import Grade
from callroom.domain.operating import (
    ACGME_CATEGORIES,
    CHIEF_GRADE,
    NON_OPERATIVE,
    TA_COUNTED_IN_MAJOR,
    CreditRole,
    LoggedCase,
    Totals,
)

MAJOR = "major"
CHIEF_YEAR_MAJOR = "chief-year-major"
TEACHING = "teaching-assistant"
"""Row ids of the totals in `progress` (beside the category ids); `urgency` weighs MAJOR too."""

ACGME_TOTALS = Totals()

TRAINING_MONTHS = 60
"""Five years from the first day of PGY-1 to graduation."""

_CATEGORY = {c.id: c for c in ACGME_CATEGORIES}
_ACADEMIC_YEAR_MONTH = 7  # the academic year starts on 1 July


def with_parents(ids: Iterable[str]) -> tuple[str, ...]:
    """The categories and the parent of each sub-category among them, once each, in the order of
    `ACGME_CATEGORIES` (ids that are not categories are dropped)."""
    wanted: set[str] = set()
    for id_ in ids:
        category = _CATEGORY.get(id_)
        if category is not None:
            wanted.add(category.id)
            if category.parent is not None:
                wanted.add(category.parent)
    return tuple(c.id for c in ACGME_CATEGORIES if c.id in wanted)


def is_operative(entry: LoggedCase) -> bool:
    """Whether the line is an operation (may be a major case): not only non-operative categories."""
    return not entry.categories or not set(entry.categories) <= NON_OPERATIVE


# --- credit rules ---------------------------------------------------------------------------


def credit_problems(
    new: LoggedCase,
    existing: Sequence[LoggedCase],
    grade: Grade,
    *,
    grades: Mapping[str, Grade] | None = None,
) -> list[str]:
    """Plain-English reasons the line `new` (of a resident of `grade`) breaks a credit rule,
    given the lines already logged (`existing`, anyone's; `new` itself is left out by its id).
    `grades` (person id -> grade), when given, also checks that a TA's surgeon is more junior."""
    said = _role_for_grade(new.role, grade)
    if new.case_id is None:
        if new.role is CreditRole.TA:
            said.append("a TA line must name its case, so the junior surgeon's line on it can be found")
        return said
    same = [e for e in existing if e.case_id == new.case_id and not _same_line(e, new)]
    mine = [e for e in same if e.person_id == new.person_id]
    if mine:
        said.append(f"this resident already logged this case (as {mine[0].role.value}): one line per case")
    others = [e for e in same if e.person_id != new.person_id]
    if new.role.is_surgeon and (surgeon := next((e for e in others if e.role.is_surgeon), None)):
        said.append(
            f"another resident took surgeon credit ({surgeon.role.value}) on this case: one surgeon per case"
        )
    if new.role is CreditRole.TA and not any(_junior_surgeon(e, grade, grades) for e in others):
        said.append("a TA needs a more junior resident taking surgeon credit (SJ) on the same case")
    return said


def _role_for_grade(role: CreditRole, grade: Grade) -> list[str]:
    if not grade.is_resident:
        return ["only residents log cases"]
    if role is CreditRole.SC and grade < CHIEF_GRADE:
        return [f"SC is surgeon credit in the chief year ({CHIEF_GRADE.label}): a {grade.label} logs SJ"]
    if role is CreditRole.SJ and grade >= CHIEF_GRADE:
        return [f"SJ is surgeon credit before the chief year: a {grade.label} logs SC"]
    return []


def _same_line(one: LoggedCase, other: LoggedCase) -> bool:
    return one is other or (one.id is not None and one.id == other.id)


def _junior_surgeon(entry: LoggedCase, grade: Grade, grades: Mapping[str, Grade] | None) -> bool:
    if entry.role is not CreditRole.SJ:
        return False
    return grades is None or grades.get(entry.person_id, grade) < grade


def check_log(
    entries: Sequence[LoggedCase], grades: Mapping[str, Grade], *, today: date | None = None
) -> list[tuple[int, str]]:
    """Every credit problem of a whole log (an import), as (index of the line, reason): each
    line checked against all the others of its case, whatever their order, with the grade its
    resident had on its day (`grades` are those of `today`; without it, of the last line's
    day). A line of a person not in `grades` is named as such."""
    now = today or max((e.day for e in entries), default=date.min)
    by_case: dict[str, list[int]] = {}
    for index, entry in enumerate(entries):
        if entry.case_id is not None:
            by_case.setdefault(entry.case_id, []).append(index)
    found: list[tuple[int, str]] = []
    for index, entry in enumerate(entries):
        grade = grades.get(entry.person_id)
        if grade is None:
            found.append((index, f"{entry.person_id} is not a resident of the program"))
            continue
        together = by_case.get(entry.case_id, []) if entry.case_id is not None else []
        others = [entries[i] for i in together if i != index]
        then = grade_on(grade, now, entry.day)
        on_day = {
            o.person_id: grade_on(grades[o.person_id], now, entry.day)
            for o in others
            if o.person_id in grades
        }
        found += [(index, reason) for reason in credit_problems(entry, others, then, grades=on_day)]
    return found


# --- counting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """What a resident's log counts toward: per defined category the SC, SJ and TA lines (a
    sub-category's line counting toward its parent too), total major cases, chief-year major
    cases (SC), teaching-assistant cases and first-assistant lines."""

    categories: Mapping[str, int] = field(default_factory=dict, hash=False)
    major: int = 0
    chief_year_major: int = 0
    ta: int = 0
    fa: int = 0

    def count(self, category_id: str) -> int:
        return self.categories.get(category_id, 0)


def counted_ta(entries: Iterable[LoggedCase]) -> tuple[LoggedCase, ...]:
    """The TA lines that count toward total major cases: the first 50 operative ones by date."""
    teaching = [e for e in entries if e.role is CreditRole.TA and is_operative(e)]
    return tuple(sorted(teaching, key=lambda e: (e.day, e.id or 0))[:TA_COUNTED_IN_MAJOR])


def tally(entries: Iterable[LoggedCase]) -> Tally:
    """One resident's counts (give it one resident's lines)."""
    lines = list(entries)
    credited = [e for e in lines if e.role is not CreditRole.FA]
    per_category = Counter(c for e in credited for c in with_parents(e.categories))
    surgeon = [e for e in credited if e.role.is_surgeon and is_operative(e)]
    return Tally(
        categories=MappingProxyType(dict(per_category)),
        major=len(surgeon) + len(counted_ta(lines)),
        chief_year_major=sum(1 for e in surgeon if e.role is CreditRole.SC),
        ta=sum(1 for e in credited if e.role is CreditRole.TA and is_operative(e)),
        fa=sum(1 for e in lines if e.role is CreditRole.FA),
    )


def urgency(
    tally: Tally, months_left: float, months_done: float, *, totals: Totals = ACGME_TOTALS
) -> dict[str, float]:
    """Per defined category (and MAJOR, total major cases): the deficit projected at graduation
    at the resident's pace so far (minimum - have - pace × months left, at least 0), per month
    left (at least 1): how many cases a month they are short. What the OR solver weighs."""
    pace_months = max(months_done, 0.0)
    found: dict[str, float] = {}
    for id_, minimum, have in [
        *((c.id, c.minimum, tally.count(c.id)) for c in ACGME_CATEGORIES),
        (MAJOR, totals.major, tally.major),
    ]:
        pace = have / pace_months if pace_months > 0 else 0.0
        deficit = max(0.0, minimum - have - pace * max(months_left, 0.0))
        found[id_] = deficit / max(months_left, 1.0)
    return found


# --- training time and the program's targets ---------------------------------------------------


def academic_year(day: date) -> int:
    """The calendar year the academic year of `day` starts in (it starts on 1 July)."""
    return day.year if day.month >= _ACADEMIC_YEAR_MONTH else day.year - 1


def future_day(day: date, today: date) -> str | None:
    """Why a line dated `day` cannot be logged on `today` (hospital time), or None: a case is
    logged once it has happened, never ahead (a plan can change until the day)."""
    if day <= today:
        return None
    return f"{day:%a %d %b %Y} is after today ({today:%a %d %b %Y}): log a case once it has happened"


def grade_on(grade: Grade, today: date, day: date) -> Grade:
    """The grade on `day` of a resident who is `grade` on `today`: one less for each academic
    year back (never below PGY-1). Credit is checked with the grade the case was done in."""
    if not grade.is_resident:
        return grade
    back = academic_year(today) - academic_year(day)
    return Grade(min(max(grade.value - back, Grade.PGY1.value), Grade.PGY5.value))


def months_in_training(grade: Grade, today: date) -> float:
    """Months of residency done by `today` for a resident of `grade` in the current academic
    year (which starts on 1 July): 12 per year before it, and the part of this one gone."""
    if not grade.is_resident:
        return float(TRAINING_MONTHS)
    year_start = date(academic_year(today), _ACADEMIC_YEAR_MONTH, 1)
    into_year = min((today - year_start).days / 365.25 * 12, 12.0)
    return (grade.value - 1) * 12 + into_year


def months_to_graduation(grade: Grade, today: date) -> float:
    return max(0.0, TRAINING_MONTHS - months_in_training(grade, today))


_UCSF_LIKE = MappingProxyType(
    {Grade.PGY1: 150, Grade.PGY2: 300, Grade.PGY3: 500, Grade.PGY4: 800, Grade.PGY5: 1050}
)


@dataclass(frozen=True)
class YearlyTargets:
    """The program's target of total major cases by the end of each PGY year (cumulative). The
    default is a busy program's: 150, 300, 500, 800, 1050 (above the ACGME's 850)."""

    major: Mapping[Grade, int] = field(default_factory=lambda: _UCSF_LIKE, hash=False)

    def by_end_of(self, grade: Grade) -> int | None:
        return self.major.get(grade)

    def curve(self) -> tuple[float, ...] | None:
        """Major cases on the targets at months 0, 12, .., 60 (None without a target a year)."""
        ends = [self.by_end_of(g) for g in Grade if g.is_resident]
        return None if any(end is None for end in ends) else (0.0, *(float(end or 0) for end in ends))

    def at(self, months_done: float) -> float | None:
        """Major cases on the targets after `months_done` months (straight within each year)."""
        points = self.curve()
        if points is None:
            return None
        done = min(max(months_done, 0.0), float(TRAINING_MONTHS))
        year = min(int(done // 12), 4)
        return points[year] + (points[year + 1] - points[year]) * min(done - year * 12, 12.0) / 12


DEFAULT_TARGETS = YearlyTargets()


@dataclass(frozen=True)
class ProgressRow:
    """One dashboard row. `category` is a defined category's id or MAJOR, CHIEF_YEAR_MAJOR or
    TEACHING; `target` the program's target by the end of the resident's year (total major only);
    `expected` where a resident on pace would be today; `behind` when the count is below it."""

    category: str
    name: str
    count: int
    minimum: int
    target: int | None
    expected: int
    behind: bool


def progress(
    tally: Tally,
    grade: Grade,
    months_done: float,
    *,
    targets: YearlyTargets = DEFAULT_TARGETS,
    totals: Totals = ACGME_TOTALS,
) -> list[ProgressRow]:
    """The totals, then each defined category, for a resident of `grade` `months_done` into
    training. On pace means: total major along the program's yearly targets (straight between
    the end of one year's and the next's); each category's minimum in the same proportion (a
    resident on the targets who has done 40% of their graduation target is due 40% of each
    minimum: operations come faster in the senior years); chief-year major along the chief
    year; TA along the last two years."""
    done = min(max(months_done, 0.0), float(TRAINING_MONTHS))
    major_now, share = _on_targets(done, targets, totals.major)
    rows = [
        _row(MAJOR, "Total major cases", tally.major, totals.major, targets.by_end_of(grade), major_now),
        _row(
            CHIEF_YEAR_MAJOR,
            "Chief-year major cases",
            tally.chief_year_major,
            totals.chief_year_major,
            None,
            _spread(totals.chief_year_major, done, 48),
        ),
        _row(
            TEACHING,
            "Teaching assistant",
            tally.ta,
            totals.teaching_assistant,
            None,
            _spread(totals.teaching_assistant, done, 36),
        ),
    ]
    rows += [
        _row(c.id, c.name, tally.count(c.id), c.minimum, None, math.floor(c.minimum * share))
        for c in ACGME_CATEGORIES
    ]
    return rows


def _row(id_: str, name: str, count: int, minimum: int, target: int | None, expected: int) -> ProgressRow:
    return ProgressRow(id_, name, count, minimum, target, expected, count < expected)


def _spread(minimum: int, done: float, from_month: int) -> int:
    """The part of `minimum` due by month `done`, spread evenly from `from_month` to graduation."""
    span = TRAINING_MONTHS - from_month
    return math.floor(minimum * max(0.0, done - from_month) / span)


def _on_targets(done: float, targets: YearlyTargets, minimum: int) -> tuple[int, float]:
    """Major cases a resident on the program's targets has done by month `done`, and that as a
    share of the target at graduation. Without a target for every year: the ACGME's minimum,
    evenly over the five years."""
    now, points = targets.at(done), targets.curve()
    if now is None or points is None:
        return _spread(minimum, done, 0), done / TRAINING_MONTHS
    return math.floor(now), (now / points[-1] if points[-1] else 0.0)
