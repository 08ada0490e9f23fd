"""``marquee console``: the counter console for signed-in staff and managers."""

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
        help="One machine: the theater this counter is at (default: the first). A paired "
        "counter works at the theater it was added to.",
    ),
]
Demo = Annotated[
    bool,
    typer.Option(
        "--demo",
        help="Seed the demo first (on an empty database); it also offers the test card "
        "(no money moves).",
    ),
]


def register(app: typer.Typer) -> None:
    app.command("console")(console)


def console(
    theater: Theater = None,
    demo: Demo = False,
    server: Server = None,
    pair: Pair = None,
    log_level: LogLevel = None,
) -> None:
    """Run the counter console: sell, bookings desk and today's dashboard."""
    from console.counter.app import CounterApp  # Textual loads only when the console runs
    from console.terminal import connect, prepare_local, terminal_actor

    url = prepare_local(server=server, demo=demo)
    counter = connect("counter", server=url, pair=pair, theater=theater)
    till = terminal_actor(counter, "counter", url)  # not paired (or revoked): one line
    log_for(context.config(), "console.log", level=log_level)
    app = CounterApp(counter, till.theaters[0])
    app.run()
    if app.return_code:
        raise typer.Exit(app.return_code)
