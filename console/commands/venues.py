"""``marquee theaters|auditoriums|layouts|shows``: where and when the movies play.

Showtimes are entered and shown in the theater's local wall-clock time and stored
in UTC; JSON gives both (``starts_at`` in UTC, ``local_start`` with its offset).
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from console import context
from console.commands.catalog import AsJson, NewId, given, parse_date, report
from console.render import done, emit_json, render, render_record, stdout
from core.errors import InvalidInput
from core.layout import Seat, SeatCategory, SeatLayout
from core.models import Auditorium
from core.services.schedule import ShowtimeInfo
from core.services.venues import VenueService, layout_of

theaters = typer.Typer(help="Cinemas: name, address and time zone.", no_args_is_help=True)
auditoriums = typer.Typer(help="Auditoriums of a theater and their seats.", no_args_is_help=True)
layouts = typer.Typer(help="Check layout files; draw an auditorium's seats.", no_args_is_help=True)
shows = typer.Typer(help="Showtimes: a movie in an auditorium at a time.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(theaters, name="theaters")
    app.add_typer(auditoriums, name="auditoriums")
    app.add_typer(layouts, name="layouts")
    app.add_typer(shows, name="shows")


# -- theaters ------------------------------------------------------------------------
Name = Annotated[str | None, typer.Option("--name")]
Address = Annotated[str | None, typer.Option("--address")]
City = Annotated[str | None, typer.Option("--city")]
Zone = Annotated[str | None, typer.Option("--timezone", help="IANA zone, like Europe/London.")]


@theaters.command("add")
def add_theater(
    name: str,
    timezone: Zone = None,
    address: Address = None,
    city: City = None,
    theater_id: NewId = None,
    as_json: AsJson = False,
) -> None:
    """Add a theater (time zone default: UTC)."""
    theater = context.services().venues.add_theater(
        context.actor(),
        name=name,
        theater_id=theater_id,
        **given(timezone=timezone, address=address, city=city),
    )
    report(theater, as_json, f"added theater {theater.id}")


@theaters.command("list")
def list_theaters(as_json: AsJson = False) -> None:
    """List theaters."""
    found = context.services().venues.theaters(context.actor())
    rows = [theater.model_dump() for theater in found]
    render(rows, as_json, ["id", "name", "city", "timezone"], title="Theaters", json_rows=found)


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


def read_layout(path: Path) -> str:
    """The text of a layout file, or one InvalidInput line saying why not."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        why = getattr(error, "strerror", None) or str(error)
        raise InvalidInput("layout", f"cannot read {str(path)!r}: {why}") from None


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
        layout_text=read_layout(layout),
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
    render(
        [_room_row(room) for room in found],
        as_json,
        ["id", "theater", "name", "capacity", "rows"],
        title="Auditoriums",
        json_rows=found,
    )


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
        layout_text=read_layout(layout) if layout is not None else None,
    )
    report(room, as_json, f"edited auditorium {room.id} ({room.capacity} seats)")


@auditoriums.command("remove")
def remove_auditorium(auditorium_id: str) -> None:
    """Remove an auditorium (refused while it has showtimes)."""
    context.services().venues.remove_auditorium(context.actor(), auditorium_id)
    done(f"removed auditorium {auditorium_id}")


# -- layouts -------------------------------------------------------------------------
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
    summary = layout_summary(VenueService.check_layout(read_layout(file)))
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


# -- showtimes -----------------------------------------------------------------------
Start = Annotated[str, typer.Option("--start", help='Theater-local "YYYY-MM-DD HH:MM".')]
Format = Annotated[str | None, typer.Option("--format", help="2D, 3D, IMAX, ...")]
Audio = Annotated[str | None, typer.Option("--audio", help="Spoken language.")]
Subtitles = Annotated[str | None, typer.Option("--subtitles", help="Subtitle language.")]
Card = Annotated[str | None, typer.Option("--price-card", help="A price card id.")]


def parse_start(text: str) -> dt.datetime:
    """'2026-12-01 19:30' (theater-local) or ISO with an offset; a date alone is refused."""
    problem = f"{text!r} is not a date and time (YYYY-MM-DD HH:MM)"
    try:
        dt.date.fromisoformat(text.strip())
    except ValueError:
        try:
            return dt.datetime.fromisoformat(text.strip())
        except ValueError:
            raise InvalidInput("start", problem) from None
    raise InvalidInput("start", problem)


def _days(date: str | None, today: bool, days: int | None) -> list[dt.date] | None:
    """The local dates asked for, or None for 'upcoming from now'."""
    if date and today:
        raise InvalidInput("date", "give --date or --today, not both")
    if days is not None and not 1 <= days <= 62:
        raise InvalidInput("days", f"{days} is not a number of days from 1 to 62")
    first = dt.date.today() if today else parse_date(date, "date")
    if first is None and days is None:
        return None
    return [(first or dt.date.today()) + dt.timedelta(days=n) for n in range(days or 1)]


def show_json(info: ShowtimeInfo) -> dict[str, Any]:
    return info.showtime.model_dump(mode="json") | {
        "movie_title": info.movie.title,
        "theater_name": info.theater.name,
        "auditorium_name": info.auditorium.name,
        "local_start": info.local_start.isoformat(),
        "local_end": info.local_end.isoformat(),
    }


