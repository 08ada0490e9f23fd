"""A terminal's device token: kept per box-office server and kind in the terminal
user's config dir (``devices.json``, 0600), or, for this machine's own box office, in
the data dir (made with its local token, so no pairing code is needed)."""

from __future__ import annotations

from pathlib import Path

from client.private_json import config_dir, read_private, write_private
from client.remote import RemoteBoxOffice
from core.errors import DeviceInvalid, MarqueeError, SessionInvalid
from server.contract.local import server_dir
from server.contract.session import Caller

DEVICE_FILE = "devices.json"
# The command that runs each kind of terminal.
COMMANDS = {"kiosk": "kiosk", "door": "door", "counter": "console"}
NAMES = {"kiosk": "kiosk", "door": "door scanner", "counter": "counter console"}


class NotPaired(MarqueeError):
    """This terminal has no device token the server takes (never paired, or revoked)."""

    def __init__(self, kind: str, server: str | None = None) -> None:
        self.kind = kind
        super().__init__(not_paired(kind, server))


def not_paired(kind: str, server: str | None = None) -> str:
    command = f"marquee {COMMANDS[kind]} --server {server or 'URL'} --pair CODE"
    return (
        f"this {NAMES[kind]} is not paired: pair it again with `{command}` "
        "(a code from `marquee devices add`)"
    )


def paired_caller(box_office: RemoteBoxOffice, kind: str, server: str | None) -> Caller:
    """Who the device token says this terminal is: a ``kind`` of one theater; NotPaired
    if the server refuses the token (revoked, unknown) or it is another kind's."""
    try:
        caller = box_office.me()
    except (DeviceInvalid, SessionInvalid):
        raise NotPaired(kind, server) from None
    if caller.role != kind or len(caller.theaters) != 1:
        raise NotPaired(kind, server)
    return caller


def device_path() -> Path:
    return config_dir() / DEVICE_FILE


def local_device_path(data_dir: Path) -> Path:
    return server_dir(data_dir) / DEVICE_FILE


def stored_device(path: Path, key: str) -> str | None:
    token = read_private(path).get(key)
    return token if isinstance(token, str) and token else None


def keep_device(path: Path, key: str, token: str) -> Path:
    kept = read_private(path)
    kept[key] = token
    return write_private(path, kept)


def forget_device(path: Path, key: str) -> None:
    kept = read_private(path)
    if kept.pop(key, None) is not None:
        write_private(path, kept)


def server_key(server: str, kind: str) -> str:
    return f"{kind} {server.rstrip('/')}"
