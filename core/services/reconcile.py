"""Reconciling payments a crash, a lost reply or a database outage left unsettled,
and settling a payment a provider reports (a webhook)."""

from __future__ import annotations

import datetime as dt
import time

from core.clock import Clock, utc_now
from core.errors import NotFound, StaleBooking
from core.models import Booking
from core.payment_providers.keys import parse_payment_key, payment_key
from core.payment_providers.provider import PaymentRequest
from core.records import ReconcileOutcome as ReconcileOutcome
from core.repo.store import Store
from core.services.access import Access, Actor
from core.services.confirmation import Confirmation
from core.services.inventory import InventoryService
from core.services.payment_methods import PaymentMethods, payment_movement, pending_result

RECONCILE_GRACE = dt.timedelta(minutes=5)


class PaymentStillOpen(Exception):
    """A payment that could be neither confirmed nor stopped right now."""


class ReconcileService:
    def __init__(
        self,
        store: Store,
        inventory: InventoryService,
        payments: PaymentMethods,
        confirmation: Confirmation,
        access: Access,
        clock: Clock = time.time,
    ) -> None:
        self._store = store
        self._inventory = inventory
        self._payments = payments
        self._confirmation = confirmation
        self._access = access
        self._clock = clock

    def run(self, actor: Actor) -> list[ReconcileOutcome]:
        """Settle bookings whose payment started but never finished (a crash, a lost reply,
        the database gone when the payment was taken).

        Paid ones are confirmed at once, while their seats are still held for them,
        or refunded if the seats are gone; unpaid ones whose hold has lapsed expire
        and free their seats. A payment still in progress is left to its kiosk."""
        self._access.require(actor, "payments.reconcile")
        outcomes = []
        now = utc_now(self._clock)
        for booking in self._store.bookings.unsettled(now):
            # Its payment may still be in progress somewhere: settle it only if paid.
            in_progress = (
                booking.created_at + RECONCILE_GRACE > now
                or booking.held_until + RECONCILE_GRACE > now
            )
            try:
                found = self._find_payment(booking, stop_open=not in_progress)
                if found is not None:
                    outcomes.append(self._confirm_found(booking, *found))
                elif not in_progress:
                    outcomes.append(self._expire(booking))
            except StaleBooking:
                continue  # another process settled it meanwhile
            except PaymentStillOpen:
                note = "the provider cannot say yet; the next reconcile tries again"
                outcomes.append(
                    ReconcileOutcome(booking.reference, booking.state, booking.state, note)
                )
        return outcomes

    def settle_reported(self, actor: Actor, idempotency_key: str) -> ReconcileOutcome | None:
        """A provider reported a payment (a webhook): confirm its booking now if it is paid.

        Safe to run at the same time as the kiosk that is following the payment:
        the seats are sold once and the second save of the booking is refused."""
        self._access.require(actor, "payments.reconcile")
        key = parse_payment_key(idempotency_key)
        if key is None or key.step != "pay":
            return None  # not a payment of this box office
        try:
            booking = self._store.bookings.get(key.booking_id)
        except NotFound:
            return None  # another box office's payment on the same Stripe account
        pending = booking.outstanding_payment()
        if booking.state != "pending_payment" or pending is None:
            return None  # settled already
        if pending.idempotency_key != idempotency_key:
            return None
        result = self._payments.get(None, pending.provider).status(pending_result(pending))
        if result.state != "succeeded":
            return None
        request = PaymentRequest(
            pending.idempotency_key, result.amount, booking.currency, booking.reference
        )
        movement = payment_movement(request, result, pending.provider, utc_now(self._clock))
        try:
            settled = self._confirmation.confirm_paid(booking, movement, "webhook")
        except StaleBooking:
            return None  # the kiosk confirmed it at the same moment
        return ReconcileOutcome(booking.reference, booking.state, settled.state, "reported paid")

    def _confirm_found(
        self, booking: Booking, provider_name: str, request_key: str, result
    ) -> ReconcileOutcome:
        request = PaymentRequest(request_key, result.amount, booking.currency, booking.reference)
        movement = payment_movement(request, result, provider_name, utc_now(self._clock))
        settled = self._confirmation.confirm_paid(booking, movement, "reconcile")
        note = "paid; confirmed" if settled.state == "confirmed" else "paid; seats gone, refunded"
        return ReconcileOutcome(booking.reference, booking.state, settled.state, note)

    def _expire(self, booking: Booking) -> ReconcileOutcome:
        layout = self._inventory.layout_for(booking.showtime_id)
        self._inventory.release(
            booking.showtime_id, layout, [s.seat_id for s in booking.seats], booking.hold_id
        )
        if booking.promo_code:
            self._store.promos.give_back_use(booking.promo_code.lower())
        expired = booking.moved_to(
            "expired", by="reconcile", at=utc_now(self._clock), event="payment never made"
        )
        self._store.bookings.save(expired)
        return ReconcileOutcome(booking.reference, booking.state, "expired", "no payment found")

    def _find_payment(self, booking: Booking, stop_open: bool = True):
        """The payment that got through for this booking, if any.

        A recorded pending payment (a reader, a phone link) is asked first and,
        with ``stop_open`` (its hold is over), stopped if it is still open; then
        every provider is asked for each attempt's key, for the crash (or the
        database gone) before the payment was recorded."""
        pending = booking.outstanding_payment()
        if pending is not None:
            provider = self._payments.get(None, pending.provider)
            result = provider.status(pending_result(pending))
            if result.state == "pending" and not stop_open:
                return None  # the customer may be paying right now
            if result.state == "pending":
                result = provider.cancel(result)
                if result.state not in {"succeeded", "cancelled"}:
                    raise PaymentStillOpen(booking.reference)
            if result.state == "succeeded":
                return pending.provider, pending.idempotency_key, result
        attempts = booking.payment_attempts + 1
        for attempt in range(1, attempts + 1):
            key = payment_key(booking.id, attempt)
            for name in self._payments.names():
                found = self._payments.get(None, name).find(key)
                if found is not None and found.state == "succeeded":
                    return name, key, found
        return None
