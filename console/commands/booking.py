"""``marquee book|bookings|payments``: selling seats from the counter or a script.

``book`` holds the seats, prices them and takes the payment in one go; when any
step fails the seats it held are given back before the error is shown. Amounts
in JSON are integer minor units, like every record's JSON.
"""

from __future__ import annotations

from dataclasses import asdict
from functools import partial
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from console import context
from console.choices import BookingState, PayMethod, plain
from console.options import AsJson, given
from console.payment_wait import follow_sale
from console.render import emit_json, render, render_record, stdout
from console.theater_times import shown_at_theater
from console.webhook import PATH as WEBHOOK_PATH
from console.webhook import webhook_server
from core.errors import ConfigError, InvalidInput
from core.models import MAX_EXTRA_QUANTITY, Booking, Contact
from core.money import format_amount, parse_amount
from core.services.sell import SaleOrder
from core.services.validation import build

bookings = typer.Typer(help="Find, cancel and exchange bookings.", no_args_is_help=True)
payments = typer.Typer(help="Payments that need attention.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("book")(book)
    app.add_typer(bookings, name="bookings")
    app.add_typer(payments, name="payments")


Seats = Annotated[str, typer.Option("--seats", help="Comma-separated, like F11,F12.")]
Pay = Annotated[PayMethod, typer.Option("--pay", help="How the customer pays.")]
Tendered = Annotated[str | None, typer.Option("--tendered", help="Cash handed over, like 50.00.")]


def split_ids(text: str | None, field: str) -> list[str]:
    """'f11, F12' -> ['F11', 'F12']; a seat named twice is refused."""
    ids = [part.strip().upper() for part in (text or "").split(",") if part.strip()]
    twice = sorted({seat for seat in ids if ids.count(seat) > 1})
    if twice:
        raise InvalidInput(field, f"{twice[0]} is given twice")
    return ids


def parse_counts(text: str | None, field: str, most: int | None = None) -> dict[str, int]:
    """'adult=1,child=2' -> {'adult': 1, 'child': 2}, in the order given; a count
    above ``most`` is refused before any seat is held."""
    counts: dict[str, int] = {}
    for pair in filter(None, (part.strip() for part in (text or "").split(","))):
        key, sep, number = (piece.strip() for piece in pair.partition("="))
        if not sep or not key or not number.isdigit():
            raise InvalidInput(field, f"{pair!r} is not NAME=COUNT (like adult=2)")
        if key.lower() in counts:
            raise InvalidInput(field, f"{key.lower()!r} is given twice")
        if most is not None and int(number) > most:
            raise InvalidInput(field, f"{pair!r} is more than {most}")
        counts[key.lower()] = int(number)
    return counts


def assign_tickets(seat_ids: list[str], counts: dict[str, int]) -> dict[str, str]:
    """Ticket types to seats in the order given: adult=1,child=1 -> 1st adult, 2nd child."""
    if not counts:
        return {}
    if sum(counts.values()) != len(seat_ids):
        raise InvalidInput(
            "tickets", f"{sum(counts.values())} ticket(s) for {len(seat_ids)} seat(s)"
        )
    kinds = [kind for kind, count in counts.items() for _ in range(count)]
    return dict(zip(seat_ids, kinds, strict=True))


def parse_tendered(text: str | None, pay: str | None) -> int | None:
    if text is None:
        return None
    if pay != "cash":
        raise InvalidInput("tendered", "is only for --pay cash")
    return parse_amount(text, context.currency(), "tendered")


# -- booking -------------------------------------------------------------------------
def book(
    showtime_id: str,
    seats: Seats,
    pay: Pay,
    tickets: Annotated[str | None, typer.Option("--tickets", help="adult=1,child=1")] = None,
    extras: Annotated[str | None, typer.Option("--extras", help="popcorn-large=2")] = None,
    promo: Annotated[str | None, typer.Option("--promo", help="A promo code.")] = None,
    tendered: Tendered = None,
    card: Annotated[
        str | None, typer.Option("--card", help="A test card (simulated, or a test-mode reader).")
    ] = None,
    email: Annotated[str | None, typer.Option("--email")] = None,
    phone: Annotated[str | None, typer.Option("--phone")] = None,
    reminders: Annotated[
        bool, typer.Option("--reminders/--no-reminders", help="Remind before the showtime.")
    ] = True,
    override_rules: Annotated[
        bool, typer.Option("--override-rules", help="Staff: sell despite seat rules.")
    ] = False,
    late: Annotated[
        bool,
        typer.Option("--late", help="Staff: sell after sales closed (the audit trail records it)."),
    ] = False,
    key: Annotated[
        str | None,
        typer.Option("--key", help="Run again with the same key, it never sells twice."),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Sell seats: hold, price (tickets in the order of --seats), pay and confirm."""
    box_office, actor = context.services(), context.actor()
    seat_ids = split_ids(seats, "seats")
    # Lower-cased: `bookings list --contact` searches emails in lower case.
    email = email.strip().lower() if email else None
    order = SaleOrder(
        showtime_id,
        tuple(seat_ids),
        pay.value,
        tickets=assign_tickets(seat_ids, parse_counts(tickets, "tickets")),
        extras=parse_counts(extras, "extras", most=MAX_EXTRA_QUANTITY),
        promo=promo,
        contact=build(Contact, **given(email=email, phone=phone), reminders=reminders),
        tendered=parse_tendered(tendered, pay),
        card=card,
        override_rules=override_rules,
        late=late,
        key=key or "",
    )
    sale = box_office.sales.sell(actor, order)
    booking, quote = sale.booking, sale.quote
    if sale.basket_id:  # paid away from the counter: wait for it here
        booking = follow_sale(box_office, actor, sale.basket_id, as_json=as_json)
    change = booking.change_due
    if as_json:
        keys = ("reference", "state", "showtime_id", "extras", "total", "discount")
        seats = [s.model_dump(include={"seat_id", "ticket_type", "price"}) for s in booking.seats]
        emit_json(
            {key: getattr(booking, key) for key in keys}
            | {"seats": seats, "tax_included": booking.tax_included}
            | {"currency": booking.currency, "change_due": change}
        )
        return
    money = partial(format_amount, currency=booking.currency)
    seat_list = ", ".join(seat.seat_id for seat in booking.seats)
    stdout.print(Text(f"booked {booking.reference}: seats {seat_list} ({booking.state})", "bold"))
    table = Table(show_header=False, box=None, padding=(0, 2))
    for line in quote.lines:
        table.add_row(Text(line.description), f"x{line.quantity}", money(line.amount))
    stdout.print(table)
    stdout.print(Text(f"total {money(booking.total)}, tax included {money(booking.tax_included)}"))
    if pay == "cash":
        stdout.print(Text(f"change due {money(change)}", "bold"))


# -- after the sale ------------------------------------------------------------------
def _seats_text(booking: Booking) -> str:
    return ", ".join(
        f"{s.seat_id} {s.ticket_type} {format_amount(s.price, booking.currency)}"
        + ("" if s.status == "active" else f" ({s.status})")
        for s in booking.seats
    )


@bookings.command("list")
def list_bookings(
    show: Annotated[str | None, typer.Option("--show", help="A showtime id.")] = None,
    state: Annotated[
        BookingState | None, typer.Option("--state", help="Only in this state.")
    ] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="Email or phone.")] = None,
    as_json: AsJson = False,
) -> None:
    """List bookings, newest first."""
    found = context.services().aftersales.bookings(
        context.actor(), showtime_id=show, state=plain(state), contact=contact
    )
    rows = [
        {
            "reference": b.reference,
            "showtime": b.showtime_id,
            "seats": [s.seat_id for s in b.active_seats],
            "state": b.state,
            "total": format_amount(b.total, b.currency),
            "contact": b.contact.email or b.contact.phone,
            "created": shown_at_theater(b.created_at, b.theater_id),
        }
        for b in found
    ]
    columns = ["reference", "showtime", "seats", "state", "total", "contact", "created"]
    render(rows, as_json, columns, title="Bookings", json_rows=found)


@bookings.command("show")
def show_booking(reference: str, as_json: AsJson = False) -> None:
    """Show one booking with its payments and history."""
    box_office, actor = context.services(), context.actor()
    b = box_office.aftersales.booking(actor, reference)
    if as_json:
        tickets = box_office.tickets.tickets(actor, b.reference)
        emit_json(
            b.model_dump(mode="json")
            | {"tickets": [{"seat_id": seat, "token": token} for seat, token in tickets]}
        )
        return
    money = partial(format_amount, currency=b.currency)
    render_record(
        {
            "reference": b.reference,
            "state": b.state,
            "showtime": b.showtime_id,
            "channel": b.channel,
            "seats": _seats_text(b),
            "extras": [f"{e.quantity} x {e.name} {money(e.unit_price)}" for e in b.extras],
            "promo": b.promo_code,
            "total": f"{money(b.total)}, tax {money(b.tax_included)} included",
            "discount": money(b.discount),
            "paid": money(b.paid),
            "contact": list(filter(None, [b.contact.email, b.contact.phone])),
        },
        False,
    )
    stdout.print(Text("payments:", "bold"))
    for m in b.payments:
        stdout.print(Text(f"  {m.kind} {money(m.amount)} by {m.provider}: {m.state} {m.failure}"))
    stdout.print(Text("history:", "bold"))
    for h in b.history:
        stdout.print(Text(f"  {shown_at_theater(h.at, b.theater_id)} {h.by}: {h.event}"))


@bookings.command("cancel")
def cancel_booking(
    reference: str,
    seats: Annotated[str | None, typer.Option("--seats", help="Only these seats.")] = None,
    no_refund: Annotated[bool, typer.Option("--no-refund", help="Keep the money.")] = False,
    as_json: AsJson = False,
) -> None:
    """Cancel a booking, or some of its seats, refunding their share by default."""
    aftersales, actor = context.services().aftersales, context.actor()
    before = aftersales.booking(actor, reference)
    after = aftersales.cancel(
        actor, reference, split_ids(seats, "seats") or None, refund=not no_refund
    )
    refunded = before.paid - after.paid
    if as_json:
        emit_json(after.model_dump(mode="json") | {"refunded": refunded})
        return
    what = ", ".join(split_ids(seats, "seats")) or "every seat"
    stdout.print(Text(f"cancelled {what} of {after.reference} ({after.state})"))
    stdout.print(Text(f"refunded {format_amount(refunded, after.currency)}", "bold"))
    if after.state == "refund_due":
        stdout.print(Text("the refund failed; the booking is marked refund due", "bold red"))


@bookings.command("exchange")
def exchange_booking(
    reference: str,
    seats: Seats,
    show: Annotated[str | None, typer.Option("--show", help="Another showtime.")] = None,
    pay: Annotated[
        PayMethod | None, typer.Option("--pay", help="How a dearer swap is paid.")
    ] = None,
    tendered: Tendered = None,
    as_json: AsJson = False,
) -> None:
    """Move a booking to other seats (or another showtime), settling the difference."""
    aftersales, actor = context.services().aftersales, context.actor()
    cash = parse_tendered(tendered, plain(pay))
    before = aftersales.booking(actor, reference)
    after = aftersales.exchange(
        actor, reference, split_ids(seats, "seats"), showtime_id=show, pay=plain(pay), tendered=cash
    )
    difference = after.total - before.total
    change = after.change_due if difference > 0 else 0
    if as_json:
        emit_json(after.model_dump(mode="json") | {"difference": difference, "change_due": change})
        return
    money = format_amount(abs(difference), after.currency)
    settled = "charged " + money if difference > 0 else "refunded " + money
    stdout.print(Text(f"exchanged {after.reference}: now {_seats_text(after)}"))
    stdout.print(Text(settled if difference else "same price, nothing to settle", "bold"))
    if change:
        stdout.print(Text(f"change due {format_amount(change, after.currency)}", "bold"))


@payments.command("reconcile")
def reconcile(as_json: AsJson = False) -> None:
    """Settle payments a crash left unfinished: confirm, refund or expire them."""
    outcomes = context.services().reconcile.run(context.actor())
    rows = [asdict(outcome) for outcome in outcomes]
    render(rows, as_json, ["reference", "before", "after", "note"], title="Reconciled payments")


@payments.command("webhook")
def webhook(
    port: Annotated[
        int | None, typer.Option("--port", help="Default: stripe.webhook_port.")
    ] = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
) -> None:
    """Receive Stripe's payment events and confirm bookings as soon as they are paid."""
    box_office = context.core_box_office()
    if not box_office.config.stripe.webhook_secret:
        raise ConfigError("stripe.webhook_secret", "is not set (MARQUEE_STRIPE_WEBHOOK_SECRET)")
    port = port or box_office.config.stripe.webhook_port
    if not 1 <= port <= 65535:
        raise InvalidInput("port", f"{port} is not a port from 1 to 65535")
    try:
        server = webhook_server(
            box_office, host, port, lambda ref: stdout.print(f"confirmed {ref}")
        )
    except OSError as error:
        raise InvalidInput("port", f"{host}:{port} cannot be used ({error.strerror})") from None
    stdout.print(f"listening on http://{host}:{server.server_port}{WEBHOOK_PATH} (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
