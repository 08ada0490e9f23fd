"""Counter staff confirm a sale after the showtime's sales closed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmLateSale(ModalScreen[bool]):
    """Dismissed with True to sell anyway (the audit trail records it), False to leave it."""

    CSS_PATH = "late_sale.tcss"
    BINDINGS = [Binding("escape", "leave", "Don't sell")]

    def __init__(self, closed_at: str) -> None:
        super().__init__()
        self.closed_at = closed_at

    def compose(self) -> ComposeResult:
        with Vertical(id="late-box"):
            yield Static(f"Sales for this showtime closed at {self.closed_at}", id="late-title")
            yield Static(
                "Sell anyway? The late sale is recorded in the audit trail under your name."
            )
            with Horizontal(id="late-buttons"):
                yield Button("Don't sell", id="late-leave", variant="primary")
                yield Button("Sell late", id="late-sell", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#late-leave").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "late-sell")

    def action_leave(self) -> None:
        self.dismiss(False)
