"""``marquee demo``: seed the demo dataset on an empty box office (safe to run again)."""

from __future__ import annotations

import typer

from console import context
from console.render import done, emit_json
from core.demo import seed_demo as seed


def seed_demo(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Seed demo theaters, halls, movies, prices, extras and a week of showtimes on an
    empty box office (run again: adds the days to come); refused on any other."""
    report = seed(context.core_box_office())
    if as_json:
        accounts = [{"login": a, "role": r, "password": p} for a, r, p in report.accounts]
        emit_json({"added": report.added, "accounts": accounts})
    elif report.added:
        added = ", ".join(f"{count} {kind}" for kind, count in report.added.items())
        done(f"demo data ready: added {added}")
    else:
        done("demo data ready: nothing to add")
    if not as_json:
        for login, role, password in report.accounts:
            done(f"demo {role}: `marquee login {login}` with password {password}")
        done("next: `marquee shows list --today` or `marquee layouts show downtown-1`")
