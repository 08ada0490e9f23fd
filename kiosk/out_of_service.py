"""Shown while the database does not answer; the app's health check puts it aside."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static


class OutOfServiceScreen(Screen):
    CSS_PATH = "out_of_service.tcss"

    def compose(self) -> ComposeResult:
        with Vertical(id="out-of-service-box"):
            yield Static("Sorry, this kiosk is out of service", id="out-of-service-title")
            yield Static(
                "We are working on it. Please buy your tickets at the counter.\n"
                "This screen goes away by itself as soon as the kiosk works again.",
                id="out-of-service-text",
            )
