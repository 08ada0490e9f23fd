"""The kiosk's resting screen: what is on today, and "press any key to start"."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Footer, Static

from screens.base import SaleScreen
from screens.browse import BrowseScreen, Listing, load_listing

REFRESH_S = 60.0
MOVIES_SHOWN = 8
TIMES_SHOWN = 5


def today_table(listing: Listing) -> Table:
    table = Table(box=None, show_header=False, expand=True, padding=(0, 2))
    table.add_column("movie", ratio=1, no_wrap=True)
    table.add_column("about", no_wrap=True)
    table.add_column("next", no_wrap=True)
    movies = sorted(listing.movies, key=lambda m: listing.shows[m.id][0].showtime.starts_at)
    for movie in movies[:MOVIES_SHOWN]:
        times = [i.local_start.strftime("%H:%M") for i in listing.shows[movie.id][:TIMES_SHOWN]]
        table.add_row(
            Text(movie.title, style="bold"),
            f"{movie.rating} · {movie.runtime_min} min",
            Text("  ".join(times), style="bold"),
        )
    return table


class AttractScreen(SaleScreen):
    CSS_PATH = "attract.tcss"

    def compose(self) -> ComposeResult:
        with Vertical(id="attract-box"):
            yield Static("MARQUEE", id="attract-title")
            yield Static("", id="attract-theater")
            yield Static("Loading today's showtimes…", id="attract-today")
            yield Static("Press any key to start", id="attract-start")
            yield Static("Ctrl+A: sign in or register  ·  F2: high contrast", id="attract-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.set_interval(REFRESH_S, self.refresh_listing)

    def on_screen_resume(self) -> None:
        self.refresh_listing()

    def refresh_listing(self) -> None:
        self.call_db(lambda: load_listing(self, None), self.show, exclusive=True)

    def show(self, listing: Listing) -> None:
        self.query_one("#attract-theater", Static).update(
            Text(f"Welcome to {listing.theater_name}", style="bold")
        )
        today = self.query_one("#attract-today", Static)
        if listing.movies:
            today.update(today_table(listing))
        else:
            today.update("No more showtimes today. Press any key to see the coming days.")

    def on_key(self, event: events.Key) -> None:
        if event.key in self.active_bindings:
            return  # the account key: the app's binding takes it
        event.stop()
        self.start()

    def on_click(self, event: events.Click) -> None:
        on_footer = event.widget is not None and any(
            isinstance(node, Footer) for node in event.widget.ancestors_with_self
        )
        if not on_footer:  # a click on the footer runs that key's action instead
            self.start()

    def start(self) -> None:
        if self.app.screen is self:
            self.app.push_screen(BrowseScreen())
