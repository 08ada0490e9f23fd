"""The aftersales capability: requests and answers of AfterSalesService."""

from __future__ import annotations

from core.models import Booking
from server.contract.base import Operation, Request


class AftersalesBookingIn(Request):
    reference: str


class AftersalesBookingsIn(Request):
    showtime_id: str | None = None
    state: str | None = None
    contact: str | None = None


class AftersalesCancelIn(Request):
    reference: str
    seat_ids: list[str] | None = None
    refund: bool = True


class AftersalesExchangeIn(Request):
    reference: str
    seat_ids: list[str]
    showtime_id: str | None = None
    pay: str | None = None
    tendered: int | None = None


class AftersalesOpenPaymentsIn(Request):
    pass


OPERATIONS = (
    Operation("aftersales", "booking", AftersalesBookingIn, Booking, positional=1),
    Operation("aftersales", "bookings", AftersalesBookingsIn, list[Booking]),
    Operation(
        "aftersales",
        "cancel",
        AftersalesCancelIn,
        Booking,
        writes=True,
        positional=2,
        server_side=("cash_from",),
    ),
    Operation("aftersales", "exchange", AftersalesExchangeIn, Booking, writes=True, positional=2),
    Operation("aftersales", "open_payments", AftersalesOpenPaymentsIn, int, http="GET"),
)
