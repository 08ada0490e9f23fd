"""Ticket types per seat, extras and a promo code, with the running total."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from core.basket import Basket
from core.errors import DomainError
from core.layout import SeatLayout
from core.models import Extra, PriceCard
from core.money import format_amount
from core.quote import Quote
from core.records import ShowtimeInfo
from screens.base import SaleScreen, sale_footer, sentence
from screens.payment import PaymentScreen, quote_table

KINDS = ["snack", "drink", "combo", "other"]  # the order extras are offered in


class TicketTypesScreen(SaleScreen):
    CSS_PATH = "ticket_types.tcss"
    BINDINGS = [
        Binding("left,minus", "change(-1)", "Less / previous type"),
        Binding("right,plus,equals_sign", "change(1)", "More / next type"),
        Binding("tab", "app.focus_next", "Promo code"),
        Binding("escape", "back", "Back to seats"),
    ]

    def __init__(self, info: ShowtimeInfo, basket: Basket) -> None:
        super().__init__()
        self.info = info
        self.basket = basket  # read-only: every change comes back from a service call
        self.seat_layout: SeatLayout | None = None
        self.card: PriceCard | None = None
        self.menu: list[Extra] = []
        self.tickets: dict[str, str] = {}
        self.extras: dict[str, int] = dict(basket.extras)
        self.quote: Quote | None = None
        self._version = 0
        self._lock = threading.Lock()

    def compose(self) -> ComposeResult:
        yield Static(
            Text(f"Tickets and extras · {self.info.movie.title}", style="bold"),
            id="tickets-title",
        )
        with Horizontal(id="tickets-body"):
            yield OptionList(id="tickets-items")
            yield Static("", id="tickets-total")
        with Horizontal(id="tickets-promo"):
            yield Static("Promo code:", id="tickets-promo-label")
            yield Input(placeholder="type a code, then Enter", id="tickets-promo-code")
        yield Static("Enter: continue to payment", id="tickets-message")
        yield sale_footer(self)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        box_office, actor, basket = self.box_office, self.actor, self.basket

        def load() -> tuple[PriceCard, list[Extra], Quote, SeatLayout]:
            return (
                box_office.booking.price_card(basket),
                box_office.pricing.extras(actor),
                box_office.booking.quote(actor, basket.id),
                box_office.booking.layout_of(basket),
            )

        self.call_db(load, self.loaded)

    def loaded(self, data: tuple[PriceCard, list[Extra], Quote, SeatLayout]) -> None:
        self.card, menu, self.quote, self.seat_layout = data
        self.menu = sorted(menu, key=lambda extra: (KINDS.index(extra.kind), extra.name))
        default = next(iter(self.card.tickets))
        self.tickets = {s: self.basket.tickets.get(s, default) for s in self.basket.seats}
        self.show_items()
        self.show_total()

    def show_items(self) -> None:
        if self.card is None or self.seat_layout is None:
            return
        items = self.query_one(OptionList)
        before = items.highlighted
        currency = self.card.currency
        options: list[Option | None] = []
        for seat_id, ticket_type in self.tickets.items():
            category = self.seat_layout.seat(seat_id).category
            price = format_amount(self.card.price(ticket_type, category), currency)
            label = f"Seat {seat_id}" + ("" if category == "standard" else f" ({category})")
            options.append(
                Option(
                    Text.assemble(
                        f"{label:<22}",
                        ("◀ ", "dim"),
                        (f"{ticket_type.title():^9}", "bold"),
                        (" ▶", "dim"),
                        f"  {price:>9}",
                    ),
                    id=f"seat:{seat_id}",
                )
            )
        options.append(None)
        for extra in self.menu:
            quantity = self.extras.get(extra.id, 0)
            options.append(
                Option(
                    Text.assemble(
                        f"{extra.name:<30} {format_amount(extra.price, currency):>8}  ",
                        ("− ", "dim"),
                        (f"{quantity:>2}", "bold" if quantity else "dim"),
                        (" +", "dim"),
                    ),
                    id=f"extra:{extra.id}",
                )
            )
        items.set_options(options)
        items.highlighted = before or 0

    def show_total(self) -> None:
        if self.quote is not None:
            self.query_one("#tickets-total", Static).update(quote_table(self.quote))

    def action_change(self, step: int) -> None:
        items = self.query_one(OptionList)
        option = items.highlighted_option
        if self.card is None or option is None or option.id is None:
            return
        kind, _, key = option.id.partition(":")
        if kind == "seat":
            types = list(self.card.tickets)
            index = types.index(self.tickets[key]) if self.tickets[key] in types else 0
            self.tickets[key] = types[(index + step) % len(types)]
        else:
            self.extras[key] = max(0, min(50, self.extras.get(key, 0) + step))
        self.show_items()
        self.update_basket()

    def update_basket(self, then: Callable[[Quote], Any] | None = None) -> None:
        """Apply the latest choices in a worker, then ``then(quote)``; a request that a
        newer one has overtaken is skipped (the newer one applies everything)."""
        self._version += 1
        version, tickets, extras = self._version, dict(self.tickets), dict(self.extras)
        booking, actor, basket_id = self.box_office.booking, self.actor, self.basket.id

        def apply() -> tuple[Basket, Quote] | None:
            with self._lock:
                if version != self._version:
                    return None
                booking.set_tickets(actor, basket_id, tickets)
                basket = booking.set_extras(actor, basket_id, extras)
                return basket, booking.quote(actor, basket_id)

        def done(answer: tuple[Basket, Quote] | None) -> None:
            if answer is not None:
                self.keep_basket(answer[0])
                self.quoted(answer[1])
                if then is not None:
                    then(answer[1])

        self.call_db(apply, done)

    def quoted(self, quote: Quote) -> None:
        self.quote = quote
        self.show_total()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        code = event.value.strip()
        booking, actor, basket_id = self.box_office.booking, self.actor, self.basket.id

        def apply() -> tuple[Basket, Quote]:
            with self._lock:
                basket = booking.apply_promo(actor, basket_id, code or None)
                return basket, booking.quote(actor, basket_id)

        self.call_db(apply, self.promo_applied, on_refused=self.promo_refused)

    def promo_applied(self, answer: tuple[Basket, Quote]) -> None:
        self.keep_basket(answer[0])
        quote = answer[1]
        self.quoted(quote)
        text = f"Promo code {quote.promo_code} applied." if quote.promo_code else "No promo code."
        self.say(text)
        self.query_one(OptionList).focus()
        self.go_to_payment()  # the screen says "Enter: continue to payment": it does

    def go_to_payment(self) -> None:
        if self.quote is not None:  # what is still being applied is applied before paying
            self.update_basket(
                lambda _: self.app.push_screen(PaymentScreen(self.info, self.basket))
            )

    def promo_refused(self, error: DomainError) -> None:
        self.say(sentence(str(error)), error=True)

    def say(self, text: str, error: bool = False) -> None:
        message = self.query_one("#tickets-message", Static)
        message.update(Text(text, style="bold red" if error else ""))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.go_to_payment()

    def action_back(self) -> None:
        if self.focused is not None and self.focused.id == "tickets-promo-code":
            self.query_one(OptionList).focus()
        else:
            self.app.pop_screen()
