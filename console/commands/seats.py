"""``marquee seats``: a showtime's seat map by state, with prices; for managers, the
seats that are off sale and why."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.text import Text

from console import context
from console.commands.layouts import SYMBOLS
from console.options import AsJson
from console.render import amounts_text, emit_json, render, stdout
from core.clock import utc_at
from core.seat_map import SeatMap, SeatState, SeatStatus
from core.services.schedule import ShowtimeInfo


def register(app: typer.Typer) -> None:
    app.command("seats")(show_seats)


STATE_SYMBOLS = {  # a free seat shows its category (layouts.SYMBOLS)
    SeatState.HELD: ("h", "dim yellow"),
    SeatState.MINE: ("o", "bold green"),
    SeatState.SOLD: ("x", "dim red"),
    SeatState.BLOCKED: ("#", "grey50"),
}


def _symbol(status: SeatStatus | None) -> tuple[str, str]:
    if status is None:
        return " ", ""
    if status.state == SeatState.FREE:
        return SYMBOLS[status.seat.category]
    return STATE_SYMBOLS[status.state]


def draw_seat_map(seat_map: SeatMap) -> list[Text]:
    """The seats, each drawn by its state, rows labelled at both ends and a SCREEN bar."""
    layout = seat_map.layout
    width = max(len(row.label) for row in layout.rows)
    bar = Text(" " * (width + 2) + " SCREEN ".center(max(layout.width * 2 - 1, 12), "━"))
    bar.stylize("bold")
    lines = []
    for row in layout.rows:
        line = Text(row.label.rjust(width) + "  ", style="bold")
        for seat in [*row.cells, *[None] * (layout.width - len(row.cells))]:
            line.append(*_symbol(seat_map[seat.id] if seat else None))
            line.append(" ")
        line.append(" " + row.label, style="bold")
        lines.append(line)
    return [bar, Text(), *lines] if layout.screen == "top" else [*lines, Text(), bar]


def _seat_json(status: SeatStatus) -> dict[str, Any]:
    until = status.held_until
    return {
        "id": status.seat.id,
        "row": status.seat.row,
        "number": status.seat.number,
        "category": str(status.seat.category),
        "state": str(status.state),
        "held_until": utc_at(until).isoformat() if until else None,
    }


Withheld = Annotated[
    bool, typer.Option("--withheld", help="Managers: list the seats not for sale and why.")
]


def show_seats(showtime_id: str, as_json: AsJson = False, withheld: Withheld = False) -> None:
    """Draw a showtime's seats by state (free, held, sold, blocked) with prices."""
    box_office, actor = context.services(), context.actor()
    info = box_office.schedule.info(actor, showtime_id)
    if withheld:
        show_withheld(info, box_office.inventory.withheld(actor, info.showtime.id), as_json)
        return
    seat_map = box_office.inventory.seat_map(actor, info.showtime.id)
    counts = {str(state): seat_map.count(state) for state in SeatState if state != "mine"}
    if as_json:
        seats = [_seat_json(status) for status in seat_map]
        data = {"showtime": info.showtime.id, "capacity": seat_map.layout.capacity}
        emit_json(data | {"counts": counts, "seats": seats})
        return
    card = box_office.pricing.price_card(actor, info.showtime.price_card_id)
    stdout.print(Text(f"{info.movie.title}, {info.local_start:%a %Y-%m-%d %H:%M}", "bold"))
    for line in [Text(), *draw_seat_map(seat_map), Text()]:
        stdout.print(line)
    legend = Text()
    for category, count in seat_map.layout.category_counts().items():
        if count:
            legend.append_text(Text.assemble(SYMBOLS[category], f" {category}  "))
    for state, symbol in STATE_SYMBOLS.items():
        if state != SeatState.MINE:
            legend.append_text(Text.assemble(symbol, f" {state} {counts[state]}  "))
    stdout.print(legend.append(f"free {counts['free']} of {seat_map.layout.capacity}", "bold"))
    for category, count in seat_map.layout.category_counts().items():
        if count:
            prices = {kind: card.price(kind, category) for kind in card.tickets}
            stdout.print(Text(f"{category}: {amounts_text(prices, card.currency)}"))


def show_withheld(info: ShowtimeInfo, reasons: dict[str, str], as_json: bool) -> None:
    """The seats of a showtime that are off sale, each with why."""
    rows = [{"seat": seat_id, "reason": reason} for seat_id, reason in reasons.items()]
    if as_json:
        emit_json({"showtime": info.showtime.id, "withheld": rows})
        return
    showing = f"{info.movie.title}, {info.local_start:%a %Y-%m-%d %H:%M}"
    if not rows:
        stdout.print(Text(f"No seats withheld: {showing}"))
        return
    render(rows, False, ["seat", "reason"], title=f"Withheld seats: {showing}")
