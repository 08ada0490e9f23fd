"""Typer option types the ``marquee`` command modules share."""

from __future__ import annotations

from typing import Annotated, Any

import typer

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON only.")]
NewId = Annotated[str | None, typer.Option("--id", help="Choose the id (default: from the name).")]
# Price cards and promo codes belong to one theater, or to every theater (admins only).
OwnTheater = Annotated[
    str | None,
    typer.Option("--theater", help="The theater it belongs to (default: every theater; admins)."),
]


def given(**values: Any) -> dict[str, Any]:
    """The options that were given, so the service's own defaults apply to the rest."""
    return {key: value for key, value in values.items() if value is not None}


LogLevel = Annotated[
    str | None,
    typer.Option(
        "--log-level",
        help="What goes to the log file: DEBUG, INFO, WARNING or ERROR (logging.level).",
    ),
]

# The terminals' (kiosk, console, door) way to their server.
Server = Annotated[
    str | None,
    typer.Option(
        "--server", help="The box-office server's address (default: $MARQUEE_SERVER, else local)."
    ),
]
Pair = Annotated[
    str | None,
    typer.Option("--pair", help="Pair this terminal with a code from `marquee devices add`."),
]
