"""Choose seats on the live seat map, with the basket and the rules beside it."""

from __future__ import annotations

import threading

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from core.basket import Basket
from core.errors import DomainError
from core.layout import SeatLayout
from core.models import PriceCard
from core.money import format_amount
from core.records import ShowtimeInfo
from core.seat_areas import suggest_seat
from core.seat_map import SeatMap, SeatState
from screens.base import (
    SaleScreen,
    abandon_basket,
    customer_preferences,
    deliver,
    sale_footer,
    sentence,
    showing_line,
)
from screens.ticket_types import TicketTypesScreen
from screens.widgets.seat_map_view import SeatMapView

TAKEN = {SeatState.HELD, SeatState.SOLD, SeatState.BLOCKED}
REFUSED_WORDS = {
    SeatState.HELD: "is held by another customer",
    SeatState.SOLD: "is sold",
    SeatState.BLOCKED: "is not for sale",
}


class SeatsScreen(SaleScreen):
    CSS_PATH = "seats.tcss"
    BINDINGS = [
        Binding("ctrl+n", "continue", "Continue"),
        Binding("tab", "app.focus_next", "Go to Continue"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, info: ShowtimeInfo, basket: Basket) -> None:
        super().__init__()
        self.info = info
        self.basket = basket  # read-only: every change comes back from a service call
        self.seat_layout: SeatLayout | None = None
        self.seat_map: SeatMap | None = None
        self.card: PriceCard | None = None
        self.prices: dict[str, str] = {}
        self._stop = threading.Event()  # ends the live watch when the screen goes
        self._lock = threading.Lock()  # one seat change at a time, in order
        self._pending = 0  # seat changes asked for and not answered yet

    def compose(self) -> ComposeResult:
        yield Static(Text(showing_line(self.info), style="bold"), id="seats-title")
        with Horizontal(id="seats-body"):
            yield Static("Loading the seat map…", id="seats-loading")
            with Vertical(id="seats-panel"):
                yield Static("", id="seats-basket")
                yield Static("", id="seats-prices")
                yield Static("", id="seats-status")
                yield Static("", id="seats-warnings")
                yield Button("Continue ▶", id="seats-continue", variant="primary")
        yield sale_footer(self)

    def on_mount(self) -> None:
        box_office, actor, basket = self.box_office, self.actor, self.basket

        def load() -> tuple[SeatMap, PriceCard, str | None, SeatLayout]:
            seat_map = box_office.inventory.seat_map(actor, basket.showtime_id, basket.hold_id)
            preferences = customer_preferences(self)
            start = suggest_seat(seat_map, preferences.seat_area) if preferences else None
            layout = box_office.booking.layout_of(basket)
            return seat_map, box_office.booking.price_card(basket), start, layout

        self.call_db(load, self.loaded)

    def on_unmount(self) -> None:
        self._stop.set()

    def on_screen_resume(self) -> None:
        self.drop_lost_seats()  # back from tickets: what changed meanwhile counts now

    def loaded(self, data: tuple[SeatMap, PriceCard, str | None, SeatLayout]) -> None:
        """The map, the cursor on the seat suggested for a signed-in customer's area."""
        self.seat_map, self.card, start, self.seat_layout = data
        default = next(iter(self.card.tickets))
        layout = self.seat_layout
        self.prices = {
            str(category): format_amount(self.card.price(default, category), self.card.currency)
            for category, count in layout.category_counts().items()
            if count
        }
        view = SeatMapView(self.seat_map, prices=self.prices, cursor=start, id="seats-map")
        self.query_one("#seats-loading").remove()
        self.query_one("#seats-body").mount(view, before=0)
        view.focus()
        self.show_panel()
        self.watch_live()

    def watch_live(self) -> None:
        box_office, actor, basket, stop = self.box_office, self.actor, self.basket, self._stop

        def watch() -> None:
            box_office.inventory.watch(
                actor,
                basket.showtime_id,
                lambda seat_map: deliver(self, self.map_changed, seat_map),
                stop,
                hold_id=basket.hold_id,
            )

        self.call_db(watch, group="watch")

    # -- seat changes --------------------------------------------------------------
    def on_seat_map_view_toggled(self, message: SeatMapView.Toggled) -> None:
        box_office, actor, basket, seat_id = (
            self.box_office,
            self.actor,
            self.basket,
            message.seat_id,
        )

        def toggle() -> tuple[Basket, SeatMap]:
            with self._lock:
                changed = box_office.booking.toggle_seat(actor, basket.id, seat_id)
                return changed, box_office.inventory.seat_map(
                    actor, basket.showtime_id, basket.hold_id
                )

        self._pending += 1
        self.call_db(toggle, self.toggled, on_refused=self.refused)

    def toggled(self, answer: tuple[Basket, SeatMap]) -> None:
        self._pending -= 1
        self.keep_basket(answer[0])
        self.map_changed(answer[1])

    def refused(self, error: DomainError) -> None:
        self._pending -= 1
        self.notify(sentence(str(error)), severity="warning")
        # A refused change may still have let seats go (a lapsed hold): show the basket as it is.
        box_office, actor, basket_id = self.box_office, self.actor, self.basket.id
        self.call_db(lambda: box_office.booking.basket(actor, basket_id), self.basket_changed)
        self.show_panel()

    def basket_changed(self, basket: Basket) -> None:
        self.keep_basket(basket)
        self.show_panel()

    def map_changed(self, seat_map: SeatMap) -> None:
        self.seat_map = seat_map
        self.query_one(SeatMapView).update_map(seat_map)
        self.drop_lost_seats()
        self.show_panel()

    def drop_lost_seats(self) -> None:
        """Seats of the basket someone else has now (our hold lapsed): tell, and let go."""
        if self._pending or self.seat_map is None:
            return  # a map read before our own change is answered may be out of date
        if not self.is_current:
            return  # the sale has moved on (the seats may be sold, to this customer)
        lost = [s for s in self.basket.seats if self.seat_map.state(s) in TAKEN]
        if not lost:
            return
        were = "was" if len(lost) == 1 else "were"
        self.notify(
            f"Sorry, {', '.join(lost)} {were} taken by someone else while the seats were "
            "waiting. Please choose another seat.",
            severity="warning",
            timeout=8,
        )
        box_office, actor, basket = self.box_office, self.actor, self.basket

        def let_go() -> Basket:
            with self._lock:
                return box_office.booking.release(actor, basket.id, lost)

        self.call_db(let_go, self.basket_changed)

    # -- the side panel -------------------------------------------------------------
    def show_panel(self) -> None:
        if self.seat_map is None or self.card is None or self.seat_layout is None:
            return
        layout, seats = self.seat_layout, list(self.basket.seats)
        mine = Text("Your seats\n", style="bold")
        for seat_id in seats:
            category = layout.seat(seat_id).category
            mine.append(f"  {seat_id:<5} {category:<11} {self.prices.get(str(category), '')}\n")
        if not seats:
            mine.append("  none yet: move with the arrows, Space to choose\n", style="dim")
        self.query_one("#seats-basket", Static).update(mine)
        default = next(iter(self.card.tickets))
        prices = Text(f"Prices ({default} ticket)\n", style="bold")
        for category, price in self.prices.items():
            prices.append(f"  {category:<11} {price}\n")
        self.query_one("#seats-prices", Static).update(prices)
        warnings = [
            *self.basket.warnings,
            *self.box_office.booking.gap_warnings(self.basket, self.seat_map),
        ]
        self.query_one("#seats-warnings", Static).update(
            Text("\n".join(f"⚠ {sentence(w)}" for w in warnings), style="bold yellow")
        )

    def on_seat_map_view_refused(self, message: SeatMapView.Refused) -> None:
        why = REFUSED_WORDS.get(message.state, "cannot be chosen")
        self.notify(f"{message.seat_id} {why}. Please choose another seat.", severity="warning")

    def on_seat_map_view_cursor_moved(self, message: SeatMapView.CursorMoved) -> None:
        text = self.query_one(SeatMapView).status_text(message.seat_id)
        self.query_one("#seats-status", Static).update(Text(text, style="italic"))

    # -- leaving --------------------------------------------------------------------
    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_continue()

    def action_continue(self) -> None:
        if self._pending:
            self.notify("One moment, your seat is being saved…")
        elif not self.basket.seats:
            self.notify("Please choose at least one seat first.", severity="warning")
        else:
            self.app.push_screen(TicketTypesScreen(self.info, self.basket))

    def action_back(self) -> None:
        abandon_basket(self.app)
        self.app.pop_screen()
