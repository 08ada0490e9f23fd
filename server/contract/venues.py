"""The venues capability: requests and answers of VenueService."""

from __future__ import annotations

from typing import Any

from core.layout import SeatLayout
from core.layout_changes import SeatMoves
from core.models import Auditorium, Theater
from server.contract.base import Operation, Request


class VenuesAddAuditoriumIn(Request):
    theater_id: str
    name: str
    layout_text: str
    auditorium_id: str | None = None


class VenuesAddTheaterIn(Request):
    name: str
    timezone: str = "UTC"
    address: str = ""
    city: str = ""
    theater_id: str | None = None
    country: str | None = None  # ISO 3166 alpha-2; default: box_office.country


class VenuesAuditoriumIn(Request):
    auditorium_id: str


class VenuesAuditoriumsIn(Request):
    theater_id: str | None = None


class VenuesEditAuditoriumIn(Request):
    auditorium_id: str
    name: str | None = None
    layout_text: str | None = None
    moves: SeatMoves | None = None


class VenuesEditTheaterIn(Request):
    theater_id: str
    changes: dict[str, Any] = {}


class VenuesLayoutIn(Request):
    auditorium_id: str


class VenuesRemoveAuditoriumIn(Request):
    auditorium_id: str


class VenuesRemoveTheaterIn(Request):
    theater_id: str


class VenuesTheaterIn(Request):
    theater_id: str


class VenuesTheatersIn(Request):
    pass


OPERATIONS = (
    Operation("venues", "add_auditorium", VenuesAddAuditoriumIn, Auditorium, writes=True),
    Operation("venues", "add_theater", VenuesAddTheaterIn, Theater, writes=True),
    Operation("venues", "auditorium", VenuesAuditoriumIn, Auditorium, positional=1),
    Operation("venues", "auditoriums", VenuesAuditoriumsIn, list[Auditorium], positional=1),
    Operation(
        "venues", "edit_auditorium", VenuesEditAuditoriumIn, Auditorium, writes=True, positional=1
    ),
    Operation(
        "venues",
        "edit_theater",
        VenuesEditTheaterIn,
        Theater,
        writes=True,
        positional=1,
        splat="changes",
    ),
    Operation("venues", "layout", VenuesLayoutIn, SeatLayout, positional=1),
    Operation(
        "venues", "remove_auditorium", VenuesRemoveAuditoriumIn, None, writes=True, positional=1
    ),
    Operation("venues", "remove_theater", VenuesRemoveTheaterIn, None, writes=True, positional=1),
    Operation("venues", "theater", VenuesTheaterIn, Theater, positional=1),
    Operation("venues", "theaters", VenuesTheatersIn, list[Theater], http="GET"),
)
