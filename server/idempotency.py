"""Retried writes: the first request with an Idempotency-Key runs, every retry with the
same key gets its answer back (status and body) without running again.

A first request whose server stopped before it answered (killed, crashed) is run
again by a retry: at once when that server has stopped beating (a running server
notes every ``BEAT_S`` that it is alive), else once the claim's lease is over."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import time
from collections.abc import Callable

from core.errors import IdempotencyKeyReused, RequestInProgress
from server.errors import domain_answer, error_body

log = logging.getLogger("marquee.server")

KEY = re.compile(r"^[\x21-\x7e]{1,200}$")
WAIT_S = 5.0  # how long a retry waits for the first request still running
# After this long without an answer the first request is taken for lost (its server
# stopped mid-request) and a retry runs it again: longer than any request takes,
# a card payment at a reader included.
LEASE = dt.timedelta(minutes=3)
POLL_S = 0.05
BEAT_S = 1.0  # how often a running server says it is alive
# A server not heard of for this long has stopped: a retry runs its unanswered requests.
SILENT_FOR = dt.timedelta(seconds=4)
# A retry waits for a silent server long enough to see it is gone, in the same request.
DEAD_WAIT_S = SILENT_FOR.total_seconds() + 2 * BEAT_S

Answer = tuple[int, bytes]


def refused_key(key: str | None) -> Answer | None:
    """The answer to a request whose Idempotency-Key is malformed; None when it is fine."""
    if key is None or KEY.match(key):
        return None
    return 400, error_body("invalid_request", "Idempotency-Key: 1 to 200 printable characters")


class Idempotency:
    """``server``: this server's name in its claims and beats ("" if it does not beat,
    as an app run inside a test: its claims are then taken over by the lease only)."""

    def __init__(self, repository, server: str = "") -> None:
        self.repository = repository
        self.server = server

    def beat(self) -> None:
        """Say this server is alive (every ``BEAT_S``, from a thread of its own)."""
        self.repository.beat(self.server, dt.datetime.now(dt.UTC))

    def run(
        self, subject: str, key: str, what: str, body: bytes, execute: Callable[[], Answer]
    ) -> Answer:
        fingerprint = hashlib.sha256(what.encode() + b"\x00" + body).hexdigest()
        now = dt.datetime.now(dt.UTC)
        ours = self.repository.claim(subject, key, fingerprint, now, self.server)
        if not ours:
            earlier = self._earlier(subject, key, fingerprint, what)
            if earlier is not None:
                return earlier
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

    def _earlier(self, subject: str, key: str, fingerprint: str, what: str) -> Answer | None:
        """The first request's answer, once it has one; None when its server stopped
        before answering and the request is now ours to run."""
        started = time.monotonic()
        looked = started - BEAT_S  # when the claiming server's beat was last read
        while True:
            stored = self.repository.get(subject, key)
            if stored is None:
                # The first try failed and let its key go: this one may simply be sent again.
                failed = RequestInProgress("the first try did not go through; try again")
                return domain_answer(failed)
            if stored.fingerprint != fingerprint:
                return domain_answer(IdempotencyKeyReused())
            if stored.status is not None:
                return stored.status, stored.body
            now = dt.datetime.now(dt.UTC)
            due = time.monotonic() - looked >= BEAT_S / 2  # a beat changes no faster
            if (
                due
                and self._gone(stored, now)
                and self.repository.take_over(subject, key, stored, now, self.server)
            ):
                log.warning("running again a request its server left unanswered (%s)", what)
                return None
            looked = time.monotonic() if due else looked
            beats = bool(stored.claimed_by) and stored.claimed_by != self.server
            if time.monotonic() - started >= (DEAD_WAIT_S if beats else WAIT_S):
                return domain_answer(RequestInProgress())
            time.sleep(POLL_S)  # the first request is still at work: wait for its answer

    def _gone(self, stored, now: dt.datetime) -> bool:
        """Whether the server running ``stored`` stopped before answering it."""
        if stored.claimed_at is not None and stored.claimed_at < now - LEASE:
            return True
        if not stored.claimed_by or stored.claimed_by == self.server:
            return False  # no beat to go by; or ours, and we are running it
        heard = self.repository.last_beat(stored.claimed_by)
        return heard is not None and heard < now - SILENT_FOR
