"""Documents of the box office, validated in core before anything is written.

The embedded server enforces no schema, so these models are the schema: a
repository only ever writes ``model.to_document()`` of a validated model.
Money is integer minor units (cents) everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.fields import (
    Currency,
    Email,
    Line,
    Lines,
    Money,
    Name,
    RecordId,
    UtcDateTime,
)
from core.layout import MAX_TEXT, SeatCategory
from core.money import MAX_MINOR


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:40].strip("-") or "item"


def _storable(value: Any) -> Any:
    """BSON has datetimes but no dates, and wants plain str keys."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): _storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_storable(item) for item in value]
    return value


class Document(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, str_strip_whitespace=True)

    id: RecordId

    def to_document(self) -> dict[str, Any]:
        data = {key: _storable(value) for key, value in self.model_dump(mode="python").items()}
        data["_id"] = data.pop("id")
        return data

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> Self:
        data = dict(document)
        data["id"] = data.pop("_id")
        return cls.model_validate(data, context={"stored": True})


class Movie(Document):
    title: Name
    genres: list[Annotated[str, Field(pattern=r"^[a-z][a-z -]{0,29}$")]] = Field(
        default_factory=list, max_length=8
    )
    rating: Annotated[Line, Field(max_length=12)] = "NR"
    runtime_min: int = Field(ge=1, le=600)
    synopsis: Annotated[Lines, Field(max_length=2000)] = ""
    language: Annotated[Line, Field(max_length=40)] = "English"
    release_date: dt.date | None = None

    @field_validator("genres", mode="before")
    @classmethod
    def _lower_genres(cls, value: Any) -> Any:
        if isinstance(value, list):
            return sorted({str(genre).strip().lower() for genre in value if str(genre).strip()})
        return value


class Theater(Document):
    name: Name
    address: Annotated[Line, Field(max_length=200)] = ""
    city: Annotated[Line, Field(max_length=80)] = ""
    timezone: str = "UTC"
    # ISO 3166 alpha-2; "" (a theater added before theaters had one): box_office.country
    country: str = ""

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str) -> str:
        from core.phones import known_country

        return known_country(value) if value else value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class Auditorium(Document):
    theater_id: RecordId
    name: Name
    layout: str = Field(min_length=1, max_length=MAX_TEXT)  # canonical layout text
    capacity: int = Field(ge=1)


SHOW_FORMATS = ("2D", "3D", "IMAX", "IMAX 3D", "4DX", "Dolby", "70mm")


class Showtime(Document):
    movie_id: RecordId
    theater_id: RecordId
    auditorium_id: RecordId
    price_card_id: RecordId
    starts_at: UtcDateTime
    ends_at: UtcDateTime
    format: Literal[SHOW_FORMATS] = "2D"  # type: ignore[valid-type]
    audio_language: Annotated[Line, Field(max_length=40)] = "English"
    subtitles: Annotated[Line, Field(max_length=40)] | None = None
    status: Literal["scheduled", "cancelled"] = "scheduled"

    @field_validator("ends_at")
    @classmethod
    def _ends_after_start(cls, value: dt.datetime, info: Any) -> dt.datetime:
        starts = info.data.get("starts_at")
        if starts is not None and value <= starts:
            raise ValueError("must be after the start")
        return value


MAX_USES = 1_000_000  # uses of one promo code: beyond any real campaign
TicketType = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,19}$")]


class PriceCard(Document):
    name: Name
    # The theater whose showtimes may use it; None: every theater's (admins change those).
    theater_id: RecordId | None = None
    currency: Currency = "USD"
    tickets: dict[TicketType, Money] = Field(min_length=1)
    surcharges: dict[SeatCategory, Money] = Field(default_factory=dict)

    def price(self, ticket_type: str, category: SeatCategory) -> int:
        return self.tickets[ticket_type] + self.surcharges.get(category, 0)


class Extra(Document):
    name: Name
    kind: Literal["snack", "drink", "combo", "other"] = "snack"
    price: Money
    currency: Currency = "USD"
    active: bool = True


