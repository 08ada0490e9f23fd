"""``marquee prices|extras``: the price cards and the extras sold with tickets.

Money is typed as decimal text ("12.50") and stored as integer minor units.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from console import context
from console.choices import ExtraKind, plain
from console.options import AsJson, NewId, OwnTheater, given
from console.parsing import parse_amounts
from console.render import amounts_text, done, owner_text, render_record, render_records, report
from core.errors import InvalidInput
from core.models import Extra, PriceCard
from core.money import format_amount, parse_amount

prices = typer.Typer(
    help="Price cards: ticket types and seat-category surcharges.", no_args_is_help=True
)
extras = typer.Typer(help="Snacks, drinks and combos sold with tickets.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(prices, name="prices")
    app.add_typer(extras, name="extras")


# -- price cards -------------------------------------------------------------------
Ticket = Annotated[
    list[str] | None, typer.Option("--ticket", help="TYPE=AMOUNT, like adult=12.50 (repeatable).")
]
Surcharge = Annotated[
    list[str] | None,
    typer.Option("--surcharge", help="CATEGORY=AMOUNT, like vip=3.00 (repeatable)."),
]


def _card_fields(card: PriceCard) -> dict[str, Any]:
    return card.model_dump() | {
        "theater": owner_text(card.theater_id),
        "tickets": amounts_text(card.tickets, card.currency),
        "surcharges": amounts_text(card.surcharges, card.currency),
    }


@prices.command("add")
def add_price_card(
    name: str,
    ticket: Ticket = None,
    surcharge: Surcharge = None,
    currency: Annotated[str | None, typer.Option("--currency", help="Like EUR.")] = None,
    card_id: NewId = None,
    theater: OwnTheater = None,
    as_json: AsJson = False,
) -> None:
    """Add a price card: at least one --ticket, optional seat-category --surcharge. With
    --theater only that theater's showtimes use it and its managers change it."""
    currency = (currency or context.currency()).strip().upper()
    card = context.services().pricing.add_price_card(
        context.actor(),
        name=name,
        tickets=parse_amounts(ticket, currency, "ticket"),
        surcharges=parse_amounts(surcharge, currency, "surcharge"),
        currency=currency,
        card_id=card_id,
        theater_id=theater,
    )
    report(card, as_json, f"added price card {card.id}")


@prices.command("list")
def list_price_cards(as_json: AsJson = False) -> None:
    """List price cards."""
    cards = context.services().pricing.price_cards(context.actor())
    columns = ["id", "name", "theater", "currency", "tickets", "surcharges"]
    render_records(cards, _card_fields, as_json, columns, title="Price cards")


@prices.command("show")
def show_price_card(card_id: str, as_json: AsJson = False) -> None:
    """Show one price card."""
    card = context.services().pricing.price_card(context.actor(), card_id)
    render_record(_card_fields(card), as_json, json_data=card)


@prices.command("edit")
def edit_price_card(
    card_id: str,
    name: Annotated[str | None, typer.Option("--name")] = None,
    ticket: Ticket = None,
    surcharge: Surcharge = None,
    clear_surcharges: Annotated[
        bool, typer.Option("--clear-surcharges", help="Remove every surcharge.")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Change a price card. Given --ticket options REPLACE the whole ticket map (list
    every ticket type to keep); given --surcharge options replace the surcharges."""
    pricing, actor = context.services().pricing, context.actor()
    changes: dict[str, Any] = {"name": name}
    if ticket or surcharge:
        currency = pricing.price_card(actor, card_id).currency
        changes["tickets"] = parse_amounts(ticket, currency, "ticket") or None
        changes["surcharges"] = parse_amounts(surcharge, currency, "surcharge") or None
    if clear_surcharges:
        if surcharge:
            raise InvalidInput("surcharge", "give --surcharge or --clear-surcharges, not both")
        changes["surcharges"] = {}
    card = pricing.edit_price_card(actor, card_id, **changes)
    report(card, as_json, f"edited price card {card.id}")


@prices.command("remove")
def remove_price_card(card_id: str) -> None:
    """Remove a price card (refused while showtimes use it)."""
    context.services().pricing.remove_price_card(context.actor(), card_id)
    done(f"removed price card {card_id}")


# -- extras --------------------------------------------------------------------------
Kind = Annotated[ExtraKind | None, typer.Option("--kind", help="What sort of extra.")]


def _extra_fields(extra: Extra) -> dict[str, Any]:
    return extra.model_dump() | {
        "price": format_amount(extra.price, extra.currency),
        "active": "yes" if extra.active else "no",
    }


@extras.command("add")
def add_extra(
    name: str,
    price: Annotated[str, typer.Option("--price", help="Like 6.50.")],
    kind: Kind = None,
    extra_id: NewId = None,
    as_json: AsJson = False,
) -> None:
    """Add an extra, priced in the configured currency."""
    currency = context.currency()
    extra = context.services().pricing.add_extra(
        context.actor(),
        name=name,
        price=parse_amount(price, currency, "price"),
        currency=currency,
        extra_id=extra_id,
        **given(kind=plain(kind)),
    )
    report(extra, as_json, f"added extra {extra.id}")


@extras.command("list")
def list_extras(
    include_inactive: Annotated[bool, typer.Option("--all", help="Include inactive.")] = False,
    as_json: AsJson = False,
) -> None:
    """List the extras on sale (--all: the inactive ones too)."""
    found = context.services().pricing.extras(context.actor(), include_inactive=include_inactive)
    columns = ["id", "name", "kind", "price", "active"]
    render_records(found, _extra_fields, as_json, columns, title="Extras")


@extras.command("show")
def show_extra(extra_id: str, as_json: AsJson = False) -> None:
    """Show one extra."""
    extra = context.services().pricing.extra(context.actor(), extra_id)
    render_record(_extra_fields(extra), as_json, json_data=extra)


@extras.command("edit")
def edit_extra(
    extra_id: str,
    name: Annotated[str | None, typer.Option("--name")] = None,
    price: Annotated[str | None, typer.Option("--price", help="Like 6.50.")] = None,
    kind: Kind = None,
    active: Annotated[
        bool | None, typer.Option("--active/--inactive", help="On sale or not.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Change an extra."""
    pricing, actor = context.services().pricing, context.actor()
    amount = None
    if price is not None:
        amount = parse_amount(price, pricing.extra(actor, extra_id).currency, "price")
    extra = pricing.edit_extra(
        actor, extra_id, name=name, price=amount, kind=plain(kind), active=active
    )
    report(extra, as_json, f"edited extra {extra.id}")


@extras.command("remove")
def remove_extra(extra_id: str) -> None:
    """Remove an extra for good (`extras edit ID --inactive` only takes it off sale)."""
    context.services().pricing.remove_extra(context.actor(), extra_id)
    done(f"removed extra {extra_id}")
