"""``marquee door``: the door-check screen, for a barcode scanner that types like a keyboard."""

from __future__ import annotations

from typing import Annotated

import typer

from console import context
from core.startup import log_to_file

Theater = Annotated[
    str | None, typer.Option("--theater", help="The theater this door is at (default: any).")
]
Door = Annotated[str, typer.Option("--door", help="Name of this door.")]
Show = Annotated[str | None, typer.Option("--show", help="Only admit tickets for this showtime.")]


def register(app: typer.Typer) -> None:
    app.command("door")(door)


def door(theater: Theater = None, door: Door = "main", show: Show = None) -> None:
    """Check tickets at the door: scan each one and see ADMIT or why not (Ctrl+Q quits)."""
    from console.door import DoorApp  # Textual loads only when the door runs
    from screens.base import showing_line

    box_office, actor = context.services(), context.actor()
    door = door.strip() or "main"
    parts = [f"Door {door}"]
    if theater is not None:
        found = box_office.venues.theater(actor, theater)  # an unknown theater: one-line error
        theater = found.id
        parts.append(found.name)
    if show is not None:
        info = box_office.schedule.info(actor, show)
        if theater is None:
            parts.append(info.theater.name)
        parts.append(showing_line(info))
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
    log_to_file(box_office, "door.log", "marquee.door", alone=True)
    app.run()
    if app.return_code:
        raise typer.Exit(app.return_code)
