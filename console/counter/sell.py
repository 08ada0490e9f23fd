"""The counter's sell mode: start a sale; the shared sale screens do the rest."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from screens.browse import BrowseScreen


class SellHome(Screen):
    CSS_PATH = "sell.tcss"
    BINDINGS = [Binding("enter", "start", "New sale")]

    def compose(self) -> ComposeResult:
        with Vertical(id="sell-box"):
            yield Static(Text("Counter sale", style="bold"), id="sell-title")
            yield Static(
                "Enter starts a sale: choose the showtime, the seats on the map, the tickets "
                "and extras, then take cash (with change), a card on the reader or a phone "
                "payment. The confirmation shows the tickets to print or send."
            )
            yield Static("", id="sell-who")
        yield Footer()

    def on_screen_resume(self) -> None:
        actor = self.app.actor
        if actor is not None:
            self.query_one("#sell-who", Static).update(
                Text(f"Signed in: {actor.subject} ({actor.role}) at {self.app.theater_id}", "dim")
            )

    def action_start(self) -> None:
        self.app.push_screen(BrowseScreen())
