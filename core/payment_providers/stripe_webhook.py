"""Stripe's webhook events: verified with the endpoint's signing secret, read for our key."""

from __future__ import annotations

from dataclasses import dataclass

import stripe

from core.errors import InvalidInput

# Events that may mean a booking's payment went through.
PAYMENT_EVENTS = {
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "payment_intent.amount_capturable_updated",  # a reader authorised the card: capture it
    "payment_intent.succeeded",
}


@dataclass(frozen=True)
class PaymentReport:
    event_id: str
    kind: str
    idempotency_key: str  # Marquee's key of the payment, from the object's metadata


def read_event(payload: bytes, signature: str, secret: str) -> PaymentReport | None:
    """The payment an event reports, or None for events Marquee does not act on.

    Raises InvalidInput when the signature does not match (forged, altered, too old)."""
    try:
        event = stripe.Webhook.construct_event(payload, signature, secret)
    except stripe.SignatureVerificationError:
        raise InvalidInput("Stripe-Signature", "does not match this endpoint's secret") from None
    except ValueError:
        raise InvalidInput("body", "is not a Stripe event") from None
    if event.type not in PAYMENT_EVENTS:
        return None
    metadata = event.data.object.to_dict().get("metadata") or {}
    key = metadata.get("marquee_key")
    return PaymentReport(event.id, event.type, key) if key else None
