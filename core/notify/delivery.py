"""Delivering due messages: claim under a lease, send, settle; retries with backoff.

A claim counts an attempt. A failed attempt waits ``backoff_s * 2**(attempts - 1)``
before the next; after ``max_attempts`` (or an answer that another try cannot
change) the message is marked failed and stays listed. Several workers may
run at once: a message is claimed by one of them, and only its lease holder
can settle it. A worker that dies mid-send leaves a lease that lapses after
``lease_s``; the message is then tried again.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections.abc import Mapping
from dataclasses import dataclass

from core.clock import Clock
from core.config import NotifyConfig
from core.notify.sender_base import DeliveryFailed, Sender, redact
from core.outbox import OutboxMessage
from core.repo.outbox import OutboxRepository

log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


class Dispatcher:
    def __init__(
        self,
        outbox: OutboxRepository,
        senders: Mapping[str, Sender],
        config: NotifyConfig,
        clock: Clock,
        name: str | None = None,
    ) -> None:
        self._outbox = outbox
        self.senders = dict(senders)
        self._config = config
        self._clock = clock
        self.name = name or f"{socket.gethostname()}-{os.getpid()}"

    def deliver_due(self, stop: threading.Event | None = None, limit: int = 1000) -> DeliveryReport:
        """Send what is due now, one claimed message at a time, until none is left."""
        report = DeliveryReport()
        for _ in range(limit):
            if stop is not None and stop.is_set():
                break
            holder = f"{self.name}:{secrets.token_hex(4)}"
            now = self._clock()
            message = self._outbox.claim(self.senders, now, now + self._config.lease_s, holder)
            if message is None:
                break
            self._deliver(message, holder, report)
        return report

    def _deliver(self, message: OutboxMessage, holder: str, report: DeliveryReport) -> None:
        sender = self.senders[message.channel]
        try:
            ref = sender.send(message)
        except Exception as error:
            self._failed(message, holder, sender, error, report)
            return
        if not self._outbox.mark_sent(message.id, holder, self._clock(), sender.name, ref):
            log.warning("message %s was sent after its lease had lapsed", message.id)
        report.sent += 1

    def _failed(
        self,
        message: OutboxMessage,
        holder: str,
        sender: Sender,
        error: Exception,
        report: DeliveryReport,
    ) -> None:
        if isinstance(error, DeliveryFailed):
            text, permanent = str(error), error.permanent
        else:
            text, permanent = f"{sender.name}: {error.__class__.__name__}: {error}", False
        text = redact(text.splitlines()[0] if text else sender.name, sender.secrets)
        if permanent or message.attempts >= self._config.max_attempts:
            self._outbox.mark_failed(message.id, holder, text)
            log.warning(
                "message %s failed for good after %d attempts: %s",
                message.id,
                message.attempts,
                text,
            )
            report.failed += 1
            return
        delay = self._config.backoff_s * 2 ** (message.attempts - 1)
        self._outbox.retry_later(message.id, holder, self._clock() + delay, text)
        log.info("message %s: %s; next try in %.0f s", message.id, text, delay)
        report.retrying += 1
