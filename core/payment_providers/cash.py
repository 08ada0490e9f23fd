"""Cash at the counter: the clerk types what the customer handed over."""

from __future__ import annotations

from core.money import format_amount
from core.payment_providers.provider import PaymentRequest, PaymentResult, RefundResult


class CashProvider:
    name = "cash"
    label = "Cash"
    counter_only = True
    uses_drawer = True  # every cash movement is recorded against an open drawer shift

    def __init__(self, currency: str) -> None:
        self._currency = currency

    def start(self, request: PaymentRequest) -> PaymentResult:
        ref = f"cash:{request.idempotency_key}"
        if request.tendered is None:
            return PaymentResult(
                self.name,
                "failed",
                request.amount,
                ref,
                failure="enter the amount of cash handed over",
            )
        if request.tendered < request.amount:
            short = format_amount(request.tendered, request.currency)
            total = format_amount(request.amount, request.currency)
            return PaymentResult(
                self.name,
                "failed",
                request.amount,
                ref,
                failure=f"{short} handed over is less than the total {total}",
            )
        change = request.tendered - request.amount
        return PaymentResult(self.name, "succeeded", request.amount, ref, change_due=change)

    def status(self, result: PaymentResult) -> PaymentResult:
        return result

    def cancel(self, result: PaymentResult) -> PaymentResult:
        return result

    def refund(self, provider_ref: str, amount: int, idempotency_key: str) -> RefundResult:
        # Cash goes back over the counter; the drawer records it.
        return RefundResult(self.name, "succeeded", amount, f"cash-refund:{idempotency_key}")

    def find(self, idempotency_key: str) -> PaymentResult | None:
        return None  # cash is recorded only on the booking itself
