"""Plain records the services answer with: what a listing, a sale, a scan, a shift or
a delivery round looks like. No database and no service here, so terminals and the
box-office API read them as they are."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from core.models import Auditorium, Booking, Contact, Movie, Showtime, Theater
from core.quote import Quote
from core.report_rows import SalesPoint as SalesPoint
from core.report_rows import SalesTrend as SalesTrend
from core.report_rows import SeatHeatmap as SeatHeatmap


@dataclass(frozen=True)
class ShowtimeInfo:
    """A showtime with what a listing shows beside it."""

    showtime: Showtime
    movie: Movie
    theater: Theater
    auditorium: Auditorium

    @property
    def local_start(self) -> dt.datetime:
        return self.showtime.starts_at.astimezone(self.theater.zone)

    @property
    def local_end(self) -> dt.datetime:
        return self.showtime.ends_at.astimezone(self.theater.zone)


@dataclass(frozen=True)
class SaleOrder:
    """Everything one sale needs, as plain values."""

    showtime_id: str
    seat_ids: tuple[str, ...]
    pay: str  # a payment method's name
    tickets: dict[str, str] = field(default_factory=dict)  # seat id -> ticket type
    extras: dict[str, int] = field(default_factory=dict)  # extra id -> quantity
    promo: str | None = None
    contact: Contact = field(default_factory=Contact)
    tendered: int | None = None  # cash handed over, in minor units
    card: str | None = None  # a test card number (simulated, or a reader in test mode)
    override_rules: bool = False  # staff: sell despite the seat rules
    late: bool = False  # staff: sell after sales closed
    channel: str = ""  # default: "counter" for cash, else "cli"
    key: str = ""  # the caller's idempotency key: a retry with it never sells twice


@dataclass(frozen=True)
class Sale:
    booking: Booking
    quote: Quote  # what was sold, line by line
    basket_id: str = ""  # the basket following a payment still pending, else ""


@dataclass(frozen=True)
class PaymentChoice:
    """A way to pay as a terminal offers it: its name and what the customer reads."""

    name: str
    label: str
    test_cards: bool = False  # a card number typed in stands for the card (test mode)


@dataclass(frozen=True)
class ReconcileOutcome:
    reference: str
    before: str
    after: str
    note: str


class VerdictKind(StrEnum):
    ADMIT = "ADMIT"
    ALREADY_ADMITTED = "ALREADY_ADMITTED"
    WRONG_SHOWTIME = "WRONG_SHOWTIME"
    WRONG_THEATER = "WRONG_THEATER"
    TOO_EARLY = "TOO_EARLY"
    TOO_LATE = "TOO_LATE"
    REFUNDED = "REFUNDED"
    CANCELLED = "CANCELLED"
    NOT_VALID = "NOT_VALID"


@dataclass(frozen=True)
class ScanVerdict:
    kind: VerdictKind
    reason: str
    seat_id: str | None = None
    reference: str | None = None
    showtime_id: str | None = None
    movie_title: str | None = None
    starts_local: dt.datetime | None = None  # in the theater's time zone
    door: str | None = None
    admitted_at: dt.datetime | None = None  # ADMIT: now; ALREADY_ADMITTED: the first time
    admitted_door: str | None = None

    @property
    def admitted(self) -> bool:
        return self.kind == VerdictKind.ADMIT


class CheckIns(NamedTuple):
    admitted: int
    sold: int


@dataclass(frozen=True)
class BookingLine:
    booking: Booking
    movie_title: str
    starts_at: dt.datetime
    upcoming: bool


@dataclass(frozen=True)
class SendReport:
    caught_up: int = 0  # confirmations queued by the catch-up
    reminders: int = 0  # reminders queued (worker rounds)
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    waiting: dict[str, int] = field(default_factory=dict)  # channel without a provider -> queued


@dataclass(frozen=True)
class ShiftSummary:
    """One shift's figures: a row of a shift report."""

    shift_id: str
    theater_id: str
    drawer: str
    staff: str
    state: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    currency: str
    opening_float: int
    sales: int  # net cash in: received less change given
    sales_count: int
    received: int
    change_given: int
    refunds: int
    refunds_count: int
    drops: int
    expected: int
    counted: int | None
    over_short: int | None  # counted - expected; None while the shift is open
