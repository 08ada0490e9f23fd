"""Paying on the customer's own phone through a Stripe Checkout Session.

The session's URL is shown as a QR code. Stripe lets a session live no less
than 30 minutes, longer than a seat hold, so a payment may land after the hold
ended: the booking engine then confirms if the seats are still free and
refunds otherwise. Cancelling expires the session so it can no longer be paid.
"""

from __future__ import annotations

import time
from typing import Any

from core.errors import PaymentFailed
from core.payment_providers.provider import PaymentRequest, PaymentResult, RefundResult
from core.payment_providers.stripe_account import (
    StripeAccount,
    StripeProvider,
    key_options,
    metadata,
    refund_intent,
    search_by_key,
)

SHORTEST_SESSION_S = 30 * 60 + 30  # Stripe's minimum, with a margin for clock skew
SCAN_PROMPT = "Scan the QR code with your phone's camera to pay by card"


class StripeCheckoutProvider(StripeProvider):
    name = "stripe_checkout"
    label = "Pay on your phone (card)"
    counter_only = False

    def __init__(self, account: StripeAccount, clock=time.time) -> None:
        super().__init__(account)
        self._clock = clock

    def start(self, request: PaymentRequest) -> PaymentResult:
        tags = metadata(request.idempotency_key, request.reference)
        try:
            session = self._account.call(
                self._stripe.checkout.sessions.create,
                {
                    "mode": "payment",
                    "line_items": [
                        {
                            "quantity": 1,
                            "price_data": {
                                "currency": request.currency.lower(),
                                "unit_amount": request.amount,
                                "product_data": {"name": request.description or request.reference},
                            },
                        }
                    ],
                    "client_reference_id": request.reference,
                    "expires_at": int(self._clock()) + SHORTEST_SESSION_S,
                    "success_url": self._account.success_url,
                    "metadata": tags,
                    "payment_intent_data": {"metadata": tags},
                },
                key_options(f"{request.idempotency_key}:session"),
            )
        except PaymentFailed as error:
            return self._failed(request.amount, "", str(error), error.problem)
        if not session.url:  # a session in payment mode always has its page
            return self._failed(request.amount, session.id, "Stripe gave no payment page", "")
        action = {"kind": "qr", "url": session.url, "text": SCAN_PROMPT}
        return self._pending(request.amount, session.id, action)

    def status(self, result: PaymentResult) -> PaymentResult:
        try:
            session = self._account.call(
                self._stripe.checkout.sessions.retrieve, result.provider_ref
            )
        except PaymentFailed:
            return result  # Stripe unreachable for a moment: still waiting
        return self._from_session(session, result)

    def cancel(self, result: PaymentResult) -> PaymentResult:
        try:
            session = self._account.call(
                self._stripe.checkout.sessions.expire,
                result.provider_ref,
                options=key_options(f"{result.provider_ref}:expire"),
            )
        except PaymentFailed:
            # Already paid or expired: report what it is now.
            try:
                session = self._account.call(
                    self._stripe.checkout.sessions.retrieve, result.provider_ref
                )
            except PaymentFailed as error:
                return self._failed(result.amount, result.provider_ref, str(error), error.problem)
        return self._from_session(session, result)

    def refund(self, provider_ref: str, amount: int, idempotency_key: str) -> RefundResult:
        intent_id = provider_ref
        if provider_ref.startswith("cs_"):
            try:
                session = self._account.call(self._stripe.checkout.sessions.retrieve, provider_ref)
            except PaymentFailed as error:
                return RefundResult(self.name, "failed", amount, "", str(error))
            intent_id = session.to_dict().get("payment_intent") or ""
        return refund_intent(self._account, self.name, intent_id, amount, idempotency_key)

    def find(self, idempotency_key: str) -> PaymentResult | None:
        """A paid session after a crash: its PaymentIntent carries our key."""
        try:
            intents = search_by_key(self._account, idempotency_key)
        except PaymentFailed:
            return None
        for intent in intents:
            if intent.status == "succeeded":
                return PaymentResult(self.name, "succeeded", intent.amount_received, intent.id)
        return None

    def _from_session(self, session: Any, result: PaymentResult) -> PaymentResult:
        if session.payment_status in {"paid", "no_payment_required"}:
            return PaymentResult(self.name, "succeeded", session.amount_total, session.id)
        if session.status == "expired":
            return PaymentResult(
                self.name,
                "cancelled",
                result.amount,
                session.id,
                failure="the payment link expired",
            )
        return result
