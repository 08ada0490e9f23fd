"""Outbox messages: what the box office owes a customer, queued with the change that caused it.

A message's id is derived from its cause (kind, booking, what changed), its channel
and its address, so writing the same message twice (a retried observer, the
catch-up after a crash, a repeated reminders run) inserts it once. A changed
address gets a message of its own.

The times a sender changes (``due_at``, ``lease_until``, ``sent_at``) are epoch
seconds, like seat holds: the embedded server stores a datetime given to
``$set`` as text, which would then neither parse nor compare.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from core.models import Contact, Document, RecordId, UtcDateTime

MessageKind = Literal[
    "confirmed", "cancelled", "refunded", "exchanged", "moved", "showtime-cancelled", "reminder"
]
Channel = Literal["email", "sms"]
OutboxState = Literal["queued", "sending", "sent", "failed"]
OUTBOX_STATES: tuple[str, ...] = ("queued", "sending", "sent", "failed")


class InlineTicket(BaseModel):
    """A ticket shown inline in an e-mail; its QR image is drawn from the token when sent."""

    model_config = ConfigDict(extra="forbid")

    content_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9.-]{1,60}$")]
    seat_id: str
    token: str


class OutboxMessage(Document):
    id: Annotated[str, Field(pattern=r"^[a-z-]+:[a-z0-9:-]+$", max_length=160)]
    kind: MessageKind
    channel: Channel
    to: Annotated[str, Field(min_length=3, max_length=200)]
    subject: Annotated[str, Field(max_length=200)] = ""
    text: Annotated[str, Field(min_length=1, max_length=20_000)]
    html: Annotated[str, Field(max_length=100_000)] = ""
    tickets: list[InlineTicket] = Field(default_factory=list)
    booking_id: str
    reference: str
    theater_id: RecordId
    state: OutboxState = "queued"
    attempts: int = Field(0, ge=0)
    created_at: UtcDateTime
    due_at: float  # epoch seconds: not sent before
    lease_until: float | None = None  # epoch seconds: the sender's claim lapses
    leased_by: str = ""
    last_error: Annotated[str, Field(max_length=500)] = ""
    sent_at: float | None = None  # epoch seconds
    provider: str = ""
    provider_ref: str = ""


def recipients(contact: Contact) -> list[tuple[Channel, str]]:
    """Where a booking's messages go: e-mail and/or SMS, as the contact allows."""
    found: list[tuple[Channel, str]] = []
    if contact.email:
        found.append(("email", contact.email))
    if contact.phone:
        found.append(("sms", contact.phone))
    return found


def message_id(kind: str, booking_id: str, channel: str, address: str, *cause: str) -> str:
    """``kind:booking[:cause...]:channel:address-digest``, the same for the same message."""
    digest = hashlib.sha256(address.strip().lower().encode()).hexdigest()[:10]
    return ":".join([kind, booking_id, *cause, channel, digest])


def digest(*parts: str) -> str:
    """A short stable digest of some values, for ids (seat lists and the like)."""
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:10]
