"""The program file's structure as pydantic models: keys, defaults and what each field may hold.

Field names are the file's keys (aliases where the key is a Python keyword or builtin). Unknown
keys are errors. References between sections (a person's posts, a cover entry's shift) are checked
in program_checks, which sees the whole file; these models are also the source of the JSON Schema.
Defaults of the custom field types are written as the file would write them ("any", "daily") and
validated like file input, so the schema shows them in the file's own words.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from callroom.domain.paging import DEFAULT_CONTACT_RULES, Channel
from callroom.domain.program import AcgmeLimits, Weights
from callroom.domain.shifts import ShiftKind
from callroom.domain.year import Length
from callroom.formats.program_fields import (
    ClockTime,
    Day,
    DayOff,
    GradeField,
    GradeRangeField,
    Minutes,
    Seconds,
    ShiftLength,
    Slug,
    TargetField,
    Text,
    TimeZoneName,
    Weekdays,
)

BLOCK_PATTERN = r"^\s*(\d+\s*x\s*\d+|\d+(\s*\+\s*\d+)*)\s*$"

_ACGME = AcgmeLimits()
_WEIGHTS = Weights()


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HospitalSpec(_Section):
    name: Text
    timezone: TimeZoneName


class BlockSpec(_Section):
    """The planning period: `days` consecutive dates from `start`."""

    start: Day
    days: int = Field(ge=1, le=366)


class ShiftTypeSpec(_Section):
    """A shift template. `counted` defaults to the duration, or 0 for home call."""

    id: Slug
    name: Text | None = None
    start: ClockTime
    duration: ShiftLength
    kind: ShiftKind
    counted: Minutes | None = None


class PostSpec(_Section):
    """A place that needs people. `team` defaults to the enclosing service's id."""

    id: Slug
    name: Text | None = None
    shifts: list[Slug] = Field(min_length=1)
    team: Slug | None = None
    new_patients: bool = True
    grades: GradeRangeField = Field("any", validate_default=True)


class ServiceSpec(_Section):
    id: Slug
    name: Text | None = None
    posts: list[PostSpec] = []


class NeedSpec(_Section):
    """People of some grades a post needs: `min` and `max` are hard, `target` is soft."""

    grades: GradeRangeField = Field("any", validate_default=True)
    minimum: int = Field(0, alias="min", ge=0)
    target: int | None = Field(None, ge=0)
    maximum: int | None = Field(None, alias="max", ge=0)
    weight_under: int = Field(100, ge=0)
    weight_over: int = Field(1, ge=0)


class CoverSpec(_Section):
    """A post's demand for one shift on the days of `days`, plus `dates`, minus `except`."""

    post: Slug
    shift: Slug
    days: Weekdays = Field("daily", validate_default=True)
    dates: list[Day] = []
    excluded: list[Day] = Field([], alias="except")
    need: list[NeedSpec] = Field(min_length=1)


class LeaveSpec(_Section):
    start: Day = Field(alias="from")
    end: Day = Field(alias="to")
    kind: Text = "vacation"


class RequestSpec(_Section):
    """A wish to work (`on: true`) or not (`off: true`) on a date, optionally one shift or post."""

    day: Day = Field(alias="date")
    on: bool | None = None
    off: bool | None = None
    shift: Slug | None = None
    post: Slug | None = None
    weight: int = Field(1, ge=1)

    @model_validator(mode="after")
    def _on_or_off(self) -> RequestSpec:
        if (self.on is True) == (self.off is True):
            raise ValueError("a request needs exactly one of `on: true` or `off: true`")
        return self


class PersonLimitsSpec(_Section):
    max_shifts: dict[Slug, int] = Field({}, description="the most shifts of each type")
    min_total: Minutes | None = None
    max_total: Minutes | None = None
    min_consecutive_work: int | None = Field(None, ge=1)
    max_consecutive_work: int | None = Field(None, ge=1)
    min_consecutive_off: int | None = Field(None, ge=1)
    max_weekends: int | None = Field(None, ge=0)


class FixedSpec(_Section):
    """A year file only: the person is on `rotation` for the weeks that begin in this span."""

    rotation: Slug
    start: Day = Field(alias="from")
    end: Day = Field(alias="to")


class PersonSpec(_Section):
    """A person. Weekday names in `days_off` mean every such date in the block. `vacation`,
    `electives`, `fixed` and `joins` belong to a year file."""

    id: Slug
    name: Text | None = None
    grade: GradeField
    posts: list[Slug] = []
    rotation: Slug | None = None
    leave: list[LeaveSpec] = []
    days_off: list[DayOff] = []
    requests: list[RequestSpec] = []
    limits: PersonLimitsSpec = Field(default_factory=PersonLimitsSpec)
    vacation: list[list[Day]] = Field(
        [], description="vacation requests, each a list of week starts, first choice first"
    )
    electives: list[Slug] = Field([], description="elective rotations, first choice first")
    fixed: list[FixedSpec] = []
    joins: Day | None = Field(None, description="the day a resident joins, when not the year's first")


