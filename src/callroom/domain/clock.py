"""The one clock type and the one `utc_now`. Anything that depends on the present takes a
`Clock` (tests pass a frozen one) instead of reading the time itself."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)
