"""Output of CLI commands: Rich tables for people, JSON for scripts.

With ``--json`` a command prints exactly one JSON document to stdout and nothing
else, so scripts can parse it.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel
from rich.console import Console
from rich.table import Table
from rich.text import Text

from core.localtime import WALL, machine_zone, wall_time, zone_name
from core.models import Promo
from core.money import format_amount
from core.text import printable

stdout = Console(highlight=False, soft_wrap=True)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)

RecordT = TypeVar("RecordT")


def plain(value: Any) -> Any:
    """A JSON-ready copy of models, dataclasses of models, datetimes and containers."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(item) for item in value]
    return value


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(plain(data), indent=2, ensure_ascii=False) + "\n")


def cell(value: Any) -> Text:
    """A value as table text; user text is never read as Rich markup, and a control
    character in it is shown escaped, never sent to the terminal."""
    return value if isinstance(value, Text) else Text(printable(_text(value)))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(_text(item) for item in value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def render(
    rows: Sequence[Mapping[str, Any]],
    as_json: bool,
    columns: Iterable[str],
    *,
    title: str | None = None,
    json_rows: Sequence[Any] | None = None,
) -> None:
    """A table of ``rows`` (only ``columns``), or the JSON of ``json_rows`` (default rows)."""
    if as_json:
        emit_json(list(json_rows if json_rows is not None else rows))
        return
    columns = list(columns)
    table = Table(title=title, header_style="bold", title_justify="left")
    for column in columns:
        table.add_column(column.replace("_", " "))
    for row in rows:
        table.add_row(*(cell(row.get(column)) for column in columns))
    if not rows:
        stdout.print(f"[dim]no {title.lower() if title else 'results'}[/dim]")
        return
    stdout.print(table)


def render_records(
    records: Sequence[RecordT],
    fields: Callable[[RecordT], Mapping[str, Any]],
    as_json: bool,
    columns: Iterable[str],
    *,
    title: str,
) -> None:
    """A table of ``records``, each as its ``fields`` show it, or the JSON of the records."""
    render([fields(record) for record in records], as_json, columns, title=title, json_rows=records)


def render_record(fields: Mapping[str, Any], as_json: bool, *, json_data: Any = None) -> None:
    """One record as 'key: value' lines, or its JSON."""
    if as_json:
        emit_json(json_data if json_data is not None else fields)
        return
    width = max(len(key) for key in fields) + 1
    for key, value in fields.items():
        label = (key.replace("_", " ") + ":").ljust(width)
        stdout.print(Text.assemble((label, "bold"), " ", cell(value)))


def done(message: str) -> None:
    """A short confirmation on stdout for commands that change something."""
    stdout.print(Text(printable(message)))


def owner_text(theater_id: str | None) -> str:
    return theater_id or "all"


def local_time(moment: dt.datetime | None) -> str:
    """A moment in this machine's time zone, to the minute; '' for none (for what
    belongs to no theater: keys, promo windows)."""
    return wall_time(moment, machine_zone())


def theater_time(moment: dt.datetime | None, zone: dt.tzinfo, form: str = WALL) -> str:
    """A moment in a theater's zone, naming the zone when it is not this machine's
    (the reader's) own."""
    return wall_time(moment, zone, form, name_zone=zone_name(zone) != zone_name(machine_zone()))


def report(record: BaseModel, as_json: bool, message: str) -> None:
    """After a change: the record's JSON, or a one-line confirmation."""
    if as_json:
        emit_json(record)
    else:
        done(message)


def amounts_text(amounts: Mapping[str, int], currency: str) -> str:
    """{'adult': 1250, 'child': 900} -> 'adult $12.50, child $9.00'."""
    return ", ".join(f"{key} {format_amount(value, currency)}" for key, value in amounts.items())


def value_text(promo: Promo) -> str:
    if promo.kind == "fixed":
        return format_amount(promo.value, promo.currency)
    whole, part = divmod(promo.value, 100)
    return f"{whole}" + (f".{part:02d}".rstrip("0") if part else "") + "%"
