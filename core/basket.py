"""The basket: what one customer is choosing before the sale is confirmed.

A basket is a booking in the making: its seats are held in the database with an
expiry (a restart loses nothing that matters: the holds lapse), while the
choices (ticket types, extras, promo, contact) live with the kiosk or clerk that
builds it. Once payment starts, ``booking`` is the pending booking it became.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from core.layout import SeatLayout
from core.models import Booking, Contact, Promo, Showtime


@dataclass
class Basket:
    """What one customer is choosing: held seats, ticket types, extras, a promo."""

    showtime: Showtime
    layout: SeatLayout
    channel: str
    hold_id: str = field(default_factory=lambda: secrets.token_hex(12))
    seats: list[str] = field(default_factory=list)
    held_until: float = 0.0
    tickets: dict[str, str] = field(default_factory=dict)  # seat id -> ticket type
    extras: dict[str, int] = field(default_factory=dict)  # extra id -> quantity
    promo: Promo | None = None
    contact: Contact = field(default_factory=Contact)
    warnings: list[str] = field(default_factory=list)
    booking: Booking | None = None  # once payment has started
    extended: bool = False
    customer_id: str | None = None  # a customer signed in at the kiosk
    paid_unsettled: bool = False  # paid, but the database went away before confirming
    sales_closed_at: str = ""  # a late sale, made by staff after sales closed at this time

    @property
    def showtime_id(self) -> str:
        return self.showtime.id
