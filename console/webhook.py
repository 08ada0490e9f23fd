"""``marquee payments webhook``: Stripe tells us about payments as they happen.

Optional: kiosks and the counter follow their payments by polling anyway. The
receiver only speeds up confirmation (and settles a phone payment whose kiosk
was closed). Every request's signature is checked before anything is read.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from core.bootstrap import STORAGE_FAILURES, BoxOffice
from core.errors import DomainError, StorageError
from core.payment_providers.stripe_webhook import read_event
from core.services.access import Actor

log = logging.getLogger("marquee.webhook")
PATH = "/stripe/webhook"
MAX_BODY = 1 << 20  # Stripe's events are far smaller


def webhook_server(
    box_office: BoxOffice, host: str, port: int, on_settled: Callable[[str], None] = lambda _: None
) -> ThreadingHTTPServer:
    secret = box_office.config.stripe.webhook_secret.get_secret_value()
    actor = Actor(subject="stripe-webhook", role="admin")  # settles payments of any theater

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if self.path != PATH or not 0 < length <= MAX_BODY:
                return self._answer(404 if self.path != PATH else 400, "not a Stripe event")
            payload = self.rfile.read(length)
            try:
                report = read_event(payload, self.headers.get("Stripe-Signature", ""), secret)
                if report is not None:
                    outcome = box_office.reconcile.settle_reported(actor, report.idempotency_key)
                    if outcome is not None:
                        on_settled(outcome.reference)
            except DomainError as error:
                return self._answer(400, str(error))
            except (StorageError, *STORAGE_FAILURES) as error:
                # Stripe sends the event again later; by then the database is found again.
                log.warning("database not answering: %s", type(error).__name__)
                return self._answer(503, "the database is not answering; send it again")
            self._answer(200, "ok")

        def _answer(self, status: int, message: str) -> None:
            body = json.dumps({"message": message}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            log.info("%s %s", self.address_string(), format % args)

    return ThreadingHTTPServer((host, port), Handler)
