"""The ways to pay a box office offers, by name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from core.errors import InvalidInput, PermissionDenied
from core.models import MoneyMovement
from core.payment_providers.provider import PaymentProvider, PaymentRequest, PaymentResult
from core.records import PaymentChoice
from core.services.access import Actor


class PaymentMethods:
    def __init__(self, providers: list[PaymentProvider], test_mode: Callable[[], bool]) -> None:
        self._providers = {provider.name: provider for provider in providers}
        # Whether a way to pay that moves no money may be used at the counter: the demo,
        # or a box office configured for tests (``payments.test_mode``).
        self.test_mode = test_mode

    def at_counter(self, configured: list[str]) -> list[str]:
        """The ways to pay a counter offers: cash first, then the configured ones; one
        that moves no money (the simulated card) only in test mode, and then always."""
        test_mode = self.test_mode()
        tests = [name for name, p in self._providers.items() if test_only(p)] if test_mode else []
        names = [n for n in dict.fromkeys(["cash", *configured, *tests]) if n in self._providers]
        return [name for name in names if test_mode or not test_only(self._providers[name])]

    def check_at_counter(self, name: str) -> None:
        """PermissionDenied for a way to pay that moves no money, at a real till."""
        provider = self._providers.get(name)
        if provider is not None and test_only(provider) and not self.test_mode():
            raise PermissionDenied(f"pay by {name} at the counter (it moves no money)")

    def names(self, actor: Actor | None = None) -> list[str]:
        return [
            name
            for name, provider in self._providers.items()
            if actor is None or not provider.counter_only or actor.role != "kiosk"
        ]

    def get(self, actor: Actor | None, name: str) -> PaymentProvider:
        provider = self._providers.get(name)
        if provider is None:
            raise InvalidInput(
                "pay", f"no payment method {name!r} (use {', '.join(self._providers)})"
            )
        if actor is not None and provider.counter_only and actor.role in {"kiosk", "customer"}:
            raise PermissionDenied(f"pay by {name} (counter only)")
        return provider

    def choice(self, actor: Actor | None, name: str) -> PaymentChoice:
        """A way to pay this caller may offer, as a terminal lists it (refused as ``get``)."""
        provider = self.get(actor, name)
        test_cards = bool(getattr(provider, "takes_test_cards", False))
        label = provider.label
        if actor is not None and actor.role not in {"kiosk", "customer"}:
            label = getattr(provider, "counter_label", label)  # what the clerk reads
        return PaymentChoice(provider.name, label, test_cards)

    def add(self, provider: PaymentProvider) -> None:
        """Add or replace a provider (tests and demos swap in their own)."""
        self._providers[provider.name] = provider


def test_only(provider: PaymentProvider) -> bool:
    """Whether this provider moves no money (the simulated card): demos and tests only."""
    return bool(getattr(provider, "test_only", False))


def uses_drawer(provider: PaymentProvider) -> bool:
    """Whether money of this provider goes through a cash drawer (and so needs a shift)."""
    return bool(getattr(provider, "uses_drawer", False))


def pending_result(movement: MoneyMovement) -> PaymentResult:
    """A recorded pending payment, in the form its provider is asked about."""
    return PaymentResult(movement.provider, "pending", movement.amount, movement.provider_ref)


def payment_movement(
    request: PaymentRequest, result: PaymentResult, provider: str, at: dt.datetime, shift_id=""
) -> MoneyMovement:
    """The record of a payment call's outcome, as a booking keeps it."""
    return MoneyMovement(
        kind="payment",
        provider=provider,
        idempotency_key=request.idempotency_key,
        amount=result.amount,
        state=result.state,
        provider_ref=result.provider_ref,
        failure=result.failure,
        change_due=result.change_due,
        shift_id=shift_id,
        at=at,
        action=result.action if result.state == "pending" else {},
    )
