"""The devices capability: a manager's list of the theater's terminals, and revoking one.

Adding a device (``marquee devices add``) stays on the server: it mints a pairing
code. Pairing itself is ``POST /api/v1/devices/pair`` (server.contract.session)."""

from __future__ import annotations

from core.devices import Device
from server.contract.base import Operation, Request


class DevicesListIn(Request):
    theater_id: str | None = None


class DevicesRevokeIn(Request):
    device_id_or_name: str
    theater_id: str


OPERATIONS = (
    Operation("devices", "list", DevicesListIn, list[Device], positional=1),
    Operation("devices", "revoke", DevicesRevokeIn, Device, writes=True, positional=2),
)
