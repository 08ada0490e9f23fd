"""``marquee kiosk``: run the customer kiosk in this terminal."""

from __future__ import annotations

from typing import Annotated

import typer

from console import context
from console.options import LogLevel, Pair, Server

Theater = Annotated[
    str | None,
    typer.Option(
        "--theater",
        help="One machine: the theater to sell for (default: config kiosk.theater, else the "
        "first). A paired kiosk sells for the theater it was added to.",
    ),
]
Demo = Annotated[
    bool,
    typer.Option(
        "--demo",
        help="Seed the demo first (on an empty database) and take simulated payments only.",
    ),
]


def register(app: typer.Typer) -> None:
    app.command("kiosk")(kiosk)


def kiosk(
    theater: Theater = None,
    demo: Demo = False,
    server: Server = None,
    pair: Pair = None,
    log_level: LogLevel = None,
) -> None:
    """Run the customer kiosk (full screen; F2 switches to high contrast)."""
    from console.terminal import connect, prepare_local
    from kiosk.main import run_kiosk

    url = prepare_local(server=server, demo=demo)
    box_office = connect("kiosk", server=url, pair=pair, theater=theater)
    code = run_kiosk(
        box_office, config=context.config(), log_level=log_level, demo=demo, server=url
    )
    if code:
        raise typer.Exit(code)