class ConflictSpec(_Section):
    """Two people who must never share a team; the reason is for the chief's eyes only."""

    between: list[Slug] = Field(min_length=2, max_length=2)
    reason: Text


class WorkedSpec(_Section):
    """A shift worked before the block, as the previous roster had it."""

    person: Slug
    day: Day = Field(alias="date")
    shift: Slug
    post: Slug


class HistorySpec(_Section):
    """The shifts worked from `from` to the block's eve; days in that span not listed were off."""

    start: Day = Field(alias="from")
    shifts: list[WorkedSpec] = []


class HolidaySpec(_Section):
    name: Text
    day: Day = Field(alias="date")


class TallySpec(_Section):
    """A resident's counts over the year before the block (written by a block made from a year)."""

    nights: int = Field(0, ge=0)
    weekends: int = Field(0, ge=0)
    calls: int = Field(0, ge=0)
    holidays: int = Field(0, ge=0)


class AcgmeLimitsSpec(_Section):
    """ACGME limits; a key left out keeps the default (in `rotations`, the value in `limits`)."""

    weekly_hours: int = Field(_ACGME.weekly_hours, ge=1)
    free_days_per_seven: int = Field(_ACGME.free_days_per_seven, ge=0, le=7)
    max_continuous_hours: int = Field(_ACGME.max_continuous_hours, ge=1)
    transition_hours: int = Field(_ACGME.transition_hours, ge=0)
    rest_after_call_hours: int = Field(_ACGME.rest_after_call_hours, ge=0)
    call_every_nth_night: int = Field(_ACGME.call_every_nth_night, ge=1)
    min_rest_hours: int = Field(_ACGME.min_rest_hours, ge=0)
    night_float_max_nights: int | None = Field(_ACGME.night_float_max_nights, ge=1)
    rolling_window_days: int = Field(_ACGME.rolling_window_days, ge=1)
    free_day_start: ClockTime = Field(_ACGME.free_day_start.strftime("%H:%M"), validate_default=True)

    def given(self) -> dict[str, Any]:
        """Only the keys written in the file, for merging a rotation's overrides over `limits`."""
        return {name: getattr(self, name) for name in self.model_fields_set}


class SuccessionSpec(_Section):
    """Working shift `after` on one day forbids the shifts in `not` the next day."""

    after: Slug
    forbids: list[Slug] = Field(alias="not", min_length=1)


class RulesSpec(_Section):
    profile: Literal["acgme", "none"] = "acgme"
    limits: AcgmeLimitsSpec = Field(default_factory=AcgmeLimitsSpec)
    rotations: dict[Slug, AcgmeLimitsSpec] = Field(
        {}, description="per-rotation overrides, keyed by service id, merged over `limits`"
    )
    forbidden_successions: list[SuccessionSpec] = []


class ObjectiveSpec(_Section):
    fairness_nights: int = Field(_WEIGHTS.fairness_nights, ge=0)
    fairness_weekends: int = Field(_WEIGHTS.fairness_weekends, ge=0)
    fairness_calls: int = Field(_WEIGHTS.fairness_calls, ge=0)
    short_rest: int = Field(_WEIGHTS.short_rest, ge=0)


class ComplementSpec(_Section):
    """Residents of `grades` on a rotation each week: `min` and `max` are both hard."""

    grades: GradeRangeField = Field("residents", validate_default=True)
    minimum: int = Field(0, alias="min", ge=0)
    maximum: int | None = Field(None, alias="max", ge=0)


class RotationSpec(_Section):
    """A rotation of the year: the posts its residents may work, its weekly complement, the
    pieces it is given in (`block`, `half` or `week`), and whether vacation may be taken on it.
    Its ACGME limits are the `rules.rotations` entry with its id."""

    id: Slug
    name: Text | None = None
    grades: GradeRangeField = Field("residents", validate_default=True, description="who may be put on it")
    posts: list[Slug] = []
    complement: list[ComplementSpec] = []
    length: Length = Length.BLOCK
    vacation: bool = True
    heavy: bool = False
    elective: bool = False
    max_weeks_in_a_row: int | None = Field(None, ge=1)


class RequirementSpec(_Section):
    """Residents of `grades` spend `min_weeks` to `max_weeks` on any of `rotations` in the year
    (vacation weeks do not count)."""

    grades: GradeRangeField
    rotations: list[Slug] = Field(min_length=1)
    min_weeks: int = Field(0, ge=0)
    max_weeks: int | None = Field(None, ge=0)


class FirstSpec(_Section):
    """Residents of `grades` start the year on `rotation`."""

    grades: GradeRangeField
    rotation: Slug


class BlockRunSpec(_Section):
    start: Day = Field(alias="from")
    weeks: int = Field(ge=1, le=53)


class VacationSpec(_Section):
    weeks: int = Field(0, ge=0, le=52, description="weeks of vacation per resident per year")
    max_off: int | None = Field(None, ge=0, description="most residents of one rotation off in one week")


