"""The scalar field types of the program file: ids, durations, clock times, grades, days.

Each is an `Annotated` type with a plain validator (so the error message is ours, written for a
chief resident) and an explicit JSON Schema (so the published schema says what the loader means).
YAML 1.1 turns unquoted `yes`, `19:00` and `2026-03-02` into a boolean, a number and a date; the
validators name that trap when they see it instead of printing a bare type error.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import PlainValidator, StringConstraints, WithJsonSchema

from callroom.domain.days import WEEKDAYS, WEEKEND_DAYS
from callroom.domain.grades import Grade, GradeRange
from callroom.domain.paging import TARGET_SYNTAX, Target

MAX_SHIFT_MINUTES = 36 * 60
"""The longest shift type a program may define (an ACGME 24 + 4 call fits with room to spare)."""

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_LONG_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_INDEX = {name: i for names in (_WEEKDAYS, _LONG_WEEKDAYS) for i, name in enumerate(names)}
_DAY_SETS = {
    "daily": frozenset(range(7)),
    "weekdays": WEEKDAYS,
    "weekends": WEEKEND_DAYS,
}

_SLUG_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$"
_DURATION = re.compile(r"(-?)(?:(\d+)h)?(?:(\d+)m)?")
_DURATION_PATTERN = "^(?:[0-9]+h|[0-9]+m|[0-9]+h[0-9]+m)$"
_SECONDS = re.compile(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")
_SECONDS_PATTERN = "^(?=[0-9])(?:[0-9]+h)?(?:[0-9]+m)?(?:[0-9]+s)?$"
_MAX_WAIT_S = 24 * 3600
_CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
_CLOCK_PATTERN = "^([01]?[0-9]|2[0-3]):[0-5][0-9]$"


def _scalar_kind(value: object) -> str:
    if isinstance(value, bool):
        return "a true/false value"
    return "a date" if isinstance(value, date) else "a number"


def _text(value: object, what: str) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        raise ValueError(f"{what} is missing: the value is empty")
    if isinstance(value, list | dict):
        shape = "a list" if isinstance(value, list) else "a mapping"
        raise ValueError(f"{what} must be text, not {shape}")
    kind = _scalar_kind(value)
    raise ValueError(f"{what} must be text, but YAML read this as {kind} ({value!r}): quote it")


def _slug(value: object) -> str:
    text = _text(value, "an id")
    if re.fullmatch(_SLUG_PATTERN, text) is None:
        raise ValueError(
            f"{text!r} is not a valid id: use up to 40 letters, digits, '-' and '_',"
            " starting with a letter or digit"
        )
    return text


def _minutes(value: object) -> int:
    """Minutes from "12h", "90m", "12h30m" or a whole number of minutes (sign kept for messages)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    match = _DURATION.fullmatch(value) if isinstance(value, str) else None
    if match is None or not (match[2] or match[3]):
        raise ValueError(f"unknown duration {value!r}: write it like 12h, 90m, 12h30m or a number of minutes")
    minutes = int(match[2] or 0) * 60 + int(match[3] or 0)
    return -minutes if match[1] else minutes


def _seconds(value: object) -> int:
    """Seconds from "90s", "5m", "1m30s", "1h" or a whole number of seconds; at most a day."""
    if isinstance(value, int) and not isinstance(value, bool):
        seconds = value
    else:
        match = _SECONDS.fullmatch(value) if isinstance(value, str) else None
        if match is None or not any(match.groups()):
            raise ValueError(f"unknown wait {value!r}: write it like 30s, 5m, 1m30s or a number of seconds")
        seconds = int(match[1] or 0) * 3600 + int(match[2] or 0) * 60 + int(match[3] or 0)
    if not 0 <= seconds <= _MAX_WAIT_S:
        raise ValueError(f"a wait lasts from 0 seconds to 24h, not {seconds}s")
    return seconds


def _target(value: object) -> Target:
    return Target.parse(_text(value, "a target"))


def _shift_length(value: object) -> int:
    minutes = _minutes(value)
    if not 0 < minutes <= MAX_SHIFT_MINUTES:
        raise ValueError(f"a shift lasts more than 0 minutes and at most 36h, not {minutes}m")
    return minutes


def _amount(value: object) -> int:
    minutes = _minutes(value)
    if minutes < 0:
        raise ValueError(f"cannot be negative ({minutes} minutes)")
    return minutes


def _clock(value: object) -> time:
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError(
            f'write the time as a quoted "HH:MM" string: YAML read it as the number {value}'
            " (unquoted, 19:00 is read as 19 x 60 = 1140)"
        )
    match = _CLOCK.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f'unknown time {value!r}: write it as "HH:MM" on the 24-hour clock')
    return time(int(match[1]), int(match[2]))


def _day(value: object) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(_text(value, "a date"))
    except ValueError as error:
        raise ValueError(f"unknown date {value!r}: write it as YYYY-MM-DD") from error


