"""Hours as worked: the periods a resident logs, and the checks every new value must pass.

A logged period is what happened, not what was planned: a start and an end (timezone-aware,
stored UTC) and what kind of work it was. It may name the scheduled shift and post it was
worked as (confirming a week from the roster fills them in), which tells the rules that a
period was an in-house call night (call frequency, 14 hours' rest after a 23-hour call on the
spring-forward night) and whether its post takes new patients (the transition rule).

Every kind counts toward the 80 hours (ACGME VI.F.1: "all in-house clinical and educational
activities, clinical work done from home, and all moonlighting"); only clinical work from home
is not in-house work, so it never extends a continuous period, though it breaks rest and free
days like home call does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from callroom.domain.wallclock import local_text
from callroom.errors import Detail

MAX_PERIOD = timedelta(hours=30)
"""The longest single period accepted. The longest lawful stretch is 24 + 4 = 28 hours, so a
29-hour period must be loggable (and is then reported as a violation); beyond 30 hours a single
period is far more often a missed clock-out than real work. A real longer stretch is logged as
two back-to-back periods, which the rules merge into one continuous period, so nothing is
hidden by the cap."""


class WorkKind(StrEnum):
    """What a logged period was. All kinds count toward the 80 hours."""

    IN_HOUSE = "in_house"  # in-house clinical work, call included
    FROM_HOME = "from_home"  # clinical work done from home during home call
    MOONLIGHTING_INTERNAL = "moonlighting_internal"
    MOONLIGHTING_EXTERNAL = "moonlighting_external"
    EDUCATION = "education"  # scheduled education (conferences, simulation)

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    WorkKind.IN_HOUSE: "in-house clinical",
    WorkKind.FROM_HOME: "clinical work from home (home call)",
    WorkKind.MOONLIGHTING_INTERNAL: "internal moonlighting",
    WorkKind.MOONLIGHTING_EXTERNAL: "external moonlighting",
    WorkKind.EDUCATION: "scheduled education",
}


class Reason(StrEnum):
    """The reasons ACGME VI.F.4.a recognises for a resident staying on their own initiative."""

    SEVERELY_ILL_PATIENT = "severely_ill_patient"
    HUMANISTIC_ATTENTION = "humanistic_attention"
    EDUCATIONAL_EVENT = "educational_event"

    @property
    def label(self) -> str:
        return {
            Reason.SEVERELY_ILL_PATIENT: "care of a single severely ill or unstable patient",
            Reason.HUMANISTIC_ATTENTION: "humanistic attention to the needs of a patient or family",
            Reason.EDUCATIONAL_EVENT: "a unique educational event",
        }[self]


class Decision(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@dataclass(frozen=True)
class LoggedPeriod:
    """One period of work as its newest revision says. `id` is the stored period's id (None
    before it is stored): corrections keep the id and add a revision."""

    person_id: str
    start: datetime
    end: datetime
    kind: WorkKind
    shift_id: str | None = None
    post_id: str | None = None
    id: int | None = None

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    def overlaps(self, other: LoggedPeriod) -> bool:
        return self.start < other.end and other.start < self.end


def period_errors(
    period: LoggedPeriod,
    others: Iterable[LoggedPeriod],
    now: datetime,
    people: Mapping[str, str],
    zone: ZoneInfo,
) -> list[Detail]:
    """Everything wrong with `period` as a new value, given the person's other current periods
    (the one being corrected left out), the present and the program's people (id -> name).
    Messages show instants as the wall clock of `zone`, the hospital's."""
    found = _time_errors(period, now, zone)
    if period.person_id not in people:
        found.append(Detail("person", f"unknown person {period.person_id!r}"))
    if not found:
        found += _overlap_errors(period, others, zone)
    return found


def open_period_errors(
    start: datetime, others: Iterable[LoggedPeriod], now: datetime, zone: ZoneInfo
) -> list[Detail]:
    """What is wrong with clocking in at `start` (or moving an open period's start there), given
    the person's other periods; named on `at`, with instants as the wall clock of `zone`."""
    if start.tzinfo is None:
        return [Detail("at", f"{start.isoformat()} has no time zone; give an offset")]
    at = local_text(start, zone)
    found = [Detail("at", f"{at} is in the future (now {local_text(now, zone)})")] if start > now else []
    found += [
        Detail(
            "at",
            f"{at} is inside the logged period {other.id} "
            f"({local_text(other.start, zone)} to {local_text(other.end, zone)})",
        )
        for other in others
        if other.start <= start < other.end
    ]
    return found


def _time_errors(period: LoggedPeriod, now: datetime, zone: ZoneInfo) -> list[Detail]:
    found = []
    for name, value in (("start", period.start), ("end", period.end)):
        if value.tzinfo is None:
            found.append(Detail(name, f"{value.isoformat()} has no time zone; give an offset"))
    if found:
        return found
    if period.end <= period.start:
        found.append(
            Detail(
                "end",
                f"{local_text(period.end, zone)} is not after the start {local_text(period.start, zone)}",
            )
        )
    elif period.end - period.start > MAX_PERIOD:
        found.append(
            Detail(
                "end",
                f"{_hours(period.end - period.start)} after the start; a single "
                f"period may last at most {_hours(MAX_PERIOD)} (log a longer stretch "
                "as back-to-back periods)",
            )
        )
    if period.end > now:
        found.append(
            Detail(
                "end",
                f"{local_text(period.end, zone)} is in the future (now "
                f"{local_text(now, zone)}); log hours once they are worked",
            )
        )
    return found


def _overlap_errors(period: LoggedPeriod, others: Iterable[LoggedPeriod], zone: ZoneInfo) -> list[Detail]:
    return [
        Detail(
            "start",
            f"overlaps the logged period {other.id} ({local_text(other.start, zone)} to "
            f"{local_text(other.end, zone)})",
        )
        for other in others
        if other.person_id == period.person_id and other.id != period.id and period.overlaps(other)
    ]


def _hours(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"
