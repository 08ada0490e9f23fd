"""The basket: what one customer is choosing before the sale is confirmed.

A basket is a record in the database (``baskets``), loaded and saved by id, so
any process can continue it: its seats are held in the seat inventory with an
expiry, and the record keeps the choices (ticket types, extras, promo code,
contact) beside them. Every change is one save conditional on ``version``, so
two processes never overwrite each other's change. Callers get the record
itself, frozen: only the booking services change a basket. Once payment starts,
``booking_id`` names the pending booking it became. ``expires_at`` drives a TTL
index: an abandoned basket goes away by itself a while after its hold lapsed.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Self

from pydantic import ConfigDict, Field

from core.clock import utc_at
from core.fields import RecordId, UtcDateTime
from core.models import Contact, Document

# How long a basket is kept after its hold lapses (a kiosk may still show it).
KEPT_AFTER_HOLD = dt.timedelta(hours=6)

SeatId = Annotated[str, Field(min_length=1, max_length=16)]
HoldId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,80}$")]


class Basket(Document):
    """What one customer is choosing: held seats, ticket types, extras, a promo."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    version: int = Field(default=0, ge=0)
    showtime_id: RecordId
    theater_id: RecordId
    owner: str = Field(min_length=1, max_length=200)  # the subject of the actor who opened it
    channel: Literal["kiosk", "counter", "cli", "online"]
    hold_id: HoldId
    seats: list[SeatId] = Field(default_factory=list, max_length=200)
    held_until: float = 0.0  # epoch seconds; every seat shares the latest expiry
    expires_at: UtcDateTime  # the TTL index removes the record after this
    tickets: dict[SeatId, str] = Field(default_factory=dict)  # seat id -> ticket type
    extras: dict[str, int] = Field(default_factory=dict)  # extra id -> quantity
    promo_code: str | None = None
    contact: Contact = Field(default_factory=Contact)
    customer_id: str | None = None  # a customer signed in at the kiosk
    booking_id: str | None = None  # the pending booking, once payment has started
    warnings: list[str] = Field(default_factory=list)
    extended: bool = False  # payment was given its extra time once
    sales_closed_at: str = ""  # a late sale, made by staff after sales closed at this time

    def changed(self, **changes: Any) -> Self:
        """A validated copy with ``changes`` (the version moves on when it is saved)."""
        data = self.model_dump() | changes
        data["expires_at"] = expiry_of(data["held_until"], data["expires_at"])
        return type(self).model_validate(data)


def expiry_of(held_until: float, earliest: dt.datetime) -> dt.datetime:
    """When a basket held until ``held_until`` may be dropped (never earlier than before)."""
    after_hold = utc_at(held_until) + KEPT_AFTER_HOLD
    latest = max(after_hold, earliest)
    # The database keeps milliseconds: the copy a save returns equals the stored one.
    return latest.replace(microsecond=latest.microsecond // 1000 * 1000)
