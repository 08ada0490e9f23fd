"""``marquee movies|prices|extras``: the films, the price cards and the extras.

Money is typed as decimal text ("12.50") and stored as integer minor units. The
small helpers here (``AsJson``, ``NewId``, ``given``, ``parse_date``, ``report``)
are shared with ``console.commands.venues``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, get_args

import typer
from pydantic import BaseModel

from console import context
from console.render import done, emit_json, render, render_record
from core.errors import InvalidInput
from core.models import Extra, PriceCard
from core.money import format_amount, parse_amount

movies = typer.Typer(help="Films the box office shows.", no_args_is_help=True)
prices = typer.Typer(
    help="Price cards: ticket types and seat-category surcharges.", no_args_is_help=True
)
extras = typer.Typer(help="Snacks, drinks and combos sold with tickets.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(movies, name="movies")
    app.add_typer(prices, name="prices")
    app.add_typer(extras, name="extras")


# -- shared helpers ----------------------------------------------------------------
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON only.")]
NewId = Annotated[str | None, typer.Option("--id", help="Choose the id (default: from the name).")]
EXTRA_KINDS = get_args(Extra.model_fields["kind"].annotation)


def given(**values: Any) -> dict[str, Any]:
    """The options that were given, so the service's own defaults apply to the rest."""
    return {key: value for key, value in values.items() if value is not None}


def parse_date(text: str | None, field: str) -> dt.date | None:
    """'2026-12-01' -> a date; None stays None."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(field, f"{text!r} is not a date (YYYY-MM-DD)") from None


def report(record: BaseModel, as_json: bool, message: str) -> None:
    """After a change: the record's JSON, or a one-line confirmation."""
    if as_json:
        emit_json(record)
    else:
        done(message)


def parse_amounts(pairs: list[str] | None, currency: str, field: str) -> dict[str, int]:
    """['adult=12.50', 'child=9'] -> {'adult': 1250, 'child': 900}."""
    amounts: dict[str, int] = {}
    for pair in pairs or []:
        key, sep, amount = pair.partition("=")
        key = key.strip().lower()
        if not sep or not key:
            raise InvalidInput(field, f"{pair!r} is not NAME=AMOUNT (like adult=12.50)")
        if key in amounts:
            raise InvalidInput(field, f"{key!r} is given twice")
        amounts[key] = parse_amount(amount, currency, f"{field} {key}")
    return amounts


def amounts_text(amounts: Mapping[str, int], currency: str) -> str:
    """{'adult': 1250, 'child': 900} -> 'adult $12.50, child $9.00'."""
    return ", ".join(f"{key} {format_amount(value, currency)}" for key, value in amounts.items())


def _genres(repeated: list[str] | None, joined: str | None) -> list[str] | None:
    """--genre a --genre b and/or --genres "a,b"; None when neither was given."""
    if not repeated and joined is None:
        return None
    items = [*(repeated or []), *(joined or "").split(",")]
    return [item.strip() for item in items if item.strip()]


# -- movies --------------------------------------------------------------------------
Genre = Annotated[list[str] | None, typer.Option("--genre", help="A genre (repeatable).")]
Genres = Annotated[str | None, typer.Option("--genres", help='Comma-separated: "drama,war".')]
Rating = Annotated[str | None, typer.Option("--rating", help="Like PG-13.")]
Synopsis = Annotated[str | None, typer.Option("--synopsis")]
Language = Annotated[str | None, typer.Option("--language", help="Spoken language.")]
Release = Annotated[str | None, typer.Option("--release", help="Release date, YYYY-MM-DD.")]


@movies.command("add")
def add_movie(
    title: str,
    runtime: Annotated[int, typer.Option("--runtime", help="Running time in minutes.")],
    genre: Genre = None,
    genres: Genres = None,
    rating: Rating = None,
    synopsis: Synopsis = None,
    language: Language = None,
    release: Release = None,
    movie_id: NewId = None,
    as_json: AsJson = False,
) -> None:
    """Add a movie."""
    movie = context.services().catalog.add_movie(
        context.actor(),
        title=title,
        runtime_min=runtime,
        genres=_genres(genre, genres) or [],
        release_date=parse_date(release, "release"),
        movie_id=movie_id,
        **given(rating=rating, synopsis=synopsis, language=language),
    )
    report(movie, as_json, f"added movie {movie.id}")


