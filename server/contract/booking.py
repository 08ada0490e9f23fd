"""The booking capability: requests and answers of BookingService."""

from __future__ import annotations

from core.basket import Basket
from core.layout import SeatLayout
from core.models import Booking, Contact, PriceCard, Showtime
from core.quote import Quote
from core.records import ShowtimeInfo
from server.contract.base import Operation, Request


class BookingApplyPromoIn(Request):
    basket_id: str
    code: str | None


class BookingBasketIn(Request):
    basket_id: str


class BookingOfBasketIn(Request):
    """A basket the caller has (its showtime says which layout and price card)."""

    basket: Basket


class BookingClosedAtIn(Request):
    showtime: Showtime


class BookingSellingIn(Request):
    infos: list[ShowtimeInfo]


class BookingDiscardIn(Request):
    basket_id: str


class BookingHoldIn(Request):
    basket_id: str
    seat_ids: list[str]


class BookingNewBasketIn(Request):
    showtime_id: str
    channel: str = "kiosk"
    late: bool = False
    hold_id: str | None = None


class BookingQuoteIn(Request):
    basket_id: str


class BookingReleaseIn(Request):
    basket_id: str
    seat_ids: list[str] | None = None


class BookingSetBuyerIn(Request):
    basket_id: str
    contact: Contact
    customer_id: str | None = None


class BookingSetContactIn(Request):
    booking_id: str
    email: str | None = None
    phone: str | None = None
    reminders: bool | None = None


class BookingSetExtrasIn(Request):
    basket_id: str
    extras: dict[str, int]


class BookingSetTicketsIn(Request):
    basket_id: str
    tickets: dict[str, str]


class BookingToggleSeatIn(Request):
    basket_id: str
    seat_id: str


OPERATIONS = (
    Operation(
        "booking",
        "apply_promo",
        BookingApplyPromoIn,
        Basket,
        writes=True,
        repeatable=True,
        positional=2,
    ),
    Operation("booking", "basket", BookingBasketIn, Basket, positional=1),
    # What a sale screen shows beside a basket; no caller: none of it is anyone's own.
    Operation("booking", "closed_at", BookingClosedAtIn, str, actor=False, positional=1),
    Operation("booking", "layout_of", BookingOfBasketIn, SeatLayout, actor=False, positional=1),
    Operation("booking", "price_card", BookingOfBasketIn, PriceCard, actor=False, positional=1),
    Operation("booking", "selling", BookingSellingIn, list[ShowtimeInfo], positional=1),
    Operation("booking", "discard", BookingDiscardIn, None, writes=True, positional=1),
    # Basket edits that set what the basket holds: sent again, they change nothing more.
    Operation("booking", "hold", BookingHoldIn, Basket, writes=True, repeatable=True, positional=2),
    # A new basket is named by the caller's key: a retry answers the basket already made.
    Operation(
        "booking",
        "new_basket",
        BookingNewBasketIn,
        Basket,
        writes=True,
        positional=2,
        server_side=("key",),
        own_key="key",
    ),
    Operation("booking", "quote", BookingQuoteIn, Quote, positional=1),
    Operation(
        "booking", "release", BookingReleaseIn, Basket, writes=True, repeatable=True, positional=2
    ),
    Operation(
        "booking",
        "set_buyer",
        BookingSetBuyerIn,
        Basket,
        writes=True,
        repeatable=True,
        positional=3,
    ),
    Operation("booking", "set_contact", BookingSetContactIn, Booking, writes=True, positional=1),
    Operation(
        "booking",
        "set_extras",
        BookingSetExtrasIn,
        Basket,
        writes=True,
        repeatable=True,
        positional=2,
    ),
    Operation(
        "booking",
        "set_tickets",
        BookingSetTicketsIn,
        Basket,
        writes=True,
        repeatable=True,
        positional=2,
    ),
    Operation("booking", "toggle_seat", BookingToggleSeatIn, Basket, writes=True, positional=2),
)
