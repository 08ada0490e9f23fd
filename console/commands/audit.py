"""``marquee audit list``: who changed money, prices, layouts, schedules and accounts."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer

from console import context
from console.options import AsJson
from console.parsing import parse_date
from console.render import render
from console.theater_times import shown_at_theater

audit = typer.Typer(help="The audit trail.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(audit, name="audit")


@audit.command("list")
def list_entries(
    since: Annotated[
        str | None, typer.Option("--since", help="From this date (YYYY-MM-DD).")
    ] = None,
    user: Annotated[str | None, typer.Option("--user", help="Only this login.")] = None,
    as_json: AsJson = False,
) -> None:
    """Audited changes, newest first."""
    day = parse_date(since, "since")
    start = dt.datetime.combine(day, dt.time(), dt.UTC) if day else None
    entries = context.services().audit.entries(context.actor(), since=start, user=user)
    rows = [
        {
            "at": shown_at_theater(e.at, e.theater_id, "%Y-%m-%d %H:%M:%S"),
            "user": e.user,
            "action": e.action,
            "target": e.target,
            "theater": e.theater_id or "",
            "changes": json.dumps(e.changes, ensure_ascii=False)[:120],
        }
        for e in entries
    ]
    render(
        rows,
        as_json,
        ["at", "user", "action", "target", "theater", "changes"],
        title="Audit trail",
        json_rows=entries,
    )
