"""Signed ticket tokens: what a ticket's QR code holds, and how a door checks it.

A token is ``MQ2.<key id>.<payload>.<mac>``: the key id names the ticket key
that signed it (see core.signing_keys), the payload is the url-safe base64 (no
padding) of ``ticket id|reference|showtime id|seat id``, and the mac is the
first 16 bytes of HMAC-SHA256 over ``MQ2.<key id>.<payload>`` (the text as
printed), also url-safe base64. About 110 characters: a small QR code.

Tokens printed before keys had ids are ``MQ1.<payload>.<mac>``, the mac over
``MQ1.<payload>``; they were signed with the first ticket key (or another
machine's, imported to verify only) and still verify.

The MAC covers the token's text, not the decoded bytes, and the MAC text is
compared as text, so changing any character of a token fails verification
(base64's unused trailing bits cannot be flipped unnoticed). Comparison is
constant-time.

A ticket id is derived from the booking id and the seat id, so issuing tickets
writes nothing; admitting one writes an admission keyed by that id.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass

from pydantic import Field

from core.fields import Line, RecordId, UtcDateTime
from core.keyfile import KEY_BYTES, new_key  # noqa: F401  (tickets are signed with these)
from core.models import Document
from core.signing_keys import KEY_ID_PATTERN

PREFIX = "MQ2"
LEGACY_PREFIX = "MQ1"  # no key id: from before keys had ids
LEGACY = ""  # the key id of a legacy token
MAC_BYTES = 16
SEPARATOR = "|"


@dataclass(frozen=True)
class Ticket:
    """What a token names: one seat of one booking at one showtime."""

    ticket_id: str
    reference: str
    showtime_id: str
    seat_id: str


class Admission(Document):
    """A ticket let in at a door; ``id`` is the ticket id, so a ticket is admitted once."""

    booking_id: str
    reference: str
    showtime_id: RecordId
    theater_id: RecordId
    seat_id: str = Field(min_length=1, max_length=20)
    door: Line = Field(min_length=1, max_length=40)
    by: Line
    at: UtcDateTime


def ticket_id(booking_id: str, seat_id: str) -> str:
    """The ticket of ``seat_id`` in booking ``booking_id``: 16 hex digits, always the same."""
    digest = hashlib.sha256(f"marquee-ticket:{booking_id}:{seat_id}".encode()).hexdigest()
    return digest[:16]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, signed_text: str) -> str:
    digest = hmac.new(key, signed_text.encode("ascii"), hashlib.sha256).digest()
    return _b64(digest[:MAC_BYTES])


def sign(ticket: Ticket, key: bytes, key_id: str) -> str:
    """The token of ``ticket`` signed with ``key``, whose id is ``key_id``."""
    fields = (ticket.ticket_id, ticket.reference, ticket.showtime_id, ticket.seat_id)
    if any(not field or SEPARATOR in field or "\n" in field for field in fields):
        raise ValueError(f"ticket fields must be non-empty and free of {SEPARATOR!r}")
    if not re.fullmatch(KEY_ID_PATTERN, key_id):
        raise ValueError(f"not a key id: {key_id!r}")
    payload = _b64(SEPARATOR.join(fields).encode("utf-8"))
    signed = f"{PREFIX}.{key_id}.{payload}"
    return f"{signed}.{_mac(key, signed)}"


def _parts(token: str) -> list[str] | None:
    """[key id (LEGACY for MQ1), payload, mac] of a token of either format, else None."""
    if not token.isascii():
        return None
    parts = token.split(".")
    if len(parts) == 3 and parts[0] == LEGACY_PREFIX:
        return [LEGACY, *parts[1:]]
    if len(parts) == 4 and parts[0] == PREFIX and re.fullmatch(KEY_ID_PATTERN, parts[1]):
        return parts[1:]
    return None


def key_id_of(token: str) -> str | None:
    """The id of the key a token says signed it (LEGACY for an MQ1 token); None when it
    is no ticket token. Unverified: only says which key to verify it with."""
    parts = _parts(token)
    return parts[0] if parts else None


def verify(token: str, key: bytes) -> Ticket | None:
    """The ticket a token names if ``key`` signed it unchanged, else None."""
    parts = _parts(token)
    if parts is None:
        return None
    _, payload, mac = parts
    signed = token[: len(token) - len(mac) - 1]
    if not hmac.compare_digest(_mac(key, signed).encode("ascii"), mac.encode("ascii")):
        return None
    try:
        fields = _unb64(payload).decode("utf-8").split(SEPARATOR)
    except (binascii.Error, ValueError):
        return None
    if len(fields) != 4 or not all(fields):
        return None
    return Ticket(*fields)
