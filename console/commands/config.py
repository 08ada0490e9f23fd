"""``marquee config path|show``: which config file is in use, and what it all adds up to."""

from __future__ import annotations

import json
import os
from pathlib import Path

import typer
from rich.text import Text

from console import context
from console.options import AsJson
from console.render import emit_json, stdout
from core.config import find_config, masked

app = typer.Typer(help="The configuration in use: its file and its values.", no_args_is_help=True)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="config")


@app.command("path")
def path(as_json: AsJson = False) -> None:
    """The config file in use and where in the search order it was found."""
    found, where = find_config(dict(os.environ), Path.cwd())
    if as_json:
        emit_json({"path": None if found is None else str(found), "found": where})
        return
    stdout.print(Text(f"{found if found is not None else '-'} ({where})"))


@app.command("show")
def show(as_json: AsJson = False) -> None:
    """Every key's effective value (defaults, file, environment); secrets are hidden."""
    values = masked(context.config())
    if as_json:
        emit_json(values)
        return
    for section, keys in values.items():
        stdout.print(Text(f"[{section}]"))
        for key, value in keys.items():
            stdout.print(Text(f"{key} = {json.dumps(value, default=str, ensure_ascii=False)}"))
        stdout.print()