class Promo(Document):
    """A promo code. ``value`` is basis points for a percentage (1500 = 15%), else
    minor units taken off once per booking."""

    code: Annotated[str, Field(pattern=r"^[A-Z0-9][A-Z0-9-]{2,23}$")]
    kind: Literal["percent", "fixed"]
    # The theater it is good at; None: at every theater (admins change those).
    theater_id: RecordId | None = None
    value: int = Field(gt=0, le=MAX_MINOR)
    currency: Currency = "USD"
    applies_to: Literal["tickets", "order"] = "tickets"
    max_uses: int | None = Field(None, ge=1, le=MAX_USES)
    uses: int = Field(0, ge=0)
    valid_from: UtcDateTime | None = None
    valid_until: UtcDateTime | None = None
    movie_ids: list[RecordId] = Field(default_factory=list)
    showtime_ids: list[RecordId] = Field(default_factory=list)
    active: bool = True

    @field_validator("value")
    @classmethod
    def _percent_at_most_whole(cls, value: int, info: Any) -> int:
        if info.data.get("kind") == "percent" and value > 10_000:
            raise ValueError("a percentage cannot exceed 100%")
        return value

    def refusal(self, showtime: Showtime, now: dt.datetime) -> str | None:
        """Why this code cannot be used for ``showtime`` now, or None if it can."""
        if not self.active:
            return f"promo code {self.code} is no longer active"
        if self.theater_id and showtime.theater_id != self.theater_id:
            return f"promo code {self.code} does not apply at this theater"
        if self.valid_from and now < self.valid_from:
            return f"promo code {self.code} is not valid yet"
        if self.valid_until and now >= self.valid_until:
            return f"promo code {self.code} has expired"
        if self.max_uses is not None and self.uses >= self.max_uses:
            return f"promo code {self.code} has been used up"
        if self.movie_ids and showtime.movie_id not in self.movie_ids:
            return f"promo code {self.code} does not apply to this movie"
        if self.showtime_ids and showtime.id not in self.showtime_ids:
            return f"promo code {self.code} does not apply to this showtime"
        return None


BookingState = Literal[
    "pending_payment",  # the quote is frozen and payment has started
    "confirmed",  # paid, seats sold
    "cancelled",  # ended without payment, or cancelled without money back
    "refunded",  # every seat given back and the money returned
    "expired",  # payment never completed; the hold lapsed
    "refund_due",  # paid too late: the seats were gone, the money goes back
]
SeatStatusOnBooking = Literal["active", "cancelled", "refunded", "exchanged"]


