"""How a terminal (kiosk, door scanner, counter console) reaches its box office.

With a server (``--server URL`` or ``MARQUEE_SERVER``) it is a device paired once:
``--pair CODE`` trades a code from ``marquee devices add`` for a device token, kept in
this user's config dir (0600); later starts find it there. On one machine with no
server it is a device of this machine's own box office, made with the data dir's local
token (whoever can read it owns the data) and kept in the data dir: no pairing."""

from __future__ import annotations

from client.pairing import (
    NotPaired,
    device_path,
    keep_device,
    local_device_path,
    paired_caller,
    server_key,
    stored_device,
)
from client.remote import RemoteBoxOffice
from console import context
from core.actor import Actor
from core.errors import DeviceInvalid, InvalidInput, MarqueeError, SessionInvalid


def connect(
    kind: str, *, server: str | None, pair: str | None, theater: str | None
) -> RemoteBoxOffice:
    """The box office as this terminal's device of ``kind``."""
    url = (server or "").strip() or context.server_url()
    if url is None:
        if pair:
            raise InvalidInput("--pair", "pairs with a server: give --server URL as well")
        return local_terminal(kind, theater)
    return paired_terminal(kind, url, pair)


def paired_terminal(kind: str, url: str, code: str | None) -> RemoteBoxOffice:
    box_office = RemoteBoxOffice(url)
    key = server_key(url, kind)
    if code:
        paired = box_office.pair(code)
        if paired.kind != kind:
            box_office.close()
            raise PairingMismatch(kind, paired.kind)
        keep_device(device_path(), key, paired.token)
    else:
        box_office.token = stored_device(device_path(), key)
        if box_office.token is None:
            box_office.close()
            raise NotPaired(kind, url)
    return box_office


def local_terminal(kind: str, theater: str | None) -> RemoteBoxOffice:
    """A device of this data dir's own box office, made once and kept in the data dir."""
    data_dir = context.config().data_dir
    path, key = local_device_path(data_dir), f"{kind} {theater or ''}".strip()
    token = stored_device(path, key)
    box_office = context._local_server(token)
    if token is not None and still_valid(box_office):
        return box_office
    box_office.token = None
    owner = context._local_server(None)  # the data dir's local token
    try:
        made = owner.local_device(kind, theater)
    finally:
        owner.close()
    keep_device(path, key, made.token)
    box_office.token = made.token
    return box_office


def terminal_actor(box_office: RemoteBoxOffice, kind: str, server: str | None) -> Actor:
    """Who the device token says this terminal is; NotPaired if the server refuses it."""
    caller = paired_caller(box_office, kind, server)
    return Actor(subject=caller.subject, role=kind, theaters=(caller.theaters[0],))


def still_valid(box_office: RemoteBoxOffice) -> bool:
    try:
        box_office.me()
    except (DeviceInvalid, SessionInvalid):
        return False
    return True


class PairingMismatch(MarqueeError):
    def __init__(self, wanted: str, got: str) -> None:
        super().__init__(
            f"that code pairs a {got}, not a {wanted}: add a {wanted} with "
            f"`marquee devices add NAME --kind {wanted}`"
        )


def prepare_local(*, server: str | None, demo: bool) -> str | None:
    """The server's address, if there is one. On one machine, the server-side step a
    terminal's start may take: seed the demo (``--demo``: an empty box office or the
    demo, refused on any other). Payments left open are settled by the server."""
    url = (server or "").strip() or context.server_url()
    if url is not None:
        if demo:
            raise InvalidInput("--demo", "seeds this machine's box office: leave out --server")
        return url
    if demo:
        from core.demo import seed_demo

        seed_demo(context.core_box_office())
    return None
