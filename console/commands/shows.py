"""``marquee shows``: showtimes, a movie in an auditorium at a time.

Showtimes are entered and shown in the theater's local wall-clock time and stored
in UTC; JSON gives both (``starts_at`` in UTC, ``local_start`` with its offset).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from console import context
from console.choices import ShowFormat, plain
from console.options import AsJson, given
from console.parsing import parse_date
from console.render import done, render, render_record, report
from core.errors import InvalidInput
from core.localtime import parse_wall
from core.services.schedule import ShowtimeInfo

shows = typer.Typer(help="Showtimes: a movie in an auditorium at a time.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(shows, name="shows")


Start = Annotated[str, typer.Option("--start", help='Theater-local "YYYY-MM-DD HH:MM".')]
Format = Annotated[ShowFormat | None, typer.Option("--format", help="How it is projected.")]
Audio = Annotated[str | None, typer.Option("--audio", help="Spoken language.")]
Subtitles = Annotated[str | None, typer.Option("--subtitles", help="Subtitle language.")]
Card = Annotated[str | None, typer.Option("--price-card", help="A price card id.")]


def parse_start(text: str) -> dt.datetime:
    """'2026-12-01 19:30' (theater-local) or ISO with an offset; a date alone is refused."""
    return parse_wall(text, "start", needs_time=True)


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
        **given(format=plain(show_format)),
    )
    report(show, as_json, f"added showtime {show.id}")


@shows.command("list")
def list_shows(
    date: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD, theater-local.")] = None,
    today: Annotated[
        bool, typer.Option("--today", help="Showtimes of today (this machine's date).")
    ] = False,
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
        format=plain(show_format),
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
