"""The project's one clock type and its one reading of the real clock.

Services and repositories take a `Clock` (the real one by default) rather than asking the time
themselves, so a test can hand in a clock it moves by hand, and every "now" is an aware UTC
datetime. `utc_now` is the only place the domain reads the clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """Now, in UTC (never naive)."""
    return datetime.now(UTC)
