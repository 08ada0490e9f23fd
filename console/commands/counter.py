"""``marquee console``: the counter console for signed-in staff and managers."""

from __future__ import annotations

from typing import Annotated

import typer

from console import context
from console.options import LogLevel
from core.demo import seed_demo


def register(app: typer.Typer) -> None:
    app.command("console")(console)


def console(
    theater: Annotated[
        str | None, typer.Option("--theater", help="Theater to work at (default: your first).")
    ] = None,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Seed the demo first (on an empty database); cards by the simulated provider.",
        ),
    ] = False,
    log_level: LogLevel = None,
) -> None:
    """Run the counter console: sell, bookings desk and today's dashboard."""
    from console.counter.app import CounterApp  # Textual loads only when the console runs
    from core.startup import log_to_file, reconcile_in_background

    box_office = context.core_box_office()
    if demo:
        seed_demo(box_office)  # an empty box office or the demo; refused on any other
    if theater:
        box_office.venues.theater(context.core_actor(), theater)  # an unknown theater: one line
    log_to_file(box_office, "console.log", level=log_level)
    reconcile_in_background(box_office, "console", box_office.config.booking.reconcile_every_s)
    CounterApp(box_office, theater, ["simulated"] if demo else None).run()
