"""``marquee tickets``: the door scanner, a booking's ticket tokens and check-in counts.

``scan`` exits 0 only when the ticket is admitted; every refusal exits 1, so a
script (or a barcode scanner's wrapper) can act on the exit code alone.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.panel import Panel
from rich.text import Text

from console import context
from console.options import AsJson
from console.render import emit_json, render, render_record, stdout
from console.verdicts import verdict_colour, verdict_details, verdict_title
from core.services.tickets import ScanVerdict

tickets = typer.Typer(help="Scan tickets at the door and list them.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(tickets, name="tickets")


def verdict_json(verdict: ScanVerdict) -> dict[str, Any]:
    return {
        "verdict": str(verdict.kind),
        "admitted": verdict.admitted,
        "reason": verdict.reason,
        "seat_id": verdict.seat_id,
        "reference": verdict.reference,
        "showtime_id": verdict.showtime_id,
        "movie": verdict.movie_title,
        "starts_local": verdict.starts_local,
        "door": verdict.door,
        "admitted_at": verdict.admitted_at,
        "admitted_door": verdict.admitted_door,
    }


def verdict_panel(verdict: ScanVerdict) -> Panel:
    """The verdict, large and unambiguous: green to admit, red to refuse."""
    colour = verdict_colour(verdict)
    headline = Text(verdict_title(verdict), style=f"bold white on {colour}")
    body = Text.assemble(headline, "  ", (verdict_details(verdict), "bold"), "\n", verdict.reason)
    return Panel(body, border_style=f"bold {colour}", padding=(1, 2), expand=False)


@tickets.command("scan")
def scan(
    token: str,
    door: Annotated[str, typer.Option("--door", help="Name of this door.")] = "main",
    show: Annotated[
        str | None, typer.Option("--show", help="Only admit tickets for this showtime.")
    ] = None,
    theater: Annotated[
        str | None, typer.Option("--theater", help="The theater this door is at.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Check a ticket's QR token and admit it once; exit 1 for any refusal."""
    verdict = context.services().tickets.scan(
        context.actor(), token, door=door, theater_id=theater, showtime_id=show
    )
    if as_json:
        emit_json(verdict_json(verdict))
    else:
        stdout.print(verdict_panel(verdict))
    if not verdict.admitted:
        raise typer.Exit(1)


@tickets.command("list")
def list_tickets(reference: str, as_json: AsJson = False) -> None:
    """The ticket token of each active seat of a confirmed booking."""
    found = context.services().tickets.tickets(context.actor(), reference)
    rows = [{"seat_id": seat_id, "token": token} for seat_id, token in found]
    render(rows, as_json, ["seat_id", "token"], title="Tickets")


@tickets.command("checkins")
def checkins(showtime_id: str, as_json: AsJson = False) -> None:
    """How many tickets of a showtime were admitted, of how many sold."""
    counts = context.services().tickets.checkins(context.actor(), showtime_id)
    data = {"showtime": showtime_id, "admitted": counts.admitted, "sold": counts.sold}
    render_record(data, as_json)
