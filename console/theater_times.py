"""Times in CLI output, each in its theater's zone (named when not this machine's)."""

from __future__ import annotations

import datetime as dt

from console import context
from console.render import theater_time
from core.localtime import WALL


def shown_at_theater(moment: dt.datetime | None, theater_id: str | None, form: str = WALL) -> str:
    """A moment at a theater, as :func:`console.render.theater_time` shows it."""
    return theater_time(moment, context.theater_zone(theater_id), form)
