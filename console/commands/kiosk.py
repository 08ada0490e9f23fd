"""``marquee kiosk``: run the customer kiosk in this terminal."""

from __future__ import annotations

from typing import Annotated

import typer

from console import context

Theater = Annotated[
    str | None,
    typer.Option("--theater", help="Theater id to sell for (default: config kiosk.theater)."),
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


def kiosk(theater: Theater = None, demo: Demo = False) -> None:
    """Run the customer kiosk (full screen; F2 switches to high contrast)."""
    from kiosk.main import run_kiosk

    code = run_kiosk(context.core_box_office(), theater=theater, demo=demo)
    if code:
        raise typer.Exit(code)