class BookedSeat(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seat_id: str
    category: SeatCategory
    ticket_type: TicketType
    price: Money
    status: SeatStatusOnBooking = "active"


MAX_EXTRA_QUANTITY = 50  # of one extra in one booking


class BookedExtra(BaseModel):
    model_config = ConfigDict(extra="forbid")

    extra_id: RecordId
    name: Name
    quantity: int = Field(ge=1, le=MAX_EXTRA_QUANTITY)
    unit_price: Money

    @property
    def amount(self) -> int:
        return self.quantity * self.unit_price


class MoneyMovement(BaseModel):
    """One call to a payment provider: a payment (amount > 0) or a refund."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["payment", "refund"]
    provider: str
    idempotency_key: str
    amount: Money
    state: Literal["pending", "succeeded", "failed", "cancelled"]
    provider_ref: str = ""
    failure: str = ""
    change_due: Money = 0
    shift_id: str = ""  # cash: the drawer shift the money went into or came out of
    at: UtcDateTime
    seats: list[str] = Field(default_factory=list)  # refunds: which seats
    action: dict[str, str] = Field(default_factory=dict)  # pending: what the customer must do


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email | None = None
    phone: Annotated[str, Field(pattern=r"^\+?[0-9 ()-]{6,20}$")] | None = None
    reminders: bool = True  # a reminder before the showtime, by e-mail and/or SMS

    @field_validator("email")
    @classmethod
    def _lower_email(cls, value: str | None) -> str | None:
        return value.lower() if value else value


class HistoryEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    at: UtcDateTime
    by: Line
    event: Line


class Booking(Document):
    id: Annotated[str, Field(pattern=r"^[a-z0-9]{8,40}$")]
    reference: Annotated[str, Field(pattern=r"^[A-Z2-9]{6,10}$")]
    showtime_id: RecordId
    theater_id: RecordId
    channel: Literal["kiosk", "counter", "cli", "online"]
    state: BookingState
    seats: list[BookedSeat] = Field(min_length=1)
    extras: list[BookedExtra] = Field(default_factory=list)
    promo_code: Line | None = None
    currency: Currency
    total: Money
    discount: Money = 0
    discount_on: Literal["tickets", "order"] = "tickets"  # what the promo applied to
    tax_included: Money = 0
    hold_id: str
    held_until: UtcDateTime
    payments: list[MoneyMovement] = Field(default_factory=list)
    contact: Contact = Field(default_factory=Contact)
    customer_id: str | None = None  # the signed-in customer who bought it, if any
    created_by: Line
    created_at: UtcDateTime
    confirmed_at: UtcDateTime | None = None
    history: list[HistoryEntry] = Field(default_factory=list)
    version: int = 0  # bumped by every save; a save of a stale copy is refused

    def noted(self, *, by: str, at: dt.datetime, event: str, **changes: Any) -> Booking:
        """A copy with ``changes`` made and ``event`` added to its history (unsaved)."""
        entry = HistoryEntry(at=at, by=by, event=event)
        return self.model_copy(update={**changes, "history": [*self.history, entry]})

    def moved_to(
        self, state: BookingState, *, by: str, at: dt.datetime, event: str, **changes: Any
    ) -> Booking:
        """A copy in ``state``, with ``event`` in its history and any other ``changes``."""
        return self.noted(by=by, at=at, event=event, state=state, **changes)

    @property
    def active_seats(self) -> list[BookedSeat]:
        return [seat for seat in self.seats if seat.status == "active"]

    @property
    def payment_attempts(self) -> int:
        """Payments started so far; each has its own idempotency key."""
        return len({m.idempotency_key for m in self.payments if m.kind == "payment"})

    def outstanding_payment(self) -> MoneyMovement | None:
        """A payment started (card reader, phone link) whose outcome is not recorded yet."""
        settled = {m.idempotency_key for m in self.payments if m.state != "pending"}
        for movement in reversed(self.payments):
            if movement.kind == "payment" and movement.state == "pending":
                return None if movement.idempotency_key in settled else movement
        return None

    @property
    def change_due(self) -> int:
        """Cash: the change given with the last payment that went through."""
        paid = [m for m in self.payments if m.kind == "payment" and m.state == "succeeded"]
        return paid[-1].change_due if paid else 0

    @property
    def paid(self) -> int:
        """Money kept: succeeded payments less succeeded refunds."""
        done = [m for m in self.payments if m.state == "succeeded"]
        return sum(m.amount for m in done if m.kind == "payment") - sum(
            m.amount for m in done if m.kind == "refund"
        )


DrawerName = Annotated[str, Field(pattern=r"^[A-Z0-9][A-Z0-9_-]{0,19}$")]


class CashDrop(BaseModel):
    """Cash taken out of the drawer to the safe during a shift."""

    model_config = ConfigDict(extra="forbid")

    amount: int = Field(gt=0, le=MAX_MINOR)
    note: Annotated[Line, Field(max_length=200)] = ""
    at: UtcDateTime
    by: Line


class CashShift(Document):
    """One staff member's shift on one cash drawer (till) of one theater.

    Cash sales and refunds are not copied here: they are the bookings' cash
    movements carrying this shift's id, written in the same save as the sale.
    ``drawer_lock`` and ``staff_lock`` sit under unique indexes: while the shift
    is open they are "<theater>:<drawer>" and the staff member, so a drawer (and
    a person) has at most one open shift; closing sets both to "closed:<id>"."""

    theater_id: RecordId
    drawer: DrawerName
    staff: Annotated[Line, Field(min_length=1, max_length=120)]
    state: Literal["open", "closed"] = "open"
    opening_float: Money
    drops: list[CashDrop] = Field(default_factory=list)
    opened_at: UtcDateTime
    closed_at: UtcDateTime | None = None
    closed_by: Line = ""
    counted: Money | None = None
    drawer_lock: str
    staff_lock: str
    version: int = 0  # bumped by every save; a save of a stale copy is refused

    @property
    def dropped(self) -> int:
        return sum(drop.amount for drop in self.drops)
