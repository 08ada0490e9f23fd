"""``marquee doctor``: one screen saying whether this box office is healthy, and why not."""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.text import Text

from console import context
from console.options import AsJson
from console.render import emit_json, stdout
from core.doctor import as_dicts, examine, healthy


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)


def doctor(as_json: AsJson = False) -> None:
    """Check this box office: config, data dir, database, clock, keys, providers, disk,
    messages and payments; each problem with the command that fixes it."""
    checks = examine(context.core_box_office(), dict(os.environ), Path.cwd())
    if as_json:
        emit_json({"healthy": healthy(checks), "checks": as_dicts(checks)})
    else:
        width = max(len(check.name) for check in checks) + 1
        for check in checks:
            mark = ("ok  ", "green") if check.ok else ("FAIL", "bold red")
            stdout.print(Text.assemble(mark, " ", (check.name.ljust(width), "bold"), check.detail))
            if check.fix:
                stdout.print(Text.assemble(" " * (width + 5), ("fix: ", "bold"), check.fix))
        problems = sum(not check.ok for check in checks)
        stdout.print(Text("healthy" if not problems else f"{problems} problem(s)"))
    if not healthy(checks):
        raise typer.Exit(1)
