"""The PaymentProvider protocol: one face for every way to pay.

A provider is asked to *start* a payment for an amount, under an idempotency
key derived from the booking and the step, so a retried or restarted process
never charges twice. Synchronous providers (cash, simulated) answer at once;
card readers and phone links answer ``pending`` with an action for the
customer (present a card, scan a QR code) and are then polled with ``status``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

from core.errors import (
    PaymentDeclined,
    PaymentFailed,
    PaymentNotSetUp,
    PaymentProblem,
    PaymentUnavailable,
)

PaymentState = Literal["pending", "succeeded", "failed", "cancelled"]
# Why a payment failed: see core.errors.PaymentFailed; "" for any other refusal.
Problem = PaymentProblem
RefundState = Literal["succeeded", "pending", "failed"]


@dataclass(frozen=True)
class PaymentRequest:
    idempotency_key: str
    amount: int
    currency: str
    reference: str  # the booking reference, shown on statements
    description: str = ""
    tendered: int | None = None  # cash only: what the customer handed over
    card: str | None = None  # simulated only: a test card number to present


@dataclass(frozen=True)
class PaymentResult:
    provider: str
    state: PaymentState
    amount: int
    provider_ref: str = ""
    failure: str = ""  # a decline or error in plain words
    change_due: int = 0  # cash only
    action: dict[str, str] = field(default_factory=dict)  # e.g. {"kind": "qr", "url": ...}
    problem: Problem = ""  # of a failed payment: a decline, or no payment service


def failure_error(result: PaymentResult) -> PaymentFailed:
    """The error a failed payment is reported with; only a decline says "declined"."""
    # A provider's own "; try again" would be said twice.
    reason = (result.failure or "no reason given").removesuffix("; try again")
    if result.problem == "declined":
        return PaymentDeclined(f"payment declined: {reason}")
    if result.problem == "setup":
        return PaymentNotSetUp(f"{reason}; nothing was charged, please pay another way")
    if result.problem == "unavailable":
        return PaymentUnavailable(f"{reason}; nothing was charged, try again or pay another way")
    return PaymentFailed(f"payment not taken: {reason}")


@dataclass(frozen=True)
class RefundResult:
    provider: str
    state: RefundState
    amount: int
    provider_ref: str = ""
    failure: str = ""


@runtime_checkable
class PaymentProvider(Protocol):
    name: str
    label: str  # what a customer or clerk sees, e.g. "Card (simulated, no real money)"
    counter_only: bool

    def start(self, request: PaymentRequest) -> PaymentResult: ...

    def status(self, result: PaymentResult) -> PaymentResult: ...

    def cancel(self, result: PaymentResult) -> PaymentResult: ...

    def refund(self, provider_ref: str, amount: int, idempotency_key: str) -> RefundResult: ...

    def find(self, idempotency_key: str) -> PaymentResult | None:
        """The payment made under this key, if any (for reconciliation after a crash)."""
        ...


@runtime_checkable
class SupportsLookup(Protocol):
    """A provider that cannot ``find`` by key answers by its own reference instead.

    The booking keeps the ``provider_ref`` of a pending payment as soon as
    ``start`` returns; reconciliation asks ``lookup`` with it. Only for payments
    whose last recorded state is still pending: a lookup may complete a payment
    the customer approved (PayPal captures it).
    """

    def lookup(self, provider_ref: str) -> PaymentResult: ...
