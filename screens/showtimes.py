"""Choose a showtime of the chosen movie, seeing how full each one is."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from core.actor import LATE_SELLERS
from core.basket import Basket
from core.errors import DomainError, SalesClosed
from core.models import Movie
from core.records import ShowtimeInfo
from screens.base import SaleScreen, link_customer, sale_footer, sentence
from screens.late_sale import ConfirmLateSale
from screens.seats import SeatsScreen

BAR_WIDTH = 12


def occupancy_bar(taken: int, capacity: int, width: int = BAR_WIDTH) -> Text:
    """A small bar and "123/274 taken"."""
    filled = round(width * taken / capacity) if capacity else width
    if taken and not filled:
        filled = 1
    style = "red" if taken >= capacity else "yellow" if taken * 4 >= capacity * 3 else "green"
    return Text.assemble(
        ("█" * filled, style), ("░" * (width - filled), "dim"), f" {taken}/{capacity} taken"
    )


class ShowtimesScreen(SaleScreen):
    CSS_PATH = "showtimes.tcss"
    BINDINGS = [Binding("escape", "back", "Back")]

    def __init__(self, movie: Movie, day: dt.date) -> None:
        super().__init__()
        self.movie = movie
        self.day = day
        self.infos: dict[str, ShowtimeInfo] = {}

    def compose(self) -> ComposeResult:
        yield Static(Text(self.movie.title, style="bold"), id="showtimes-title")
        yield Static(self.day.strftime("%A %d %B"), id="showtimes-day")
        yield OptionList(id="showtimes-list")
        yield Static("Choose a showtime and press Enter.", id="showtimes-hint")
        yield sale_footer(self)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.call_db(self.load, self.show)

    def on_screen_resume(self) -> None:
        if self.infos:  # back from the seat map: the numbers have changed
            self.call_db(self.load, self.show)

    def load(self) -> tuple[list[ShowtimeInfo], dict[str, tuple[int, int]], set[str]]:
        box_office, actor = self.box_office, self.actor
        theater = box_office.venues.theater(actor, self.host.theater_id)
        infos = box_office.schedule.showtimes(
            actor, theater_id=theater.id, movie_id=self.movie.id, on=self.day
        )
        infos = box_office.booking.selling(actor, infos)  # staff also see late ones
        infos.sort(key=lambda info: info.showtime.starts_at)
        taken = box_office.inventory.occupancy(actor, [info.showtime.id for info in infos])
        # Listed only for staff, who may still sell them late.
        closed = {i.showtime.id for i in infos if box_office.booking.closed_at(i.showtime)}
        return infos, taken, closed

    def show(self, loaded: tuple[list[ShowtimeInfo], dict[str, tuple[int, int]], set[str]]) -> None:
        infos, taken, closed = loaded
        self.infos = {info.showtime.id: info for info in infos}
        listing = self.query_one(OptionList)
        before = listing.highlighted
        options = []
        for info in infos:
            seats_taken, capacity = taken.get(info.showtime.id, (0, info.auditorium.capacity))
            prompt = Text.assemble(
                (info.local_start.strftime("%H:%M"), "bold"),
                f"  {info.auditorium.name:<22} {info.showtime.format:<5} ",
                occupancy_bar(seats_taken, capacity),
            )
            full = seats_taken >= capacity
            if full:
                prompt.append("  SOLD OUT", style="bold red")
            elif info.showtime.id in closed:
                prompt.append("  sales closed", style="bold yellow")
            options.append(Option(prompt, id=info.showtime.id, disabled=full))
        listing.set_options(options)
        if options:
            listing.highlighted = min(before or 0, len(options) - 1)
        else:
            self.query_one("#showtimes-hint", Static).update(
                "No more showtimes of this movie on this day. Press Escape to go back."
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        info = self.infos.get(event.option.id or "")
        if info is not None:
            self.start_sale(info)

    def start_sale(self, info: ShowtimeInfo, late: bool = False) -> None:
        box_office, actor, channel = self.box_office, self.actor, self.host.channel
        self.call_db(
            lambda: link_customer(
                self, box_office.booking.new_basket(actor, info.showtime.id, channel, late=late)
            ),
            lambda basket: self.open_seats(info, basket),
            on_refused=lambda error: self.refused(info, error),
            exclusive=True,
            group="basket",
        )

    def refused(self, info: ShowtimeInfo, error: DomainError) -> None:
        """Staff are asked whether to sell after sales closed; anyone else is told why not."""
        if isinstance(error, SalesClosed) and self.actor.role in LATE_SELLERS:

            def answered(sell: bool | None) -> None:
                if sell:
                    self.start_sale(info, late=True)

            self.app.push_screen(ConfirmLateSale(error.closed_at), answered)
        else:
            self.notify(sentence(str(error)), severity="warning")

    def open_seats(self, info: ShowtimeInfo, basket: Basket) -> None:
        self.host.basket = basket
        self.app.push_screen(SeatsScreen(info, basket))

    def action_back(self) -> None:
        self.app.pop_screen()
