"""Shown for good once the box office refuses this kiosk's token (it was revoked):
the kiosk sells nothing more until it is paired again."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from client.pairing import not_paired
from kiosk.out_of_service import OutOfServiceScreen


class NotPairedScreen(OutOfServiceScreen):
    def compose(self) -> ComposeResult:
        server = getattr(self.app, "server", None)
        with Vertical(id="out-of-service-box"):
            yield Static("Sorry, this kiosk is out of service", id="out-of-service-title")
            yield Static(
                f"Please buy your tickets at the counter.\n\nStaff: {not_paired('kiosk', server)}.",
                id="out-of-service-text",
            )
