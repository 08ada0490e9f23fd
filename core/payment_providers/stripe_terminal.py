"""Card payments on a Stripe Terminal reader, server-driven.

Marquee creates a ``card_present`` PaymentIntent with manual capture, hands it
to the kiosk's reader and follows the reader's action. When the card is
authorised it captures; a decline comes back in plain words. Cancelling stops
the reader and cancels the intent, so an abandoned sale never takes money.
"""

from __future__ import annotations

from contextlib import suppress
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

CARD_PROMPT = "Present, insert or tap your card on the reader"


class StripeTerminalProvider(StripeProvider):
    name = "stripe_terminal"
    label = "Card on the reader"
    counter_only = False

    def __init__(self, account: StripeAccount, reader_id: str) -> None:
        super().__init__(account)
        self.reader_id = reader_id

    @property
    def takes_test_cards(self) -> bool:
        """In test mode the reader is simulated and a typed test card stands for a real one."""
        return self._account.test_mode

    def start(self, request: PaymentRequest) -> PaymentResult:
        if not self.reader_id:
            return self._failed(request.amount, "", "no card reader is set up here", "setup")
        try:
            intent = self._account.call(
                self._stripe.payment_intents.create,
                {
                    "amount": request.amount,
                    "currency": request.currency.lower(),
                    "payment_method_types": ["card_present"],
                    "capture_method": "manual",
                    "description": request.description or request.reference,
                    "metadata": metadata(request.idempotency_key, request.reference),
                },
                key_options(f"{request.idempotency_key}:intent"),
            )
            self._account.call(
                self._stripe.terminal.readers.process_payment_intent,
                self.reader_id,
                {"payment_intent": intent.id},
                key_options(f"{request.idempotency_key}:reader"),
            )
        except PaymentFailed as error:
            return self._failed(request.amount, "", str(error), error.problem)
        action = {"kind": "reader", "reader": self.reader_id, "text": CARD_PROMPT}
        return self._pending(request.amount, intent.id, action)

    def status(self, result: PaymentResult) -> PaymentResult:
        try:
            intent = self._account.call(self._stripe.payment_intents.retrieve, result.provider_ref)
            if intent.status == "requires_capture":
                intent = self._capture(intent.id)
            if intent.status != "requires_payment_method":
                return self._from_intent(intent, result)
            failure = self._reader_failure(intent.id)
        except PaymentFailed:
            return result  # Stripe unreachable for a moment: still waiting
        if failure:
            self._cancel_intent(intent.id)
            return self._failed(result.amount, intent.id, failure, "declined")
        return result

    def cancel(self, result: PaymentResult) -> PaymentResult:
        with suppress(PaymentFailed):  # the reader may have nothing in progress
            self._account.call(
                self._stripe.terminal.readers.cancel_action,
                self.reader_id,
                options=key_options(f"{result.provider_ref}:stop-reader"),
            )
        try:
            intent = self._cancel_intent(result.provider_ref)
        except PaymentFailed as error:
            return self._failed(result.amount, result.provider_ref, str(error), error.problem)
        return self._from_intent(intent, result)

    def present_test_card(self, result: PaymentResult, number: str) -> None:
        """Test mode only: the simulated reader reads this card number."""
        if not self.takes_test_cards:
            raise PaymentFailed("test cards are only for Stripe test mode")
        self._account.call(
            self._stripe.test_helpers.terminal.readers.present_payment_method,
            self.reader_id,
            {"card_present": {"number": number}, "type": "card_present"},
            key_options(f"{result.provider_ref}:present:{number}"),
        )

    def refund(self, provider_ref: str, amount: int, idempotency_key: str) -> RefundResult:
        return refund_intent(self._account, self.name, provider_ref, amount, idempotency_key)

    def find(self, idempotency_key: str) -> PaymentResult | None:
        try:
            intents = search_by_key(self._account, idempotency_key)
        except PaymentFailed:
            return None
        for intent in intents:
            pending = PaymentResult(self.name, "pending", intent.amount, intent.id)
            return self.status(pending)
        return None

    # -- steps ----------------------------------------------------------------------
    def _capture(self, intent_id: str) -> Any:
        return self._account.call(
            self._stripe.payment_intents.capture,
            intent_id,
            options=key_options(f"{intent_id}:capture"),
        )

    def _cancel_intent(self, intent_id: str) -> Any:
        intent = self._account.call(self._stripe.payment_intents.retrieve, intent_id)
        if intent.status in {"succeeded", "canceled"}:
            return intent
        return self._account.call(
            self._stripe.payment_intents.cancel,
            intent_id,
            options=key_options(f"{intent_id}:cancel"),
        )

    def _reader_failure(self, intent_id: str) -> str:
        """The decline reason when the reader's action for this intent failed."""
        reader = self._account.call(self._stripe.terminal.readers.retrieve, self.reader_id)
        action = reader.to_dict().get("action")
        if not action or action.get("status") != "failed":
            return ""
        if action.get("process_payment_intent", {}).get("payment_intent") != intent_id:
            return ""
        return (action.get("failure_message") or "the card was declined").rstrip(".")

    def _from_intent(self, intent: Any, result: PaymentResult) -> PaymentResult:
        if intent.status == "succeeded":
            return PaymentResult(self.name, "succeeded", intent.amount_received, intent.id)
        if intent.status == "canceled":
            return PaymentResult(self.name, "cancelled", result.amount, intent.id)
        return result
