"""The booking is confirmed: its reference and seats, and where to send the tickets."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Button, Footer, Input, Static

from core.errors import DomainError
from core.models import Booking
from core.money import format_amount
from core.services.schedule import ShowtimeInfo
from screens.base import SaleScreen, sentence, showing_line


class ConfirmationScreen(SaleScreen):
    CSS_PATH = "confirmation.tcss"
    BINDINGS = [
        Binding("escape", "done", "Done"),
        Binding("tab", "app.focus_next", "Next field"),
    ]

    def __init__(self, booking: Booking, info: ShowtimeInfo) -> None:
        super().__init__()
        self.booking = booking
        self.info = info

    def compose(self) -> ComposeResult:
        booking = self.booking
        seats = [seat.seat_id for seat in booking.active_seats]
        with Vertical(id="confirmation-box"):
            yield Static(Text("Thank you! Your booking is confirmed.", style="bold"))
            yield Static(
                Text.assemble("Booking reference  ", (booking.reference, "bold reverse")),
                id="confirmation-reference",
            )
            yield Static(showing_line(self.info, seats), id="confirmation-showing")
            yield Static(
                f"Paid {format_amount(booking.total, booking.currency)}"
                + "".join(f" · {extra.quantity} × {extra.name}" for extra in booking.extras),
                id="confirmation-paid",
            )
            yield Static(
                "Show the reference at the door. To get your tickets, type an e-mail "
                "address or a phone number and press Enter:",
                id="confirmation-offer",
            )
            yield Input(placeholder="name@example.com or +1 555 0100", id="confirmation-contact")
            yield Static("", id="confirmation-status")
            yield Button("Done", id="confirmation-done", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        where = event.value.strip()
        if not where:
            return
        kind = "email" if "@" in where else "phone"
        office, actor, booking_id = self.office, self.actor, self.booking.id
        self.say("Sending…")
        self.call_db(
            lambda: office.booking.set_contact(actor, booking_id, **{kind: where}),
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
