"""Shift types: wall-clock start, duration and kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from enum import StrEnum


class ShiftKind(StrEnum):
    """What a shift is, which decides the ACGME rules that look at it."""

    DAY = "day"
    NIGHT = "night"
    IN_HOUSE_CALL = "in_house_call"
    HOME_CALL = "home_call"
    CLINIC = "clinic"


@dataclass(frozen=True)
class ShiftType:
    """A shift template. `counted_minutes` is what counts toward duty hours and total-minute limits.

    For in-house work it equals the duration. For home call it is the expected clinical work done
    from home (ACGME counts only time actually worked), which a program sets; 0 by default.
    """

    id: str
    name: str
    start: time
    duration_minutes: int
    kind: ShiftKind
    counted_minutes: int

    def counted(self, elapsed_minutes: int) -> int:
        """Minutes this shift adds to duty hours when it lasts `elapsed_minutes` of real time.

        A shift counted in full counts its elapsed time (duty hours are elapsed time: a "24-hour"
        call is 23 or 25 hours on a DST night); one counted in part, such as home call, counts
        the minutes the program states.
        """
        return elapsed_minutes if self.counted_minutes == self.duration_minutes else self.counted_minutes

    @property
    def in_house(self) -> bool:
        """Home call is the only work done away from the hospital."""
        return self.kind is not ShiftKind.HOME_CALL

    @property
    def is_in_house_call(self) -> bool:
        return self.kind is ShiftKind.IN_HOUSE_CALL

    @property
    def is_night(self) -> bool:
        return self.kind is ShiftKind.NIGHT
