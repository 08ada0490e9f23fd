"""What every sender shares: the Sender protocol, its failure, inline QR images,
and keeping a provider's secrets out of error texts and SDK logs."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from core.outbox import OutboxMessage
from core.qrcodes import qr_png

# Provider answers that another try will not change.
PERMANENT_STATUSES = frozenset({400, 404, 413, 422})


class DeliveryFailed(Exception):
    """A provider did not take a message; the text is safe to store and show."""

    def __init__(self, text: str, *, permanent: bool = False) -> None:
        super().__init__(text)
        self.permanent = permanent


class Sender(Protocol):
    name: str
    channel: str

    @property
    def secrets(self) -> tuple[str, ...]:
        """Kept out of every error text."""
        ...

    def send(self, message: OutboxMessage) -> str:
        """Deliver ``message``; the provider's reference. Raises DeliveryFailed."""
        ...


@dataclass(frozen=True)
class InlineImage:
    content_id: str
    filename: str
    png: bytes


def inline_images(message: OutboxMessage) -> list[InlineImage]:
    """The QR code of each ticket of an e-mail, drawn now from the ticket's token."""
    return [
        InlineImage(ticket.content_id, f"{ticket.content_id}.png", qr_png(ticket.token))
        for ticket in message.tickets
    ]


def redact(text: str, secrets: tuple[str, ...], limit: int | None = 300) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text[:limit]


class _Redacting(logging.Filter):
    def __init__(self, secrets: tuple[str, ...]) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret and secret in message for secret in self.secrets):
            record.msg, record.args = redact(message, self.secrets, None), None
        return True


def keep_out_of_logs(logger_name: str, secrets: tuple[str, ...]) -> None:
    """Mask ``secrets`` in what an SDK's logger writes (SendGrid's client logs its
    request headers, the API key included, at DEBUG)."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, _Redacting) and f.secrets == secrets for f in logger.filters):
        logger.addFilter(_Redacting(secrets))
