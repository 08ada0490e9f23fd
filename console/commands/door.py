"""``marquee door``: the door-check screen, for a barcode scanner that types like a keyboard."""

from __future__ import annotations

from typing import Annotated

import typer

from console import context
from console.options import LogLevel, Pair, Server
from core.logfile import log_for

Theater = Annotated[
    str | None,
    typer.Option(
        "--theater",
        help="One machine: the theater this door is at (default: the first). A paired door "
        "scans at the theater it was added to.",
    ),
]
Door = Annotated[str, typer.Option("--door", help="Name of this door.")]
Show = Annotated[str | None, typer.Option("--show", help="Only admit tickets for this showtime.")]


def register(app: typer.Typer) -> None:
    app.command("door")(door)


def door(
    theater: Theater = None,
    door: Door = "main",
    show: Show = None,
    server: Server = None,
    pair: Pair = None,
    log_level: LogLevel = None,
) -> None:
    """Check tickets at the door: scan each one and see ADMIT or why not (Ctrl+Q quits)."""
    from console.door import DoorApp  # Textual loads only when the door runs
    from console.terminal import connect, prepare_local, terminal_actor
    from screens.base import showing_line

    url = prepare_local(server=server, demo=False)
    box_office = connect("door", server=url, pair=pair, theater=theater)
    actor = terminal_actor(box_office, "door", url)
    theater = actor.theaters[0]
    door = door.strip() or "main"
    parts = [f"Door {door}", box_office.venues.theater(actor, theater).name]
    if show is not None:
        parts.append(showing_line(box_office.schedule.info(actor, show)))
    else:
        parts.append("all showtimes")
    app = DoorApp(
        box_office,
        actor,
        door=door,
        theater_id=theater,
        showtime_id=show,
        heading=" · ".join(parts),
    )
    log_for(context.config(), "door.log", "marquee.door", alone=True, level=log_level)
    app.run()
    if app.return_code:
        raise typer.Exit(app.return_code)
