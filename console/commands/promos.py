"""``marquee promos``: promo codes, a percentage or an amount off tickets or orders.

A percentage is typed like ``15`` or ``12.5`` and stored exactly as basis points
(1250); an amount like ``2.50`` is stored as minor units. Dates and times are this
machine's local time: ``--from 2026-12-01`` starts at midnight, ``--until
2026-12-31`` runs to the end of that day.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from console import context
from console.choices import choices
from console.options import AsJson, OwnTheater
from console.parsing import discount_of, parse_when
from console.render import (
    done,
    local_time,
    owner_text,
    render_record,
    render_records,
    report,
    value_text,
)
from core.errors import InvalidInput
from core.models import Promo

promos = typer.Typer(help="Promo codes: a percentage or an amount off.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(promos, name="promos")


Percent = Annotated[str | None, typer.Option("--percent", help="Like 15 or 12.5.")]
Amount = Annotated[str | None, typer.Option("--amount", help="Like 2.50, off once per booking.")]
MaxUses = Annotated[int | None, typer.Option("--max-uses", help="How many bookings may use it.")]
From = Annotated[str | None, typer.Option("--from", help='Local "YYYY-MM-DD[ HH:MM]".')]
Until = Annotated[
    str | None, typer.Option("--until", help='Local "YYYY-MM-DD[ HH:MM]" (a date: to its end).')
]
Movies = Annotated[list[str] | None, typer.Option("--movie", help="Only this movie (repeatable).")]
Shows = Annotated[list[str] | None, typer.Option("--show", help="Only this showtime (repeatable).")]
CLEAR = {
    "max-uses": "max_uses",
    "from": "valid_from",
    "until": "valid_until",
    "movies": "movie_ids",
    "shows": "showtime_ids",
}
PromoLimit = choices("PromoLimit", tuple(CLEAR))


def _fields(promo: Promo) -> dict[str, Any]:
    window = ""
    if promo.valid_from or promo.valid_until:
        window = f"{local_time(promo.valid_from) or '…'} to {local_time(promo.valid_until) or '…'}"
    limits = [f"movies {', '.join(promo.movie_ids)}"] * bool(promo.movie_ids)
    limits += [f"shows {', '.join(promo.showtime_ids)}"] * bool(promo.showtime_ids)
    uses = f"{promo.uses}/{promo.max_uses}" if promo.max_uses else str(promo.uses)
    return {
        "code": promo.code,
        "theater": owner_text(promo.theater_id),
        "kind": promo.kind,
        "value": value_text(promo),
        "applies_to": promo.applies_to,
        "uses": uses,
        "valid": window or "always",
        "limits": "; ".join(limits) or "none",
        "active": "yes" if promo.active else "no",
    }


@promos.command("add")
def add_promo(
    code: str,
    percent: Percent = None,
    amount: Amount = None,
    order: Annotated[
        bool, typer.Option("--order", help="Off the whole order, extras too.")
    ] = False,
    max_uses: MaxUses = None,
    valid_from: From = None,
    valid_until: Until = None,
    movie: Movies = None,
    show: Shows = None,
    theater: OwnTheater = None,
    as_json: AsJson = False,
) -> None:
    """Add a promo code: --percent or --amount off the tickets (--order: everything).
    With --theater it is good only there and that theater's managers change it."""
    currency = context.currency()
    discount = discount_of(percent, amount, currency)
    if not discount:
        raise InvalidInput("percent", "give --percent or --amount")
    promo = context.services().promos.add_promo(
        context.actor(),
        code=code,
        currency=currency,
        applies_to="order" if order else "tickets",
        max_uses=max_uses,
        valid_from=parse_when(valid_from, "from"),
        valid_until=parse_when(valid_until, "until", end_of_day=True),
        movie_ids=movie or (),
        showtime_ids=show or (),
        theater_id=theater,
        **discount,
    )
    report(promo, as_json, f"added promo code {promo.code} ({value_text(promo)} off)")


@promos.command("list")
def list_promos(
    include_inactive: Annotated[bool, typer.Option("--all", help="Include disabled.")] = False,
    as_json: AsJson = False,
) -> None:
    """List the active promo codes (--all: the disabled ones too)."""
    found = context.services().promos.promos(context.actor(), include_inactive=include_inactive)
    columns = [
        "code",
        "theater",
        "kind",
        "value",
        "applies_to",
        "uses",
        "valid",
        "limits",
        "active",
    ]
    render_records(found, _fields, as_json, columns, title="Promo codes")


@promos.command("show")
def show_promo(code: str, as_json: AsJson = False) -> None:
    """Show one promo code."""
    promo = context.services().promos.promo(context.actor(), code)
    render_record(_fields(promo), as_json, json_data=promo)


@promos.command("edit")
def edit_promo(
    code: str,
    percent: Percent = None,
    amount: Amount = None,
    order: Annotated[
        bool | None, typer.Option("--order/--tickets-only", help="What it comes off.")
    ] = None,
    max_uses: MaxUses = None,
    valid_from: From = None,
    valid_until: Until = None,
    movie: Movies = None,
    show: Shows = None,
    clear: Annotated[
        list[PromoLimit] | None,
        typer.Option("--clear", help="Remove this limit (repeatable)."),
    ] = None,
    active: Annotated[bool | None, typer.Option("--active/--inactive")] = None,
    as_json: AsJson = False,
) -> None:
    """Change a promo code; --movie/--show replace the lists, --clear removes a limit."""
    service, actor = context.services().promos, context.actor()
    currency = service.promo(actor, code).currency if amount is not None else ""
    promo = service.edit_promo(
        actor,
        code,
        clear=[CLEAR[name] for name in clear or []],
        applies_to=None if order is None else ("order" if order else "tickets"),
        max_uses=max_uses,
        valid_from=parse_when(valid_from, "from"),
        valid_until=parse_when(valid_until, "until", end_of_day=True),
        movie_ids=movie,
        showtime_ids=show,
        active=active,
        **discount_of(percent, amount, currency),
    )
    report(promo, as_json, f"edited promo code {promo.code}")


@promos.command("disable")
def disable_promo(code: str, as_json: AsJson = False) -> None:
    """Stop a promo code from being used (it stays listed with --all)."""
    promo = context.services().promos.disable_promo(context.actor(), code)
    report(promo, as_json, f"disabled promo code {promo.code}")


@promos.command("remove")
def remove_promo(code: str) -> None:
    """Remove a promo code for good (refused once used: disable it instead)."""
    context.services().promos.remove_promo(context.actor(), code)
    done(f"removed promo code {code.strip().upper()}")
