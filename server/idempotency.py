"""Retried writes: the first request with an Idempotency-Key runs, every retry with the
same key gets its answer back (status and body) without running again."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import time
from collections.abc import Callable

from core.errors import IdempotencyKeyReused
from server.errors import domain_answer, error_body

log = logging.getLogger("marquee.server")

KEY = re.compile(r"^[\x21-\x7e]{1,200}$")
WAIT_S = 5.0  # how long a retry waits for the first request still running
# After this long without an answer the first request is taken for lost (its server
# stopped mid-request) and a retry runs it again: longer than any request takes,
# a card payment at a reader included.
LEASE = dt.timedelta(minutes=3)
POLL_S = 0.05

Answer = tuple[int, bytes]


def refused_key(key: str | None) -> Answer | None:
    """The answer to a request whose Idempotency-Key is malformed; None when it is fine."""
    if key is None or KEY.match(key):
        return None
    return 400, error_body("invalid_request", "Idempotency-Key: 1 to 200 printable characters")


class Idempotency:
    def __init__(self, repository) -> None:
        self.repository = repository

    def run(
        self, subject: str, key: str, what: str, body: bytes, execute: Callable[[], Answer]
    ) -> Answer:
        fingerprint = hashlib.sha256(what.encode() + b"\x00" + body).hexdigest()
        now = dt.datetime.now(dt.UTC)
        if self.repository.claim(subject, key, fingerprint, now) or self._lost(
            subject, key, fingerprint, now
        ):
            try:
                status, content = execute()
            except BaseException:
                self._forget(subject, key)  # a retry may succeed: let it run
                raise
            if status >= 400:
                # Refused: nothing was done, so nothing is kept either (bad input writes
                # nothing at all); a retry runs again and is refused again, or succeeds.
                self._forget(subject, key)
            else:
                self._keep(subject, key, status, content)
            return status, content
        return self._earlier(subject, key, fingerprint)

    def _forget(self, subject: str, key: str) -> None:
        try:
            self.repository.release(subject, key)
        except Exception:  # the database went away: the claim lapses with its lease
            log.warning("could not release an idempotency key; it lapses", exc_info=True)

    def _keep(self, subject: str, key: str, status: int, content: bytes) -> None:
        try:
            self.repository.answer(subject, key, status, content)
        except Exception:  # the answer is what counts; a retry after the lease runs again
            log.warning("could not keep an idempotent answer", exc_info=True)

    def _lost(self, subject: str, key: str, fingerprint: str, now: dt.datetime) -> bool:
        """Whether an unanswered first request with this key was lost, and is now ours."""
        stored = self.repository.get(subject, key)
        if stored is None or stored.status is not None or stored.fingerprint != fingerprint:
            return False
        return self.repository.take_over(subject, key, now, now - LEASE)

    def _earlier(self, subject: str, key: str, fingerprint: str) -> Answer:
        deadline = time.monotonic() + WAIT_S
        while True:
            stored = self.repository.get(subject, key)
            if stored is None:
                return 409, error_body(
                    "request_in_progress", "an earlier request with this key failed; retry"
                )
            if stored.fingerprint != fingerprint:
                return domain_answer(IdempotencyKeyReused())
            if stored.status is not None:
                return stored.status, stored.body
            if time.monotonic() >= deadline:
                return 409, error_body(
                    "request_in_progress", "a request with this key is still running"
                )
            time.sleep(POLL_S)  # the first request is still at work: wait for its answer
