"""The booking is confirmed: its reference and seats, each seat's QR code, and where to
send the tickets.

The tickets (signed tokens) are fetched in a thread worker after the screen shows,
and drawn one at a time as a large QR code beside the details; Left/Right (when not
typing) and PgUp/PgDn page through them."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from core.errors import DomainError
from core.models import Booking
from core.money import format_amount
from core.records import ShowtimeInfo
from screens.base import SaleScreen, sale_footer, sentence, showing_line
from screens.widgets.qr import PagesTickets, TicketCodes, TicketPager, ticket_codes


class ConfirmationScreen(PagesTickets, SaleScreen):
    CSS_PATH = "confirmation.tcss"
    BINDINGS = [
        Binding("escape", "done", "Done"),
        Binding("tab", "app.focus_next", "Next field"),
        *PagesTickets.TICKET_KEYS,
    ]

    def __init__(self, booking: Booking, info: ShowtimeInfo, *, reprint: bool = False) -> None:
        super().__init__()
        self.booking = booking
        self.info = info
        self.reprint = reprint  # the tickets again, later: not the sale (no thanks, no change)

    def compose(self) -> ComposeResult:
        booking = self.booking
        seats = [seat.seat_id for seat in booking.active_seats]
        change = sum(m.change_due for m in booking.payments if m.state == "succeeded")
        if self.reprint:
            change = 0
        heading = "Tickets" if self.reprint else "Thank you! Your booking is confirmed."
        with Horizontal(id="confirmation-box"):
            with Vertical(id="confirmation-details"):
                yield Static(Text(heading, style="bold"))
                yield Static(
                    Text.assemble("Booking reference  ", (booking.reference, "bold reverse")),
                    id="confirmation-reference",
                )
                yield Static(showing_line(self.info, seats), id="confirmation-showing")
                yield Static(
                    f"Paid {format_amount(booking.total, booking.currency)}"
                    + (f" · change due {format_amount(change, booking.currency)}" if change else "")
                    + "".join(f" · {extra.quantity} × {extra.name}" for extra in booking.extras),
                    id="confirmation-paid",
                )
                yield Static(self.offer(), id="confirmation-offer")
                yield Input(
                    placeholder="name@example.com or +1 555 0100", id="confirmation-contact"
                )
                yield Static(self.on_their_way(), id="confirmation-status")
                yield Button("Done", id="confirmation-done", variant="primary")
            yield TicketPager(id="confirmation-qrs")
        yield sale_footer(self)

    def offer(self) -> str:
        if self.booking.contact.email or self.booking.contact.phone:  # a signed-in customer's
            return (
                "Show the reference at the door. To send your tickets somewhere else, type "
                "an e-mail address or a phone number and press Enter:"
            )
        return (
            "Show the reference at the door. To get your tickets, type an e-mail "
            "address or a phone number and press Enter:"
        )

    def on_their_way(self) -> Text:
        contact = self.booking.contact
        where = " and ".join(filter(None, [contact.email, contact.phone]))
        if not where:
            return Text("")
        return Text(f"Your tickets are on their way to {where}.", style="bold green")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        box_office, actor, reference = self.box_office, self.actor, self.booking.reference

        def codes() -> TicketCodes:
            return ticket_codes(box_office.tickets.tickets(actor, reference))

        self.call_db(codes, self.show_codes, on_refused=lambda error: None, group="tickets")

    def show_codes(self, codes: TicketCodes) -> None:
        self.query_one(TicketPager).show(codes)
        self.refresh_bindings()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        where = event.value.strip()
        if not where:
            return
        kind = "email" if "@" in where else "phone"
        box_office, actor, booking_id = self.box_office, self.actor, self.booking.id
        self.say("Sending…")
        self.call_db(
            lambda: box_office.booking.set_contact(actor, booking_id, **{kind: where}),
            lambda booking: self.sent(booking, where),
            on_refused=self.not_sent,
        )

    def sent(self, booking: Booking, where: str) -> None:
        self.booking = booking
        self.say(f"Your tickets are on their way to {where}.", "bold green")
        self.query_one(Button).focus()

    def not_sent(self, error: DomainError) -> None:
        self.say(f"{sentence(str(error))}. Please check it and try again.", "bold red")

    def say(self, text: str, style: str = "") -> None:
        self.query_one("#confirmation-status", Static).update(Text(text, style=style))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_done()

    def action_done(self) -> None:
        self.host.end_sale()
