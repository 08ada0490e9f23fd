"""The Stripe account Marquee talks to, through the official SDK's ``StripeClient``.

Both Stripe providers share it. It turns Stripe's errors into one plain line
(never a key, never a traceback) and knows whether it is in test mode, where a
simulated reader takes typed test card numbers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import stripe

from core.config import StripeConfig
from core.errors import PaymentDeclined, PaymentFailed, PaymentNotSetUp, PaymentUnavailable
from core.payment_providers.provider import PaymentResult, Problem, RefundState

T = TypeVar("T")


class StripeAccount:
    def __init__(self, config: StripeConfig) -> None:
        api_key = config.api_key.get_secret_value()
        self.configured = bool(api_key)
        self.test_mode = api_key.startswith(("sk_test_", "rk_test_"))
        base = config.api_base.rstrip("/")
        self.client = stripe.StripeClient(
            api_key or "sk_unset",
            base_addresses={"api": base} if base else None,
            max_network_retries=2,  # safe: every POST carries our own idempotency key
        )
        self.success_url = config.checkout_success_url

    def call(self, request: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Make one SDK call; a Stripe or network error becomes a ``PaymentFailed`` whose
        kind says whether the card was declined or Stripe could not be used."""
        if not self.configured:
            raise PaymentNotSetUp("Stripe is not set up (no API key configured)")
        try:
            return request(*args, **kwargs)
        except stripe.StripeError as error:
            raise plain_error(error) from None


def plain_error(error: stripe.StripeError) -> PaymentFailed:
    """One plain line: a decline is the bank's no; a fault of the network, of Stripe or
    of the settings says what it is."""
    if isinstance(error, stripe.APIConnectionError):
        return PaymentUnavailable("cannot reach Stripe")
    if isinstance(error, stripe.AuthenticationError | stripe.PermissionError):
        return PaymentNotSetUp("Stripe refused the API key; check the payment settings")
    status = error.http_status or 0
    if status >= 500 or status == 429 or error.error is None:
        # A server error, an overloaded API, or an answer that is no Stripe error at
        # all (an HTML page from a proxy): never the customer's card.
        code = f" (HTTP {status})" if status else ""
        return PaymentUnavailable(f"Stripe answered with an error{code}")
    message = getattr(error, "user_message", None) or error.error.message or ""
    message = message.strip().rstrip(".") or "Stripe refused the request"
    if isinstance(error, stripe.CardError):
        return PaymentDeclined(message)
    return PaymentFailed(message)


def key_options(key: str) -> dict[str, str]:
    return {"idempotency_key": key}


def metadata(idempotency_key: str, reference: str) -> dict[str, str]:
    """What Marquee tags each Stripe object with, so reconcile can find it after a crash."""
    return {"marquee_key": idempotency_key, "booking_reference": reference}


def search_by_key(account: StripeAccount, idempotency_key: str) -> list[Any]:
    """PaymentIntents tagged with this key (Stripe's search lags writes by seconds)."""
    found = account.call(
        account.client.v1.payment_intents.search,
        {"query": f"metadata['marquee_key']:'{idempotency_key}'"},
    )
    return list(found.data)


def refund_intent(
    account: StripeAccount, provider: str, intent_id: str, amount: int, idempotency_key: str
):
    from core.payment_providers.provider import RefundResult

    try:
        refund = account.call(
            account.client.v1.refunds.create,
            {"payment_intent": intent_id, "amount": amount},
            key_options(idempotency_key),
        )
    except PaymentFailed as error:
        return RefundResult(provider, "failed", amount, "", str(error))
    states: dict[str | None, RefundState] = {"succeeded": "succeeded", "pending": "pending"}
    state = states.get(refund.status, "failed")
    failure = refund.to_dict().get("failure_reason") or ""
    return RefundResult(provider, state, refund.amount, refund.id, failure)


class StripeProvider:
    """What both Stripe providers share: the account, its v1 client, and how they word a
    payment that waits for the customer or has failed."""

    name: str

    def __init__(self, account: StripeAccount) -> None:
        self._account = account
        self._stripe = account.client.v1

    def _pending(self, amount: int, ref: str, action: dict[str, str]) -> PaymentResult:
        return PaymentResult(self.name, "pending", amount, ref, action=action)

    def _failed(self, amount: int, ref: str, failure: str, problem: Problem) -> PaymentResult:
        return PaymentResult(self.name, "failed", amount, ref, failure=failure, problem=problem)
