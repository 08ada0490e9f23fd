"""What the bookings desk says: a booking's details, its showtime as people read it,
and what a refund, cancellation or exchange just did."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from core.localtime import wall_time
from core.models import Booking, MoneyMovement
from core.money import format_amount
from core.records import ShowtimeInfo

SEAT_STATES = {"active": "valid", "refunded": "refunded", "cancelled": "cancelled"}


def showtime_label(info: ShowtimeInfo | None, showtime_id: str, *, width: int = 16) -> str:
    """'Orbit of Ash · Sat 06 Dec 19:30', the title cut to ``width``; the id while unknown."""
    if info is None:
        return showtime_id
    title = info.movie.title
    if len(title) > width:
        title = title[: width - 1].rstrip() + "…"
    return f"{title} · {start_text(info)}"


def start_text(info: ShowtimeInfo) -> str:
    return wall_time(info.showtime.starts_at, info.theater.zone, "%a %d %b %H:%M")


def booking_summary(booking: Booking, info: ShowtimeInfo | None) -> Table:
    """The booking at a glance: its showtime, each seat with its price and state, the
    extras, the money and the contact."""
    money = lambda amount: format_amount(amount, booking.currency)  # noqa: E731
    table = Table(box=None, show_header=False, padding=(0, 1), expand=True)
    table.add_column(ratio=1)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_row(Text(booking.reference, "bold"), "", booking.state.replace("_", " "))
    if info is not None:
        table.add_row(Text(info.movie.title, "bold"), "", "")
        table.add_row(start_text(info), "", "")
        table.add_row(info.auditorium.name, "", "")
    for seat in booking.seats:
        state = SEAT_STATES.get(seat.status, seat.status)
        style = "" if seat.status == "active" else "dim"
        table.add_row(
            Text(f"{seat.seat_id} {seat.ticket_type}", style),
            Text(money(seat.price), style),
            Text(state, style),
        )
    for extra in booking.extras:
        table.add_row(f"{extra.quantity} × {extra.name}", money(extra.amount), "")
    table.add_row("total", money(booking.total), "")
    table.add_row("kept", money(booking.paid), "")
    for movement in booking.payments:
        table.add_row(
            Text(f"{movement.kind} {movement.provider}", "dim"),
            Text(money(movement.amount), "dim"),
            Text(movement.state, "dim"),
        )
    contact = booking.contact.email or booking.contact.phone or "no contact"
    table.add_row(Text(contact), "", "")
    return table


def how_paid(provider: str) -> str:
    return "in cash" if provider == "cash" else f"by {provider.replace('_', ' ')}"


def refund_text(booking: Booking, seats: list[str], amount: int) -> str:
    """'Refund B6 of booking Z2R6BH: $16.50 back in cash' (what a manager approves)."""
    paid = [m for m in booking.payments if m.kind == "payment" and m.state == "succeeded"]
    how = f" {how_paid(paid[-1].provider)}" if paid else ""
    back = format_amount(amount, booking.currency)
    return f"Refund {', '.join(seats)} of booking {booking.reference}: {back} back{how}"


def change_text(before: Booking, after: Booking) -> str:
    """What a refund, cancellation or exchange did, from the booking before and after:
    'Refunded B6: $16.50 in cash.', 'Exchanged B6 for A1, paid $2.00 in cash.'"""
    was = {s.seat_id for s in before.active_seats}
    now = {s.seat_id for s in after.active_seats}
    gone = [s for s in before.seats if s.seat_id in was - now]
    added = sorted(now - was)
    known = {m.idempotency_key for m in before.payments}
    moved = [m for m in after.payments if m.idempotency_key not in known and m.state == "succeeded"]
    money = "".join(_movement_text(m, after.currency) for m in moved)
    if added:
        where = "" if after.showtime_id == before.showtime_id else " at another showtime"
        old = ", ".join(s.seat_id for s in gone)
        return f"Exchanged {old} for {', '.join(added)}{where}{money or ', no difference to pay'}."
    seats = ", ".join(s.seat_id for s in gone) or "nothing"
    refunded = any(s.status == "refunded" for s in after.seats if s.seat_id in was - now)
    if refunded:
        back = [m for m in moved if m.kind == "refund"]
        if not back:
            return f"Refunded {seats}: nothing to give back."
        amount = format_amount(sum(m.amount for m in back), after.currency)
        return f"Refunded {seats}: {amount} {how_paid(back[-1].provider)}."
    return f"Cancelled {seats}, no refund{money}."


def _movement_text(movement: MoneyMovement, currency: str) -> str:
    amount = format_amount(movement.amount, currency)
    if movement.kind == "refund":
        return f", {amount} back {how_paid(movement.provider)}"
    return f", paid {amount} {how_paid(movement.provider)}"