def _show_row(info: ShowtimeInfo) -> dict[str, Any]:
    return {
        "id": info.showtime.id,
        "date": f"{info.local_start:%a %Y-%m-%d}",
        "time": f"{info.local_start:%H:%M}",
        "movie": info.movie.title,
        "theater": info.theater.name,
        "auditorium": info.auditorium.name,
        "format": info.showtime.format,
        "ends": f"{info.local_end:%H:%M}",
        "status": info.showtime.status,
    }


@shows.command("add")
def add_show(
    movie: Annotated[str, typer.Option("--movie", help="A movie id.")],
    auditorium: Annotated[str, typer.Option("--auditorium", help="An auditorium id.")],
    start: Start,
    price_card: Annotated[str, typer.Option("--price-card", help="A price card id.")],
    show_format: Format = None,
    audio: Audio = None,
    subtitles: Subtitles = None,
    as_json: AsJson = False,
) -> None:
    """Schedule a showtime (refused if it overlaps another, cleaning time included)."""
    show = context.services().schedule.add_showtime(
        context.actor(),
        movie_id=movie,
        auditorium_id=auditorium,
        starts_at=parse_start(start),
        price_card_id=price_card,
        audio_language=audio,
        subtitles=subtitles,
        **given(format=show_format),
    )
    report(show, as_json, f"added showtime {show.id}")


@shows.command("list")
def list_shows(
    date: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD, theater-local.")] = None,
    today: Annotated[bool, typer.Option("--today", help="Today's showtimes.")] = False,
    days: Annotated[int | None, typer.Option("--days", help="How many days from it.")] = None,
    theater: Annotated[str | None, typer.Option("--theater")] = None,
    auditorium: Annotated[str | None, typer.Option("--auditorium")] = None,
    movie: Annotated[str | None, typer.Option("--movie")] = None,
    genre: Annotated[str | None, typer.Option("--genre")] = None,
    include_all: Annotated[bool, typer.Option("--all", help="Include cancelled.")] = False,
    as_json: AsJson = False,
) -> None:
    """List showtimes: of --date/--today (and --days after it), else upcoming from now."""
    schedule, actor = context.services().schedule, context.actor()
    filters: dict[str, Any] = dict(
        theater_id=theater,
        auditorium_id=auditorium,
        movie_id=movie,
        genre=genre,
        include_cancelled=include_all,
    )
    wanted = _days(date, today, days)
    if wanted is None:
        found = schedule.showtimes(actor, since=dt.datetime.now(dt.UTC), **filters)
    else:
        found = [info for day in wanted for info in schedule.showtimes(actor, on=day, **filters)]
    columns = ["id", "date", "time", "movie", "theater", "auditorium", "format", "ends"]
    render(
        [_show_row(info) for info in found],
        as_json,
        columns + ["status"] * include_all,
        title="Showtimes",
        json_rows=[show_json(info) for info in found],
    )


@shows.command("show")
def show_show(showtime_id: str, as_json: AsJson = False) -> None:
    """Show one showtime (times are the theater's local time)."""
    info = context.services().schedule.info(context.actor(), showtime_id)
    show, zone = info.showtime, info.theater.timezone
    fields = {
        "id": show.id,
        "movie": f"{info.movie.title} ({show.movie_id})",
        "theater": f"{info.theater.name} ({show.theater_id})",
        "auditorium": f"{info.auditorium.name} ({show.auditorium_id})",
        "starts": f"{info.local_start:%a %Y-%m-%d %H:%M} {zone}",
        "ends": f"{info.local_end:%H:%M} (cleaning included)",
        "format": show.format,
        "audio": show.audio_language,
        "subtitles": show.subtitles or "none",
        "price_card": show.price_card_id,
        "status": show.status,
    }
    render_record(fields, as_json, json_data=show_json(info))


@shows.command("move")
def move_show(showtime_id: str, start: Start, as_json: AsJson = False) -> None:
    """Move a showtime to a new start (theater-local time)."""
    show = context.services().schedule.move_showtime(
        context.actor(), showtime_id, parse_start(start)
    )
    report(show, as_json, f"moved showtime {show.id}")


@shows.command("edit")
def edit_show(
    showtime_id: str,
    show_format: Format = None,
    audio: Audio = None,
    subtitles: Subtitles = None,
    price_card: Card = None,
    as_json: AsJson = False,
) -> None:
    """Change a showtime's format, languages or price card."""
    show = context.services().schedule.edit_showtime(
        context.actor(),
        showtime_id,
        format=show_format,
        audio_language=audio,
        subtitles=subtitles,
        price_card_id=price_card,
    )
    report(show, as_json, f"edited showtime {show.id}")


@shows.command("cancel")
def cancel_show(showtime_id: str, as_json: AsJson = False) -> None:
    """Cancel a showtime (it stays listed with --all)."""
    show = context.services().schedule.cancel_showtime(context.actor(), showtime_id)
    report(show, as_json, f"cancelled showtime {show.id}")


@shows.command("remove")
def remove_show(showtime_id: str) -> None:
    """Remove a showtime for good."""
    context.services().schedule.remove_showtime(context.actor(), showtime_id)
    done(f"removed showtime {showtime_id}")