def _weekday(value: object) -> int:
    text = _text(value, "a weekday")
    if text not in _WEEKDAY_INDEX:
        raise ValueError(f"unknown weekday {text!r}: use {', '.join(_WEEKDAYS)}")
    return _WEEKDAY_INDEX[text]


def _day_off(value: object) -> date | int:
    """A date, or a weekday name meaning every such date in the block (returned as 0..6)."""
    if isinstance(value, str) and value in _WEEKDAY_INDEX:
        return _WEEKDAY_INDEX[value]
    try:
        return _day(value)
    except ValueError as error:
        raise ValueError(f"a day off is a date (YYYY-MM-DD) or a weekday like sun, not {value!r}") from error


def _weekdays(value: object) -> frozenset[int]:
    if isinstance(value, list):
        return frozenset(_weekday(item) for item in value)
    text = _text(value, "days")
    if text not in _DAY_SETS:
        raise ValueError(f"unknown days {text!r}: use daily, weekdays, weekends or a list like [mon, sat]")
    return _DAY_SETS[text]


def _grade(value: object) -> Grade:
    return Grade.parse(_text(value, "a grade"))


def _grades(value: object) -> GradeRange:
    return GradeRange.parse(_text(value, "a grade range"))


def _zone(value: object) -> str:
    text = _text(value, "a time zone")
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {text!r}: use an IANA name like America/New_York") from error
    return text


def _any_case(word: str) -> str:
    """A JSON Schema regex matching `word` in any letter case (ECMA regexes have no (?i) flag)."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else c for c in word)


# Grade.parse accepts "PGY-3", "pgy3", "PGY 3", "att" and "attending", in any letter case.
_GRADE = f"(?:{_any_case('pgy')}[\\s-]?[1-5]|{_any_case('att')}(?:{_any_case('ending')})?)"
_GRADE_RANGE = (
    f"(?:{_any_case('any')}|{_any_case('all')}|\\*|{_any_case('resident')}[Ss]?"
    f"|{_GRADE}(?:\\s*(?:\\+|\\.\\.\\s*{_GRADE}))?)"
)
_WEEKDAY_SCHEMA: dict[str, Any] = {"enum": [*_WEEKDAYS, *_LONG_WEEKDAYS]}
_DATE_SCHEMA: dict[str, Any] = {"type": "string", "format": "date"}


def _minutes_schema(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "anyOf": [{"type": "integer"}, {"type": "string", "pattern": _DURATION_PATTERN}],
    }


Slug = Annotated[
    str,
    PlainValidator(_slug),
    WithJsonSchema({"type": "string", "pattern": _SLUG_PATTERN}),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
ShiftLength = Annotated[
    int,
    PlainValidator(_shift_length),
    WithJsonSchema(_minutes_schema("12h, 90m, 12h30m or minutes; more than 0 and at most 36h")),
]
Minutes = Annotated[
    int,
    PlainValidator(_amount),
    WithJsonSchema(_minutes_schema("12h, 90m, 12h30m or minutes; not negative")),
]
ClockTime = Annotated[
    time,
    PlainValidator(_clock),
    WithJsonSchema({"type": "string", "pattern": _CLOCK_PATTERN, "description": 'quoted "HH:MM"'}),
]
Day = Annotated[date, PlainValidator(_day), WithJsonSchema(_DATE_SCHEMA)]
DayOff = Annotated[
    date | int,
    PlainValidator(_day_off),
    WithJsonSchema({"anyOf": [_DATE_SCHEMA, _WEEKDAY_SCHEMA]}),
]
Weekdays = Annotated[
    frozenset[int],
    PlainValidator(_weekdays),
    WithJsonSchema(
        {
            "anyOf": [{"enum": list(_DAY_SETS)}, {"type": "array", "items": _WEEKDAY_SCHEMA}],
        }
    ),
]
GradeField = Annotated[
    Grade,
    PlainValidator(_grade),
    WithJsonSchema(
        {"type": "string", "pattern": f"^\\s*{_GRADE}\\s*$", "examples": ["PGY-1", "PGY-5", "attending"]}
    ),
]
GradeRangeField = Annotated[
    GradeRange,
    PlainValidator(_grades),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": f"^\\s*{_GRADE_RANGE}\\s*$",
            "examples": ["any", "residents", "PGY-3+", "PGY-1..PGY-2", "attending"],
        }
    ),
]
TimeZoneName = Annotated[
    str,
    PlainValidator(_zone),
    WithJsonSchema({"type": "string", "description": "an IANA time zone", "examples": ["America/New_York"]}),
]
Seconds = Annotated[
    int,
    PlainValidator(_seconds),
    WithJsonSchema(
        {
            "description": "30s, 5m, 1m30s, 1h or seconds; at most 24h",
            "anyOf": [{"type": "integer", "minimum": 0}, {"type": "string", "pattern": _SECONDS_PATTERN}],
        }
    ),
]
TargetField = Annotated[
    Target,
    PlainValidator(_target),
    WithJsonSchema(
        {
            "type": "string",
            "description": TARGET_SYNTAX,
            "examples": ["post:gs-night/senior", "team:pit", "group:code-team", "operators"],
        }
    ),
]
