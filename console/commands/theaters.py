"""``marquee theaters|auditoriums``: the cinemas and their auditoriums."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from console import context
from console.options import AsJson, NewId, given
from console.render import done, emit_json, render, render_record, render_records, report
from core.layout import layout_of, read_layout_file
from core.models import Auditorium, Theater

theaters = typer.Typer(help="Cinemas: name, address and time zone.", no_args_is_help=True)
auditoriums = typer.Typer(help="Auditoriums of a theater and their seats.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(theaters, name="theaters")
    app.add_typer(auditoriums, name="auditoriums")


# -- theaters ------------------------------------------------------------------------
Name = Annotated[str | None, typer.Option("--name")]
Address = Annotated[str | None, typer.Option("--address")]
City = Annotated[str | None, typer.Option("--city")]
Zone = Annotated[str | None, typer.Option("--timezone", help="IANA zone, like Europe/London.")]
Country = Annotated[
    str | None,
    typer.Option("--country", help="ISO 3166 code, like GB (default: box_office.country)."),
]


@theaters.command("add")
def add_theater(
    name: str,
    timezone: Zone = None,
    address: Address = None,
    city: City = None,
    theater_id: NewId = None,
    country: Country = None,
    as_json: AsJson = False,
) -> None:
    """Add a theater (time zone default: UTC)."""
    theater = context.services().venues.add_theater(
        context.actor(),
        name=name,
        theater_id=theater_id,
        **given(timezone=timezone, address=address, city=city, country=country),
    )
    report(theater, as_json, f"added theater {theater.id}")


@theaters.command("list")
def list_theaters(as_json: AsJson = False) -> None:
    """List theaters."""
    found = context.services().venues.theaters(context.actor())
    columns = ["id", "name", "city", "timezone"]
    render_records(found, Theater.model_dump, as_json, columns, title="Theaters")


@theaters.command("show")
def show_theater(theater_id: str, as_json: AsJson = False) -> None:
    """Show a theater and its auditoriums."""
    venues, actor = context.services().venues, context.actor()
    theater = venues.theater(actor, theater_id)
    rooms = venues.auditoriums(actor, theater.id)
    if as_json:
        emit_json(theater.model_dump(mode="json") | {"auditoriums": rooms})
        return
    render_record(theater.model_dump(), False)
    render(
        [_room_row(room) for room in rooms],
        False,
        ["id", "name", "capacity", "rows"],
        title="Auditoriums",
    )


@theaters.command("edit")
def edit_theater(
    theater_id: str,
    name: Name = None,
    timezone: Zone = None,
    address: Address = None,
    city: City = None,
    as_json: AsJson = False,
) -> None:
    """Change a theater (a new time zone moves no showtime: they are stored in UTC)."""
    theater = context.services().venues.edit_theater(
        context.actor(), theater_id, name=name, timezone=timezone, address=address, city=city
    )
    report(theater, as_json, f"edited theater {theater.id}")


@theaters.command("remove")
def remove_theater(theater_id: str) -> None:
    """Remove a theater (refused while it has auditoriums)."""
    context.services().venues.remove_theater(context.actor(), theater_id)
    done(f"removed theater {theater_id}")


# -- auditoriums ---------------------------------------------------------------------
LayoutFile = Annotated[Path, typer.Option("--layout", help="A seat layout text file.")]


def _room_row(room: Auditorium) -> dict[str, Any]:
    return room.model_dump() | {
        "theater": room.theater_id,
        "rows": len(layout_of(room.layout).rows),
    }


@auditoriums.command("add")
def add_auditorium(
    theater: str,
    name: str,
    layout: LayoutFile,
    auditorium_id: NewId = None,
    as_json: AsJson = False,
) -> None:
    """Add an auditorium to THEATER with the seats of a layout file."""
    room = context.services().venues.add_auditorium(
        context.actor(),
        theater_id=theater,
        name=name,
        layout_text=read_layout_file(layout),
        auditorium_id=auditorium_id,
    )
    report(room, as_json, f"added auditorium {room.id} ({room.capacity} seats)")


@auditoriums.command("list")
def list_auditoriums(
    theater: Annotated[str | None, typer.Option("--theater", help="Only this theater.")] = None,
    as_json: AsJson = False,
) -> None:
    """List auditoriums."""
    found = context.services().venues.auditoriums(context.actor(), theater)
    columns = ["id", "theater", "name", "capacity", "rows"]
    render_records(found, _room_row, as_json, columns, title="Auditoriums")


@auditoriums.command("show")
def show_auditorium(auditorium_id: str, as_json: AsJson = False) -> None:
    """Show an auditorium (draw its seats with `marquee layouts show`)."""
    room = context.services().venues.auditorium(context.actor(), auditorium_id)
    counts = layout_of(room.layout).category_counts()
    fields = _room_row(room) | {"seats": ", ".join(f"{k} {n}" for k, n in counts.items() if n)}
    render_record(
        {key: fields[key] for key in ("id", "theater", "name", "capacity", "rows", "seats")},
        as_json,
        json_data=room,
    )


@auditoriums.command("edit")
def edit_auditorium(
    auditorium_id: str,
    name: Name = None,
    layout: Annotated[Path | None, typer.Option("--layout", help="A new layout file.")] = None,
    as_json: AsJson = False,
) -> None:
    """Rename an auditorium or give it a new seat layout."""
    room = context.services().venues.edit_auditorium(
        context.actor(),
        auditorium_id,
        name=name,
        layout_text=read_layout_file(layout) if layout is not None else None,
    )
    report(room, as_json, f"edited auditorium {room.id} ({room.capacity} seats)")


@auditoriums.command("remove")
def remove_auditorium(auditorium_id: str) -> None:
    """Remove an auditorium (refused while it has showtimes)."""
    context.services().venues.remove_auditorium(context.actor(), auditorium_id)
    done(f"removed auditorium {auditorium_id}")