@movies.command("list")
def list_movies(
    genre: Annotated[str | None, typer.Option("--genre", help="Only this genre.")] = None,
    search: Annotated[str | None, typer.Option("--search", help="Words in the title.")] = None,
    as_json: AsJson = False,
) -> None:
    """List movies, by title."""
    found = context.services().catalog.movies(context.actor(), genre=genre, search=search)
    rows = [movie.model_dump() | {"runtime": f"{movie.runtime_min} min"} for movie in found]
    render(
        rows,
        as_json,
        ["id", "title", "genres", "rating", "runtime"],
        title="Movies",
        json_rows=found,
    )


@movies.command("show")
def show_movie(movie_id: str, as_json: AsJson = False) -> None:
    """Show one movie."""
    movie = context.services().catalog.movie(context.actor(), movie_id)
    render_record(movie.model_dump(), as_json, json_data=movie)


@movies.command("edit")
def edit_movie(
    movie_id: str,
    title: Annotated[str | None, typer.Option("--title")] = None,
    runtime: Annotated[int | None, typer.Option("--runtime", help="Minutes.")] = None,
    genre: Genre = None,
    genres: Genres = None,
    rating: Rating = None,
    synopsis: Synopsis = None,
    language: Language = None,
    release: Release = None,
    as_json: AsJson = False,
) -> None:
    """Change a movie; --genre/--genres replace its genres (--genres "" clears them)."""
    movie = context.services().catalog.edit_movie(
        context.actor(),
        movie_id,
        title=title,
        runtime_min=runtime,
        genres=_genres(genre, genres),
        rating=rating,
        synopsis=synopsis,
        language=language,
        release_date=parse_date(release, "release"),
    )
    report(movie, as_json, f"edited movie {movie.id}")


@movies.command("remove")
def remove_movie(movie_id: str) -> None:
    """Remove a movie (refused while it has showtimes)."""
    context.services().catalog.remove_movie(context.actor(), movie_id)
    done(f"removed movie {movie_id}")


@movies.command("genres")
def list_genres(as_json: AsJson = False) -> None:
    """Every genre used by some movie."""
    found = context.services().catalog.genres(context.actor())
    render(
        [{"genre": genre} for genre in found], as_json, ["genre"], title="Genres", json_rows=found
    )


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
    as_json: AsJson = False,
) -> None:
    """Add a price card: at least one --ticket, optional seat-category --surcharge."""
    currency = (currency or context.config().pricing.currency).strip().upper()
    card = context.services().pricing.add_price_card(
        context.actor(),
        name=name,
        tickets=parse_amounts(ticket, currency, "ticket"),
        surcharges=parse_amounts(surcharge, currency, "surcharge"),
        currency=currency,
        card_id=card_id,
    )
    report(card, as_json, f"added price card {card.id}")


@prices.command("list")
def list_price_cards(as_json: AsJson = False) -> None:
    """List price cards."""
    cards = context.services().pricing.price_cards(context.actor())
    render(
        [_card_fields(card) for card in cards],
        as_json,
        ["id", "name", "currency", "tickets", "surcharges"],
        title="Price cards",
        json_rows=cards,
    )


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
Kind = Annotated[str | None, typer.Option("--kind", help=" | ".join(EXTRA_KINDS))]


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
    currency = context.config().pricing.currency
    extra = context.services().pricing.add_extra(
        context.actor(),
        name=name,
        price=parse_amount(price, currency, "price"),
        currency=currency,
        extra_id=extra_id,
        **given(kind=kind),
    )
    report(extra, as_json, f"added extra {extra.id}")


@extras.command("list")
def list_extras(
    include_inactive: Annotated[bool, typer.Option("--all", help="Include inactive.")] = False,
    as_json: AsJson = False,
) -> None:
    """List the extras on sale (--all: the inactive ones too)."""
    found = context.services().pricing.extras(context.actor(), include_inactive=include_inactive)
    render(
        [_extra_fields(extra) for extra in found],
        as_json,
        ["id", "name", "kind", "price", "active"],
        title="Extras",
        json_rows=found,
    )


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
    extra = pricing.edit_extra(actor, extra_id, name=name, price=amount, kind=kind, active=active)
    report(extra, as_json, f"edited extra {extra.id}")


@extras.command("remove")
def remove_extra(extra_id: str) -> None:
    """Remove an extra for good (`extras edit ID --inactive` only takes it off sale)."""
    context.services().pricing.remove_extra(context.actor(), extra_id)
    done(f"removed extra {extra_id}")
