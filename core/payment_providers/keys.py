"""Idempotency keys of a booking's calls to a payment provider, built and read here only.

A key names the booking, the step and its number: ``<booking id>:pay:<attempt>``,
``<booking id>:refund:<n>``, ``<booking id>:exchange:<n>``. A retry of the same step
sends the same key, so the provider charges or refunds once; reconcile rebuilds the
payment keys of a booking to ask the providers what got through.
"""

from __future__ import annotations

from dataclasses import dataclass

STEPS = ("pay", "refund", "exchange")


@dataclass(frozen=True)
class PaymentKey:
    booking_id: str
    step: str
    number: int

    def __str__(self) -> str:
        return f"{self.booking_id}:{self.step}:{self.number}"


def payment_key(booking_id: str, attempt: int) -> str:
    """The key of a booking's ``attempt``-th payment (1 for the first)."""
    return str(PaymentKey(booking_id, "pay", attempt))


def refund_key(booking_id: str, number: int) -> str:
    return str(PaymentKey(booking_id, "refund", number))


def exchange_key(booking_id: str, number: int) -> str:
    return str(PaymentKey(booking_id, "exchange", number))


def parse_payment_key(key: str) -> PaymentKey | None:
    """The parts of a key built here, or None for anything else (another system's key)."""
    booking_id, step, number = (key.split(":") + ["", ""])[:3]
    if not booking_id or step not in STEPS or not number.isdigit() or key.count(":") != 2:
        return None
    return PaymentKey(booking_id, step, int(number))
