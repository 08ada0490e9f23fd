"""Pricing a basket: pure arithmetic in integer minor units.

Rules, in the order they apply:

1. Each seat costs its ticket type's price on the showtime's price card plus the
   surcharge of its seat category (VIP ...). Extras cost unit price x quantity.
2. A promo code discounts the tickets (or the whole order, if the promo says so):
   a percentage is ``eligible x bp / 10000`` rounded half up to the minor unit;
   a fixed amount is taken off once per booking. A discount never exceeds what
   it applies to, so a total is never negative.
3. Prices include tax. The tax shown is the part of the total that is tax:
   ``total x rate / (1 + rate)``, rounded half up.

The same inputs always give the same quote: lines are in seat order, then
extras in the order given.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.layout import Seat
from core.models import BookedSeat, Booking, Extra, PriceCard, Promo


def round_half_up_div(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half up, for non-negative integers."""
    return (2 * numerator + denominator) // (2 * denominator)


@dataclass(frozen=True)
class QuoteLine:
    kind: str  # "ticket", "extra" or "discount"
    description: str
    quantity: int
    unit_amount: int
    amount: int  # negative for a discount
    seat_id: str | None = None
    ticket_type: str | None = None
    item_id: str | None = None


@dataclass(frozen=True)
class Quote:
    currency: str
    lines: tuple[QuoteLine, ...]
    tax_rate_bp: int
    promo_code: str | None = None
    tickets: int = field(init=False)
    extras: int = field(init=False)
    discount: int = field(init=False)
    total: int = field(init=False)
    tax_included: int = field(init=False)

    def __post_init__(self) -> None:
        def sum_of(kind: str) -> int:
            return sum(line.amount for line in self.lines if line.kind == kind)

        total = sum(line.amount for line in self.lines)
        set_ = object.__setattr__
        set_(self, "tickets", sum_of("ticket"))
        set_(self, "extras", sum_of("extra"))
        set_(self, "discount", -sum_of("discount"))
        set_(self, "total", total)
        set_(
            self,
            "tax_included",
            round_half_up_div(total * self.tax_rate_bp, 10_000 + self.tax_rate_bp),
        )

    @property
    def subtotal(self) -> int:
        return self.tickets + self.extras

    def seat_price(self, seat_id: str) -> int:
        return next(line.amount for line in self.lines if line.seat_id == seat_id)


def build_quote(
    card: PriceCard,
    seats: list[tuple[Seat, str]],
    extras: list[tuple[Extra, int]],
    *,
    promo: Promo | None = None,
    tax_rate_bp: int = 0,
) -> Quote:
    """Price seats (each with a ticket type), extras (with quantities) and a promo."""
    lines: list[QuoteLine] = []
    for seat, ticket_type in seats:
        price = card.price(ticket_type, seat.category)
        label = ticket_label(ticket_type, seat.id, seat.category)
        lines.append(QuoteLine("ticket", label, 1, price, price, seat.id, ticket_type))
    for extra, quantity in extras:
        lines.append(
            QuoteLine(
                "extra", extra.name, quantity, extra.price, extra.price * quantity, item_id=extra.id
            )
        )
    if promo is not None:
        eligible = sum(
            line.amount for line in lines if line.kind == "ticket" or promo.applies_to == "order"
        )
        discount = promo_discount(promo, eligible)
        if discount:
            lines.append(
                QuoteLine(
                    "discount", f"Promo {promo.code}", 1, -discount, -discount, item_id=promo.id
                )
            )
    return Quote(card.currency, tuple(lines), tax_rate_bp, promo.code if promo else None)


def ticket_label(ticket_type: str, seat_id: str, category: str) -> str:
    label = f"{ticket_type.title()} ticket, seat {seat_id}"
    return label if category == "standard" else f"{label} ({category})"


def quote_of(booking: Booking, tax_rate_bp: int) -> Quote:
    """The quote a booking was sold at, read back from what it recorded."""
    lines = [
        QuoteLine(
            "ticket",
            ticket_label(seat.ticket_type, seat.seat_id, seat.category),
            1,
            seat.price,
            seat.price,
            seat.seat_id,
            seat.ticket_type,
        )
        for seat in booking.seats
    ]
    lines += [
        QuoteLine("extra", e.name, e.quantity, e.unit_price, e.amount, item_id=e.extra_id)
        for e in booking.extras
    ]
    if booking.discount:
        off = -booking.discount
        lines.append(QuoteLine("discount", f"Promo {booking.promo_code}", 1, off, off))
    return Quote(booking.currency, tuple(lines), tax_rate_bp, booking.promo_code)


def promo_discount(promo: Promo, eligible: int) -> int:
    if promo.kind == "percent":
        return min(eligible, round_half_up_div(eligible * promo.value, 10_000))
    return min(eligible, promo.value)


def remaining_total(booking: Booking, kept: list[BookedSeat]) -> int:
    """What the kept seats (and the extras, while any seat is kept) cost after the discount."""
    if not kept:
        return 0
    tickets = sum(seat.price for seat in kept)
    extras = sum(extra.unit_price * extra.quantity for extra in booking.extras)
    # What the discount was worked out on: every ticket but those exchanged away,
    # and the extras too when the promo applied to the whole order.
    on_extras = extras if booking.discount_on == "order" else 0
    discounted = sum(s.price for s in booking.seats if s.status != "exchanged") + on_extras
    share = round_half_up_div(booking.discount * (tickets + on_extras), discounted or 1)
    return max(tickets + extras - share, 0)


def refund_due(booking: Booking, seat_ids: list[str]) -> int:
    """What cancelling ``seat_ids`` of a paid booking gives back: what was paid less
    what the seats kept still cost (their share of a promo, and the extras with the
    last seat)."""
    chosen = {s.upper() for s in seat_ids}
    kept = [s for s in booking.active_seats if s.seat_id not in chosen]
    return max(booking.paid - remaining_total(booking, kept), 0)
