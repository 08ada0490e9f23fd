"""The tickets capability: requests and answers of TicketService."""

from __future__ import annotations

from core.records import CheckIns, ScanVerdict
from server.contract.base import Operation, Request


class TicketsCheckinsIn(Request):
    showtime_id: str


class TicketsScanIn(Request):
    token: str
    door: str = "main"
    theater_id: str | None = None
    showtime_id: str | None = None


class TicketsTicketsIn(Request):
    reference: str


OPERATIONS = (
    Operation("tickets", "checkins", TicketsCheckinsIn, CheckIns, positional=1),
    Operation(
        "tickets",
        "scan",
        TicketsScanIn,
        ScanVerdict,
        writes=True,
        positional=3,
        server_side=("now",),
    ),
    Operation("tickets", "tickets", TicketsTicketsIn, list[tuple[str, str]], positional=1),
)
