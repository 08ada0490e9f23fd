"""Manage mode's catalog (managers): movies, price cards and promo codes.

N adds to the list in front (one line, fields separated by ``|``); on promo codes
D disables the highlighted code. Everything goes through the same services as
the ``marquee`` commands, with the same checks and audit trail."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static, TabbedContent, TabPane

from console.counter.ask import Ask
from console.counter.feedback import Feedback
from console.options import amounts_text, parse_amounts
from core.bootstrap import BoxOffice
from core.errors import InvalidInput
from core.money import format_amount, parse_amount
from core.services.access import Actor
from screens.base import run_db

FORMS = {
    "movies": ("New movie", "title | runtime minutes | genres, comma, separated | rating"),
    "prices": ("New price card", "name | adult=12.50, child=9 | vip=3"),
    "promos": ("New promo code", "CODE | percent 15 or amount 5.00 | max uses (optional)"),
}


def fields(answer: str, least: int, most: int) -> list[str]:
    parts = [part.strip() for part in answer.split("|")]
    if not least <= len(parts) <= most:
        raise InvalidInput("form", f"give {least} to {most} fields separated by |")
    return parts + [""] * (most - len(parts))


def add_from_form(office: BoxOffice, actor: Actor, tab: str, answer: str) -> str:
    currency = office.config.pricing.currency
    if tab == "movies":
        title, runtime, genres, rating = fields(answer, 2, 4)
        if not runtime.isdigit():
            raise InvalidInput("runtime", f"{runtime!r} is not a number of minutes")
        movie = office.catalog.add_movie(
            actor,
            title=title,
            runtime_min=int(runtime),
            rating=rating or "NR",
            genres=[g.strip() for g in genres.split(",") if g.strip()],
        )
        return f"Added {movie.title}."
    if tab == "prices":
        name, tickets, surcharges = fields(answer, 2, 3)
        pairs = lambda text: [p for p in text.replace(" ", "").split(",") if p]  # noqa: E731
        card = office.pricing.add_price_card(
            actor,
            name=name,
            tickets=parse_amounts(pairs(tickets), currency, "ticket"),
            surcharges=parse_amounts(pairs(surcharges), currency, "surcharge"),
        )
        return f"Added price card {card.name}."
    code, discount, uses = fields(answer, 2, 3)
    kind, _, value = discount.partition(" ")
    if kind not in {"percent", "amount"}:
        raise InvalidInput("discount", "say percent 15 or amount 5.00")
    if kind == "percent" and not value.strip().isdigit():
        raise InvalidInput("percent", f"{value.strip()!r} is not a whole number")
    promo = office.promos.add_promo(
        actor,
        code=code,
        kind=kind,
        value=int(value) if kind == "percent" else parse_amount(value, currency, "amount"),
        max_uses=int(uses) if uses.isdigit() else None,
    )
    return f"Added promo code {promo.code}."


def load_catalog(office: BoxOffice, actor: Actor) -> dict[str, list[tuple[str, ...]]]:
    currency = office.config.pricing.currency
    movies = [
        (m.id, m.title, f"{m.runtime_min} min", ", ".join(m.genres), m.rating)
        for m in office.catalog.movies(actor)
    ]
    cards = [
        (c.id, c.name, amounts_text(c.tickets, c.currency), amounts_text(c.surcharges, c.currency))
        for c in office.pricing.price_cards(actor)
    ]
    promos = [
        (
            p.code,
            f"{p.value}%" if p.kind == "percent" else format_amount(p.value, currency),
            f"{p.uses}/{p.max_uses or '∞'}",
            "active" if p.active else "disabled",
        )
        for p in office.promos.promos(actor, include_inactive=True)
    ]
    return {"movies": movies, "prices": cards, "promos": promos}


COLUMNS = {
    "movies": ("Id", "Title", "Runtime", "Genres", "Rating"),
    "prices": ("Id", "Name", "Tickets", "Surcharges"),
    "promos": ("Code", "Discount", "Used", "State"),
}


class CatalogScreen(Feedback, Screen):
    CSS_PATH = "catalog.tcss"
    MESSAGE_ID = "catalog-message"
    BINDINGS = [
        Binding("n", "new", "Add"),
        Binding("d", "disable", "Disable promo"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[tuple[str, ...]]] = {}

    def compose(self) -> ComposeResult:
        yield Static(
            Text("Catalog · N adds · D disables a promo code", style="bold"), id="catalog-title"
        )
        with TabbedContent(id="catalog-tabs"):
            for tab, title in (
                ("movies", "Movies"),
                ("prices", "Price cards"),
                ("promos", "Promo codes"),
            ):
                with TabPane(title, id=tab):
                    yield DataTable(id=f"{tab}-table", cursor_type="row")
        yield Static("", id="catalog-message")
        yield Footer()

    def on_mount(self) -> None:
        for tab, columns in COLUMNS.items():
            self.query_one(f"#{tab}-table", DataTable).add_columns(*columns)
        self.reload()

    def reload(self) -> None:
        office, actor = self.app.box_office, self.app.actor
        run_db(self, lambda: load_catalog(office, actor), self.show, on_refused=self.refused)

    def show(self, rows: dict[str, list[tuple[str, ...]]]) -> None:
        self.rows = rows
        for tab, found in rows.items():
            table = self.query_one(f"#{tab}-table", DataTable)
            table.clear()
            table.add_rows(found)

    @property
    def tab(self) -> str:
        return self.query_one(TabbedContent).active or "movies"

    def action_new(self) -> None:
        tab, office, actor = self.tab, self.app.box_office, self.app.actor
        title, hint = FORMS[tab]

        def answered(answer: str | None) -> None:
            if answer:
                run_db(
                    self,
                    lambda: add_from_form(office, actor, tab, answer),
                    self.added,
                    on_refused=self.refused,
                )

        self.app.push_screen(Ask(title, "", hint), answered)

    def action_disable(self) -> None:
        if self.tab != "promos" or not self.rows.get("promos"):
            return
        row = self.query_one("#promos-table", DataTable).cursor_row
        code = self.rows["promos"][row][0]
        office, actor = self.app.box_office, self.app.actor
        run_db(
            self,
            lambda: office.promos.disable_promo(actor, code),
            lambda promo: self.added(f"Disabled {promo.code}."),
            on_refused=self.refused,
        )

    def added(self, message: str) -> None:
        self.say(message, "green")
        self.reload()
