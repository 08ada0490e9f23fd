"""``marquee devices``: kiosks, door scanners and counter terminals paired with this box office.

Server-side commands: they open the box office directly. ``add`` prints the one-time
pairing code (and its QR code) that the terminal exchanges for its device token.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.style import Style
from rich.text import Text

from console import context
from console.choices import DeviceKind
from console.options import AsJson
from console.render import emit_json, render, stdout
from core.clock import utc_at
from core.devices import Device
from core.qrcodes import half_block_lines, qr_matrix

devices = typer.Typer(
    help="Kiosks, door scanners and counter terminals: pair, list, revoke.",
    no_args_is_help=True,
)
QR_STYLE = Style(color="#000000", bgcolor="#FFFFFF")  # dark on light whatever the terminal
Theater = Annotated[str, typer.Option("--theater", help="The theater the device is at.")]


def register(app: typer.Typer) -> None:
    app.add_typer(devices, name="devices")


def local(moment: dt.datetime | float | None) -> str:
    if moment is None:
        return ""
    if not isinstance(moment, dt.datetime):
        moment = utc_at(moment)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


@devices.command("add")
def add_device(
    name: str,
    kind: Annotated[DeviceKind, typer.Option("--kind", help="What the terminal is.")],
    theater: Theater,
    as_json: AsJson = False,
) -> None:
    """Add a device and print its one-time pairing code (and QR code)."""
    device, code = context.core_box_office().devices.add(
        context.core_actor(), name, kind.value, theater
    )
    if as_json:
        emit_json({"code": code, "device_id": device.id, "expires_at": device.pairing_expires_at})
        return
    for line in half_block_lines(qr_matrix(code)):
        stdout.print(Text(line, style=QR_STYLE), no_wrap=True, crop=False)
    stdout.print(Text(f"added {device.kind} {device.name} at {device.theater_id} ({device.id})"))
    stdout.print(Text.assemble("pairing code: ", (code, "bold")))
    stdout.print(
        Text(f"enter it on the terminal, once, before {local(device.pairing_expires_at)}", "dim")
    )


def device_row(device: Device) -> dict:
    return {
        "id": device.id,
        "name": device.name,
        "kind": device.kind,
        "theater_id": device.theater_id,
        "state": device.state,
        "created_at": device.created_at,
        "paired_at": None if device.paired_at is None else utc_at(device.paired_at),
        "last_seen": None if device.last_seen is None else utc_at(device.last_seen),
    }


@devices.command("list")
def list_devices(
    theater: Annotated[str | None, typer.Option("--theater", help="Only this theater's.")] = None,
    as_json: AsJson = False,
) -> None:
    """The devices of the theaters you manage (admins: all), revoked ones too."""
    rows = [device_row(d) for d in context.services().devices.list(context.actor(), theater)]
    shown = [row | {"last_seen": local(row["last_seen"])} for row in rows]
    columns = ["id", "name", "kind", "theater_id", "state", "last_seen"]
    render(shown, as_json, columns, title="Devices", json_rows=rows)


@devices.command("revoke")
def revoke_device(
    name_or_id: Annotated[str, typer.Argument(help="The device's name or id.")],
    theater: Theater,
) -> None:
    """Stop a device at once: its token, an unused code and sessions signed in at it."""
    device = context.services().devices.revoke(context.actor(), name_or_id, theater)
    stdout.print(Text(f"revoked {device.kind} {device.name} at {device.theater_id}", "bold"))
