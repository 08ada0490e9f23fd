"""Stripe tells the box office about payments as they happen (``POST /webhooks/stripe``).

Optional: kiosks and the counter follow their payments by polling anyway; the event
only speeds up confirmation (and settles a phone payment whose kiosk was closed).
Every request's signature is checked before anything in it is read."""

from __future__ import annotations

import logging
from collections.abc import Callable

from core.bootstrap import STORAGE_FAILURES
from core.errors import DomainError, StorageError
from core.payment_providers.stripe_webhook import read_event
from core.services.access import Actor

log = logging.getLogger("marquee.webhook")
# The database not answering: Stripe is asked to send the event again.
UNREACHABLE: tuple[type[Exception], ...] = (StorageError, *STORAGE_FAILURES)
# Settles payments of any theater; only ever acts on an event Stripe signed.
WEBHOOK_ACTOR = Actor(subject="stripe-webhook", role="admin")


def settle_stripe_event(
    box_office, payload: bytes, signature: str, on_settled: Callable[[str], None] = lambda _: None
) -> tuple[int, str]:
    """The status and one line to answer Stripe with."""
    secret = box_office.config.stripe.webhook_secret.get_secret_value()
    if not secret:
        return 404, "Stripe events are not received here"
    if not payload:
        return 400, "not a Stripe event"
    try:
        report = read_event(payload, signature, secret)
        if report is not None:
            outcome = box_office.reconcile.settle_reported(WEBHOOK_ACTOR, report.idempotency_key)
            if outcome is not None:
                on_settled(outcome.reference)
    except DomainError as error:
        return 400, str(error)
    except UNREACHABLE as error:
        # Stripe sends the event again later; by then the database is found again.
        log.warning("database not answering: %s", type(error).__name__)
        return 503, "the database is not answering; send it again"
    return 200, "ok"