class YearSpec(_Section):
    """An academic year: `blocks` is a pattern ("13x4": 13 blocks of 4 weeks; "4+1" or "6+2"
    repeated to the year's end; "2" for half-blocks) or a list of blocks, each `from` a date for
    some `weeks`. `end` defaults to the day before the start's anniversary."""

    start: Day
    end: Day | None = None
    blocks: Annotated[str, StringConstraints(pattern=BLOCK_PATTERN)] | list[BlockRunSpec] = "13x4"
    rotations: list[RotationSpec] = Field(min_length=1)
    requirements: list[RequirementSpec] = []
    first: list[FirstSpec] = []
    vacation: VacationSpec = Field(default_factory=VacationSpec)
    max_heavy_weeks_in_a_row: int | None = Field(None, ge=1)


class StepSpec(_Section):
    """An escalation step: page `target`, who then has `wait` to acknowledge."""

    target: TargetField
    wait: Seconds


class EscalationSpec(_Section):
    """The page's own recipients have `wait`; then each step; the whole sequence runs `repeat`
    more times; then `fallback` (default: the paging section's `fallback`) is paged."""

    wait: Seconds = 300
    steps: list[StepSpec] = []
    repeat: int = Field(0, ge=0, le=10)
    fallback: list[TargetField] | None = Field(None, min_length=1)


class PolicySpec(EscalationSpec):
    """The escalation policy of pages to one post or group (`for`)."""

    subject: Slug = Field(alias="for")


class GroupSpec(_Section):
    """A named group paged all at once, such as the code team."""

    id: Slug
    name: Text | None = None
    members: list[TargetField] = Field(min_length=1)


class CoveringSpec(_Section):
    """Who takes pages for a person (`person`), or for anyone of `grades` listing a post
    (`post`), while they are off duty, on leave, or in the ACGME transition hours. A person's
    own rule comes first, then the posts they list, in their order."""

    post: Slug | None = None
    person: Slug | None = None
    grades: GradeRangeField = Field("any", validate_default=True, description="with `post` only")
    by: TargetField

    @model_validator(mode="after")
    def _post_or_person(self) -> CoveringSpec:
        if (self.post is None) == (self.person is None):
            raise ValueError("a cover rule names exactly one of `post` or `person`")
        return self


class ContactRuleSpec(_Section):
    """Send through `via` once the page has been unseen for `after`."""

    via: Channel
    after: Seconds = 0


_DEFAULT_RULES = [{"via": r.channel.value, "after": r.after_s} for r in DEFAULT_CONTACT_RULES]


class ContactSpec(_Section):
    person: Slug
    email: Text | None = None
    phone: Text | None = None
    rules: list[ContactRuleSpec] | None = Field(None, min_length=1)


class ContactsSpec(_Section):
    """Addresses and contact rules. Without an `email`, a person's address is ID@`email_domain`."""

    email_domain: Text | None = None
    rules: list[ContactRuleSpec] = Field(_DEFAULT_RULES, min_length=1, validate_default=True)
    people: list[ContactSpec] = []


class PagingSpec(_Section):
    """Escalation policies, named groups, cover and contact rules for pages."""

    fallback: list[TargetField] = Field(["operators"], min_length=1, validate_default=True)
    default: EscalationSpec = Field(default_factory=EscalationSpec)
    policies: list[PolicySpec] = []
    groups: list[GroupSpec] = []
    coverage: list[CoveringSpec] = []
    contacts: ContactsSpec = Field(default_factory=ContactsSpec)


class ProgramSpec(_Section):
    """A callroom program file: one service's people, posts, cover and rules for one block."""

    model_config = ConfigDict(title="callroom program file")

    hospital: HospitalSpec
    block: BlockSpec | None = None
    year: YearSpec | None = None
    shift_types: list[ShiftTypeSpec] = Field(min_length=1)
    services: list[ServiceSpec] = Field(min_length=1)
    cover: list[CoverSpec] = []
    people: list[PersonSpec] = []
    conflicts: list[ConflictSpec] = []
    history: HistorySpec | None = Field(
        None,
        description="shifts worked in the days before the block: the limits that carry across "
        "a boundary (24 + 4 hours, rest after call, runs of days) are held at the seam",
    )
    holidays: list[HolidaySpec] = Field(
        [], description="named holidays: no resident works more than one a year"
    )
    year_to_date: dict[Slug, TallySpec] = Field(
        {}, description="each resident's counts over the year before the block, which fairness balances"
    )
    rules: RulesSpec = Field(default_factory=RulesSpec)
    objective: ObjectiveSpec = Field(default_factory=ObjectiveSpec)
    paging: PagingSpec = Field(default_factory=PagingSpec)

    @model_validator(mode="after")
    def _block_or_year(self) -> ProgramSpec:
        if (self.block is None) == (self.year is None):
            raise ValueError("a program file has either a `block` or a `year`")
        return self
