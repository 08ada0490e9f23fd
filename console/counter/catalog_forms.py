"""The catalog's one-line forms: fields separated by ``|``, each answer handed to one service.

A record's edit form is its add form filled in with what it holds now (a promo
code's edit form leaves the code out: it names the record; a price card or promo
code stays with its theater, so neither edit form has one). Nothing here checks
what the services check; they refuse with a message fit to show as it is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from client.remote import RemoteBoxOffice
from console.parsing import discount_of, parse_amounts, parse_when
from console.render import amounts_text, local_time, owner_text, value_text
from core.actor import Actor
from core.errors import InvalidInput
from core.models import Movie, PriceCard, Promo
from core.money import decimal_amount

TABS = {"movies": "movie", "prices": "price card", "promos": "promo code"}
# Price cards and promo codes belong to a theater: blank is the one the console works
# at, "all" every theater (admins only).
OWNER_HINT = "theater (blank: this one, all: every theater)"
ADD_HINTS = {
    "movies": ("New movie", "title | runtime minutes | genres, comma, separated | rating"),
    "prices": ("New price card", f"name | adult=12.50, child=9 | vip=3 | {OWNER_HINT}"),
    "promos": (
        "New promo code",
        f"CODE | percent 15 or amount 5.00 | max uses (optional) | {OWNER_HINT}",
    ),
}
EDIT_HINTS = {
    "movies": ADD_HINTS["movies"][1],
    "prices": "name | ticket types (all of them) | surcharges (blank: none)",
    "promos": (
        "percent 15 or amount 5.00 | max uses (blank: no limit) | active or disabled"
        " | valid from | valid until (YYYY-MM-DD[ HH:MM], blank: open)"
    ),
}


@dataclass(frozen=True)
class Entry:
    """One line of a catalog tab: the id the services take, a name for messages, the
    record as its edit form, and the row shown."""

    id: str
    name: str
    form: str
    row: tuple[str, ...]


def fields(answer: str, least: int, most: int) -> list[str]:
    parts = [part.strip() for part in answer.split("|")]
    if not least <= len(parts) <= most:
        raise InvalidInput("form", f"give {least} to {most} fields separated by |")
    return parts + [""] * (most - len(parts))


def _pairs(text: str) -> list[str]:
    return [pair for pair in text.replace(" ", "").split(",") if pair]


def _movie(answer: str) -> dict[str, Any]:
    title, runtime, genres, rating = fields(answer, 2, 4)
    if not runtime.isdigit():
        raise InvalidInput("runtime", f"{runtime!r} is not a number of minutes")
    return {
        "title": title,
        "runtime_min": int(runtime),
        "genres": [genre.strip() for genre in genres.split(",") if genre.strip()],
        "rating": rating or "NR",
    }


def _card(name: str, tickets: str, surcharges: str, currency: str) -> dict[str, Any]:
    return {
        "name": name,
        "tickets": parse_amounts(_pairs(tickets), currency, "ticket"),
        "surcharges": parse_amounts(_pairs(surcharges), currency, "surcharge"),
    }


def _discount(text: str, currency: str) -> dict[str, Any]:
    """'percent 15' or 'amount 5.00' -> the kind and value the promo service takes."""
    kind, _, value = text.strip().partition(" ")
    if kind not in {"percent", "amount"} or not value.strip():
        raise InvalidInput("discount", "say percent 15 or amount 5.00")
    if kind == "percent":
        return discount_of(value, None, currency)
    return discount_of(None, value, currency)


def _max_uses(text: str) -> int | None:
    if text and not text.isdigit():
        raise InvalidInput("max uses", f"{text!r} is not a whole number")
    return int(text) if text else None


def _owner(text: str, here: str) -> str | None:
    """The theater a new price card or promo code belongs to; None: every theater."""
    if text.lower() == "all":
        return None
    return text or here or None


def add_from_form(
    box_office: RemoteBoxOffice, actor: Actor, tab: str, answer: str, here: str = ""
) -> str:
    """Add what the form says; ``here`` is the theater the console works at."""
    currency = box_office.settings.currency
    if tab == "movies":
        movie = box_office.catalog.add_movie(actor, **_movie(answer))
        return f"Added {movie.title}."
    if tab == "prices":
        name, tickets, surcharges, owner = fields(answer, 2, 4)
        card = box_office.pricing.add_price_card(
            actor, theater_id=_owner(owner, here), **_card(name, tickets, surcharges, currency)
        )
        return f"Added price card {card.name}."
    code, discount, uses, owner = fields(answer, 2, 4)
    promo = box_office.promos.add_promo(
        actor,
        code=code,
        max_uses=_max_uses(uses),
        theater_id=_owner(owner, here),
        **_discount(discount, currency),
    )
    return f"Added promo code {promo.code}."


def edit_from_form(
    box_office: RemoteBoxOffice, actor: Actor, tab: str, record_id: str, answer: str
) -> str:
    if tab == "movies":
        movie = box_office.catalog.edit_movie(actor, record_id, **_movie(answer))
        return f"Saved {movie.title}."
    if tab == "prices":
        currency = box_office.pricing.price_card(actor, record_id).currency
        changes = _card(*fields(answer, 2, 3), currency)
        card = box_office.pricing.edit_price_card(actor, record_id, **changes)
        return f"Saved price card {card.name}."
    discount, uses, state, since, until = fields(answer, 1, 5)
    if state not in {"", "active", "disabled"}:
        raise InvalidInput("state", f"{state!r} is not active or disabled")
    promo = box_office.promos.promo(actor, record_id)
    # A blank field lifts that limit, as the form shows what the code holds now.
    limits = {"max_uses": uses, "valid_from": since, "valid_until": until}
    promo = box_office.promos.edit_promo(
        actor,
        record_id,
        clear=[name for name, text in limits.items() if not text],
        max_uses=_max_uses(uses),
        valid_from=parse_when(since or None, "valid from"),
        valid_until=parse_when(until or None, "valid until", end_of_day=True),
        active={"active": True, "disabled": False}.get(state),
        **_discount(discount, promo.currency),
    )
    return f"Saved promo code {promo.code}."


def remove(box_office: RemoteBoxOffice, actor: Actor, tab: str, entry: Entry) -> str:
    if tab == "movies":
        box_office.catalog.remove_movie(actor, entry.id)
    elif tab == "prices":
        box_office.pricing.remove_price_card(actor, entry.id)
    else:
        box_office.promos.remove_promo(actor, entry.id)
    return f"Removed {TABS[tab]} {entry.name}."


# -- the lines shown ---------------------------------------------------------------
def _movie_entry(movie: Movie) -> Entry:
    genres = ", ".join(movie.genres)
    return Entry(
        movie.id,
        movie.title,
        f"{movie.title} | {movie.runtime_min} | {genres} | {movie.rating}",
        (movie.id, movie.title, f"{movie.runtime_min} min", genres, movie.rating),
    )


def _card_entry(card: PriceCard) -> Entry:
    plain = lambda amounts: ", ".join(  # noqa: E731
        f"{key}={decimal_amount(value, card.currency)}" for key, value in amounts.items()
    )
    return Entry(
        card.id,
        card.name,
        f"{card.name} | {plain(card.tickets)} | {plain(card.surcharges)}",
        (
            card.id,
            card.name,
            owner_text(card.theater_id),
            amounts_text(card.tickets, card.currency),
            amounts_text(card.surcharges, card.currency),
        ),
    )


def _promo_entry(promo: Promo) -> Entry:
    if promo.kind == "percent":
        discount = f"percent {value_text(promo).removesuffix('%')}"
    else:
        discount = f"amount {decimal_amount(promo.value, promo.currency)}"
    state = "active" if promo.active else "disabled"
    return Entry(
        promo.id,
        promo.code,
        f"{discount} | {promo.max_uses or ''} | {state}"
        f" | {local_time(promo.valid_from)} | {local_time(promo.valid_until)}",
        (
            promo.code,
            owner_text(promo.theater_id),
            value_text(promo),
            f"{promo.uses}/{promo.max_uses or '∞'}",
            state,
        ),
    )


def load_catalog(box_office: RemoteBoxOffice, actor: Actor) -> dict[str, list[Entry]]:
    return {
        "movies": [_movie_entry(m) for m in box_office.catalog.movies(actor)],
        "prices": [_card_entry(c) for c in box_office.pricing.price_cards(actor)],
        "promos": [_promo_entry(p) for p in box_office.promos.promos(actor, include_inactive=True)],
    }
