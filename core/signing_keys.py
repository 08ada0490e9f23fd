"""Signing keys of the box office, kept in its database so every process uses the same.

A key signs sessions or tickets. The current key of a purpose is the newest one not
retired that signs; older keys keep verifying what they signed until they are retired.
Tokens from before keys had ids name no key: they verify with the first key, or with
a key imported from another machine's key file to verify them only. Keys are
numbered per purpose (``seq``): a new key takes the next number, and a unique index on
(purpose, seq) lets only one of two processes creating the same key win.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from core.fields import UtcDateTime
from core.models import Document

Purpose = Literal["sessions", "tickets"]
PURPOSES: tuple[Purpose, ...] = ("sessions", "tickets")
KEY_ID_PATTERN = r"^[a-z0-9]{8}$"
_KEY_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def new_key_id() -> str:
    """A short random key id: eight lowercase letters or digits (short in a QR code)."""
    return "".join(secrets.choice(_KEY_ID_ALPHABET) for _ in range(8))


class SigningKey(Document):
    id: str = Field(pattern=KEY_ID_PATTERN)
    purpose: Purpose
    seq: int = Field(ge=1)  # 1 for the first key of its purpose, then one more each rotation
    secret: str = Field(pattern=r"^[0-9a-f]{32,128}$", repr=False)  # hex
    created_at: UtcDateTime
    retired_at: UtcDateTime | None = None
    imported_from: str | None = None  # the key file an existing installation signed with
    # False for a key imported by `marquee keys import`: it verifies tokens from before
    # keys had ids (another machine's), and never signs.
    signs: bool = True

    @property
    def key(self) -> bytes:
        return bytes.fromhex(self.secret)

    @property
    def fingerprint(self) -> str:
        """Names the secret without giving it away: 12 hex digits of its SHA-256."""
        return hashlib.sha256(self.key).hexdigest()[:12]


@dataclass(frozen=True)
class KeyInfo:
    """What may be shown of a key: everything but its secret."""

    id: str
    purpose: str
    created_at: dt.datetime
    retired_at: dt.datetime | None
    fingerprint: str
    current: bool  # the key that signs its purpose now
    imported: bool  # taken over from an installation's key file
    signs: bool  # False: verifies old tokens only

    @classmethod
    def of(cls, key: SigningKey, current: bool) -> KeyInfo:
        return cls(
            key.id,
            key.purpose,
            key.created_at,
            key.retired_at,
            key.fingerprint,
            current,
            key.imported_from is not None,
            key.signs,
        )
