"""Terminals paired with the box office: kiosks, door scanners and counter terminals.

A device is added by a manager, which gives a one-time pairing code; the terminal
exchanges the code once for a long-lived device token. Only hashes of the code and
of the token are stored. A device acts with the role of its kind, at its theater only.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Literal

from pydantic import Field

from core.fields import Line, RecordId, UtcDateTime
from core.models import Document

DeviceKind = Literal["kiosk", "door", "counter"]
DEVICE_KINDS: tuple[str, ...] = ("kiosk", "door", "counter")
TOKEN_PREFIX = "mqd_"
# No 0/O, 1/I/L: a code read aloud or typed from a screen is not mistaken.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def digest(secret: str) -> str:
    """What is stored of a pairing code or device token: its SHA-256, in hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


def normal_code(text: str) -> str:
    """A pairing code as typed: case, spaces and dashes do not matter."""
    return "".join(ch for ch in text.upper() if ch not in " -\t")


def grouped_code(code: str) -> str:
    """``ABCDEFGHJK`` shown as ``ABCD-EFGH-JK``."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


class Device(Document):
    name: Annotated[Line, Field(min_length=1, max_length=40)]
    # Unique per theater among devices in use; a revoked device frees its name.
    name_key: Annotated[str, Field(max_length=60)]
    kind: DeviceKind
    theater_id: RecordId
    created_at: UtcDateTime
    created_by: Line
    pairing_hash: str | None = None  # of the one-time code, until it is used
    pairing_expires_at: UtcDateTime | None = None
    token_hash: str | None = None  # of the device token, once paired
    # Epoch seconds: the embedded server stores a datetime given to $set as text.
    paired_at: float | None = None
    last_seen: float | None = None
    revoked_at: float | None = None

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "paired" if self.token_hash else "waiting for pairing"
