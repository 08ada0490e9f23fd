"""``marquee layouts``: check layout files; draw an auditorium's seats.

The drawing helpers (``SYMBOLS``, ``BLOCKED``, ``draw_layout``, ``legend``,
``layout_json``) are plain functions of a ``SeatLayout`` so other UIs can reuse them.
"""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from console import context
from console.options import AsJson
from console.render import emit_json, render_record, stdout
from core.errors import InvalidInput
from core.layout import Seat, SeatCategory, SeatLayout, layout_of, read_layout_file
from core.models import Auditorium
from core.services.venues import VenueService

layouts = typer.Typer(help="Check layout files; draw an auditorium's seats.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(layouts, name="layouts")


SYMBOLS = {
    SeatCategory.STANDARD: ("■", ""),
    SeatCategory.VIP: ("♛", "bold gold1"),
    SeatCategory.WHEELCHAIR: ("W", "bold dodger_blue1"),
    SeatCategory.COMPANION: ("C", "cyan"),
}
BLOCKED = ("x", "dim")


def layout_summary(layout: SeatLayout) -> dict[str, Any]:
    return {
        "rows": len(layout.rows),
        "seats": len(layout.seats),
        "capacity": layout.capacity,
        "blocked": sum(seat.blocked for seat in layout.seats),
        "categories": {str(key): count for key, count in layout.category_counts().items()},
        "screen": layout.screen,
    }


@layouts.command("check")
def check_layout(file: Path, as_json: AsJson = False) -> None:
    """Validate a layout file: a summary and exit 0, or the error line and exit 1."""
    summary = layout_summary(VenueService.check_layout(read_layout_file(file)))
    if as_json:
        emit_json({"valid": True} | summary)
        return
    categories = summary.pop("categories")
    render_record({"valid": "yes"} | summary | categories, False)


def _symbol(seat: Seat | None) -> tuple[str, str]:
    if seat is None:
        return " ", ""
    return BLOCKED if seat.blocked else SYMBOLS[seat.category]


def draw_layout(layout: SeatLayout) -> list[Text]:
    """The seats as Rich lines: rows labelled at both ends and a SCREEN bar."""
    label_width = max(len(row.label) for row in layout.rows)
    margin = " " * (label_width + 2)
    bar = Text(margin + " SCREEN ".center(max(layout.width * 2 - 1, 12), "━"), style="bold")
    lines = []
    for row in layout.rows:
        line = Text(row.label.rjust(label_width) + "  ", style="bold")
        cells = [*row.cells, *[None] * (layout.width - len(row.cells))]
        for index, seat in enumerate(cells):
            line.append(*_symbol(seat))
            line.append(" " if index < len(cells) - 1 else "  ")
        line.append(row.label, style="bold")
        lines.append(line)
    return [bar, Text(), *lines] if layout.screen == "top" else [*lines, Text(), bar]


def legend(layout: SeatLayout) -> Text:
    """One line: each symbol in use with its seat count, then the capacity."""
    summary = layout_summary(layout)
    text = Text()
    counted = [(SYMBOLS[SeatCategory(name)], name, n) for name, n in summary["categories"].items()]
    for symbol, name, count in [*counted, (BLOCKED, "blocked", summary["blocked"])]:
        if count:
            text.append_text(Text.assemble(symbol, f" {name} {count}  "))
    text.append(f"capacity {summary['capacity']}", style="bold")
    return text


def layout_json(room: Auditorium, layout: SeatLayout) -> dict[str, Any]:
    rows = [
        {"label": row.label, "seats": [_seat_json(seat) for seat in row.seats]}
        for row in layout.rows
    ]
    return {
        "auditorium": room.id,
        "theater_id": room.theater_id,
        "name": room.name,
        "capacity": room.capacity,
        "screen": layout.screen,
        "rows": rows,
    }


def _seat_json(seat: Seat) -> dict[str, Any]:
    return {key: value for key, value in asdict(seat).items() if key != "row"}


@layouts.command("show")
def show_layout(
    auditorium_id: str,
    as_json: AsJson = False,
    as_text: Annotated[bool, typer.Option("--text", help="Print the layout file text.")] = False,
) -> None:
    """Draw an auditorium's seats (--text: its layout in the file format)."""
    if as_json and as_text:
        raise InvalidInput("text", "give --json or --text, not both")
    room = context.services().venues.auditorium(context.actor(), auditorium_id)
    layout = layout_of(room.layout)
    if as_text:
        sys.stdout.write(room.layout)
    elif as_json:
        emit_json(layout_json(room, layout))
    else:
        stdout.print(Text(f"{room.name} ({room.id}, theater {room.theater_id})", style="bold"))
        for line in [Text(), *draw_layout(layout), Text(), legend(layout)]:
            stdout.print(line)
