"""``marquee payments webhook``: Stripe tells us about payments as they happen.

The box-office server receives the same events at ``POST /webhooks/stripe``; this
standalone receiver is for a box office run without one. Both settle events with
``server.webhook.settle_stripe_event``: the signature is checked before anything
is read.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from core.bootstrap import BoxOffice
from server.webhook import settle_stripe_event

log = logging.getLogger("marquee.webhook")
PATH = "/stripe/webhook"
MAX_BODY = 1 << 20  # Stripe's events are far smaller


def webhook_server(
    box_office: BoxOffice,
    host: str,
    port: int,
    on_settled: Callable[[str], None] = lambda _: None,
) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if self.path != PATH or not 0 < length <= MAX_BODY:
                return self._answer(404 if self.path != PATH else 400, "not a Stripe event")
            payload = self.rfile.read(length)
            signature = self.headers.get("Stripe-Signature", "")
            self._answer(*settle_stripe_event(box_office, payload, signature, on_settled))

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
