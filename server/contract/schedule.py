"""The schedule capability: requests and answers of ScheduleService."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.models import Showtime
from core.records import ShowtimeInfo
from server.contract.base import Operation, Request


class ScheduleAddShowtimeIn(Request):
    movie_id: str
    auditorium_id: str
    starts_at: dt.datetime
    price_card_id: str
    format: str = "2D"
    audio_language: str | None = None
    subtitles: str | None = None


class ScheduleCancelShowtimeIn(Request):
    showtime_id: str


class ScheduleEditShowtimeIn(Request):
    showtime_id: str
    changes: dict[str, Any] = {}


class ScheduleInfoIn(Request):
    showtime_id: str


class ScheduleMoveShowtimeIn(Request):
    showtime_id: str
    starts_at: dt.datetime


class ScheduleRemoveShowtimeIn(Request):
    showtime_id: str


class ScheduleShowtimeIn(Request):
    showtime_id: str


class ScheduleShowtimesIn(Request):
    theater_id: str | None = None
    movie_id: str | None = None
    genre: str | None = None
    auditorium_id: str | None = None
    on: dt.date | None = None
    since: dt.datetime | None = None
    include_cancelled: bool = False


OPERATIONS = (
    Operation("schedule", "add_showtime", ScheduleAddShowtimeIn, Showtime, writes=True),
    Operation(
        "schedule", "cancel_showtime", ScheduleCancelShowtimeIn, Showtime, writes=True, positional=1
    ),
    Operation(
        "schedule",
        "edit_showtime",
        ScheduleEditShowtimeIn,
        Showtime,
        writes=True,
        positional=1,
        splat="changes",
    ),
    Operation("schedule", "info", ScheduleInfoIn, ShowtimeInfo, positional=1),
    Operation(
        "schedule", "move_showtime", ScheduleMoveShowtimeIn, Showtime, writes=True, positional=2
    ),
    Operation(
        "schedule", "remove_showtime", ScheduleRemoveShowtimeIn, None, writes=True, positional=1
    ),
    Operation("schedule", "showtime", ScheduleShowtimeIn, Showtime, positional=1),
    Operation("schedule", "showtimes", ScheduleShowtimesIn, list[ShowtimeInfo]),
)
