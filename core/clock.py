"""Time as the services see it: a clock they are given, so tests and replays can set the hour."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

# Seconds since the epoch; ``time.time`` in production, a fixed or stepping value in tests.
Clock = Callable[[], float]


def utc_at(seconds: float) -> dt.datetime:
    """The aware UTC datetime of an epoch timestamp."""
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def utc_now(clock: Clock) -> dt.datetime:
    """The clock's current time as an aware UTC datetime."""
    return utc_at(clock())
