"""Training grades (PGY-1..PGY-5, attending) and ranges of them ("PGY-3+")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum


class Grade(IntEnum):
    """A grade, ordered by seniority so that ranges compare naturally."""

    PGY1 = 1
    PGY2 = 2
    PGY3 = 3
    PGY4 = 4
    PGY5 = 5
    ATTENDING = 6

    @property
    def label(self) -> str:
        return "attending" if self is Grade.ATTENDING else f"PGY-{self.value}"

    @property
    def is_resident(self) -> bool:
        """ACGME work-hour limits bind residents, not attendings."""
        return self is not Grade.ATTENDING

    @classmethod
    def parse(cls, text: str) -> Grade:
        """Read "PGY-3", "pgy3", "PGY 3" or "attending"; raise ValueError otherwise."""
        cleaned = text.strip().lower()
        if cleaned in {"attending", "att"}:
            return cls.ATTENDING
        match = re.fullmatch(r"pgy[\s-]?([1-5])", cleaned)
        if match is None:
            raise ValueError(f"unknown grade {text!r}: use PGY-1..PGY-5 or attending")
        return cls(int(match.group(1)))


_RANGE = re.compile(r"^(?P<low>[^.+]+?)\s*(?:(?P<plus>\+)|\.\.\s*(?P<high>.+))?$")


@dataclass(frozen=True)
class GradeRange:
    """An inclusive range of grades, written "PGY-3+", "PGY-1..PGY-2", "residents" or "any"."""

    lowest: Grade = Grade.PGY1
    highest: Grade = Grade.ATTENDING

    def __contains__(self, grade: object) -> bool:
        return isinstance(grade, Grade) and self.lowest <= grade <= self.highest

    @property
    def label(self) -> str:
        if self == GradeRange():
            return "any grade"
        if self.lowest == self.highest:
            return self.lowest.label
        if self.highest is Grade.ATTENDING:
            return f"{self.lowest.label}+"
        if self.lowest is Grade.PGY1 and self.highest is Grade.PGY5:
            return "resident"
        return f"{self.lowest.label}..{self.highest.label}"

    @property
    def text(self) -> str:
        """The range as `parse` reads it back ("any", "PGY-3+", "PGY-1..PGY-2")."""
        if self == GradeRange():
            return "any"
        if self.lowest == self.highest:
            return self.lowest.label
        if self.highest is Grade.ATTENDING:
            return f"{self.lowest.label}+"
        return f"{self.lowest.label}..{self.highest.label}"

    @classmethod
    def parse(cls, text: str) -> GradeRange:
        """Read a range; a single grade means exactly that grade."""
        cleaned = text.strip().lower()
        if cleaned in {"any", "all", "*"}:
            return cls()
        if cleaned in {"resident", "residents"}:
            return cls(Grade.PGY1, Grade.PGY5)
        match = _RANGE.match(cleaned)
        if match is None:
            raise ValueError(f"unknown grade range {text!r}")
        low = Grade.parse(match.group("low"))
        if match.group("plus"):
            return cls(low, Grade.ATTENDING)
        high = Grade.parse(match.group("high")) if match.group("high") else low
        if high < low:
            raise ValueError(f"grade range {text!r} ends below where it starts")
        return cls(low, high)
