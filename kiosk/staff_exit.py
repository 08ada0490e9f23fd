"""Quitting the kiosk is for staff: Ctrl+Q asks for the exit PIN (``kiosk.exit_pin``).

A customer who presses Ctrl+Q sees a PIN prompt they cannot get past (Escape takes it
away); a wrong PIN is refused in a sentence. The PIN is compared in constant time and
never shown, logged or kept anywhere else."""

from __future__ import annotations

import hmac

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


def pin_matches(typed: str, pin: str) -> bool:
    return bool(pin) and hmac.compare_digest(typed.encode(), pin.encode())


class StaffExit(ModalScreen[bool]):
    """Dismissed with True once the exit PIN is typed; False on Escape."""

    CSS_PATH = "staff_exit.tcss"
    BINDINGS = [Binding("escape", "back", "Back")]

    def __init__(self, pin: str) -> None:
        super().__init__()
        self._pin = pin

    def compose(self) -> ComposeResult:
        with Vertical(id="staff-exit-box"):
            yield Static("Staff only", id="staff-exit-title")
            yield Static("Type the exit PIN and press Enter. Escape goes back.")
            yield Input(password=True, id="staff-exit-pin", max_length=64)
            yield Static("", id="staff-exit-status")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if pin_matches(event.value, self._pin):
            self.dismiss(True)
            return
        event.input.clear()
        self.query_one("#staff-exit-status", Static).update("That is not the exit PIN.")

    def action_back(self) -> None:
        self.dismiss(False)
