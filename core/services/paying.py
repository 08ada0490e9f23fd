"""Following a payment the customer makes away from the screen: a card reader, a phone.

A mixin of :class:`core.services.booking.BookingService`: checkout starts the
payment and records it as pending; these methods look at it again, settle it
when it is done, and stop it when the customer gives up or time runs out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.errors import (
    HoldExpired,
    InvalidInput,
    NotSellable,
    PaymentFailed,
    SeatsLost,
    StaleBooking,
)
from core.models import Booking, MoneyMovement
from core.payments.provider import PaymentRequest
from core.services.access import Actor
from core.services.payments import pending_result

if TYPE_CHECKING:
    from core.services.booking import Basket


class PaymentFollowing:
    def follow_payment(self, actor: Actor, basket: Basket) -> Booking:
        """Check on a pending payment once; settle it when it is done.

        Returns the booking, still ``pending_payment`` while the customer is
        paying. Raises PaymentFailed on a decline (the seats stay held),
        HoldExpired when time ran out first, SeatsLost when a late payment found
        the seats gone (it is refunded)."""
        booking, pending, provider = self._open_payment(basket)
        if pending is None:
            return self._after_settling(basket, booking)
        result = provider.status(pending_result(pending))
        if result.state == "pending" and self._clock() > basket.held_until:
            result = provider.cancel(result)
            if result.state != "succeeded":
                self._give_up(actor, basket, pending, result)
                raise HoldExpired()
        if result.state == "pending":
            return booking
        return self._settle_once(actor, basket, booking, pending, result)

    def cancel_payment(self, actor: Actor, basket: Basket) -> Booking:
        """The customer gave up paying this way: stop the reader or the phone link.

        A payment that got through meanwhile is settled like any other."""
        booking, pending, provider = self._open_payment(basket)
        if pending is None:
            return self._after_settling(basket, booking)
        result = provider.cancel(pending_result(pending))
        if result.state == "succeeded":
            return self._settle_once(actor, basket, booking, pending, result)
        if result.state != "cancelled":
            # The payment could not be stopped: keep the booking for reconcile.
            raise PaymentFailed(f"could not stop the payment: {result.failure or 'no answer'}")
        basket.booking = self._record(booking, self._closing(pending, result))
        return basket.booking

    def _give_up(self, actor: Actor, basket: Basket, pending: MoneyMovement, result) -> None:
        """Time ran out while paying: free the seats; close the booking if the payment stopped.

        A payment that could not be stopped leaves the booking pending for
        reconcile, which confirms it if it is paid and the seats are still free."""
        if result.state == "cancelled":
            basket.booking = self._record(basket.booking, self._closing(pending, result))
            self.abandon(actor, basket)
        else:
            self.release(actor, basket)

    def present_test_card(self, actor: Actor, basket: Basket, number: str) -> None:
        """Test mode: a simulated card reader reads a typed test card number."""
        pending = basket.booking.outstanding_payment() if basket.booking else None
        if pending is None:
            raise NotSellable("no card payment is waiting")
        provider = self._payments.get(actor, pending.provider)
        present = getattr(provider, "present_test_card", None)
        if present is None:
            raise InvalidInput("card", f"{provider.label} takes no test cards")
        present(pending_result(pending), number)

    def takes_test_cards(self, method: str) -> bool:
        return bool(getattr(self._payments.get(None, method), "takes_test_cards", False))

    def _open_payment(self, basket: Basket):
        """The basket's booking read afresh, with its payment in progress and that
        payment's provider (both None once a webhook, a reconcile or a decline settled it)."""
        booking = basket.booking = self._store.bookings.get(basket.booking.id)
        pending = booking.outstanding_payment()
        if booking.state != "pending_payment" or pending is None:
            return booking, None, None
        return booking, pending, self._payments.get(None, pending.provider)

    def _settle_once(self, actor, basket, booking, pending: MoneyMovement, result) -> Booking:
        request = PaymentRequest(
            pending.idempotency_key, pending.amount, booking.currency, booking.reference
        )
        try:
            return self.settle(actor, basket, request, result, pending.provider, booking)
        except StaleBooking:
            # A webhook or a reconcile settled it at the same moment.
            booking = self._store.bookings.get(basket.booking.id)
            return self._after_settling(basket, booking)

    def _after_settling(self, basket: Basket, booking: Booking) -> Booking:
        """The basket once its booking is settled (here, or by a webhook or reconcile):
        empty when confirmed; SeatsLost when the payment came too late and is refunded."""
        basket.booking = booking
        if booking.state == "confirmed":
            basket.seats, basket.warnings = [], []
        elif booking.state in {"refund_due", "refunded"}:
            raise SeatsLost(
                "the payment arrived after your seats were taken by someone else; "
                f"it is being refunded in full (booking {booking.reference})"
            )
        return booking

    def _closing(self, pending: MoneyMovement, result) -> MoneyMovement:
        return pending.model_copy(
            update={"state": "cancelled", "failure": result.failure, "at": self._now()}
        )

    def _payment_got_through(self, actor: Actor, basket: Basket) -> bool:
        booking = self._store.bookings.get(basket.booking.id)
        if booking.state != "pending_payment" or booking.outstanding_payment() is None:
            return False
        try:
            return self.cancel_payment(actor, basket).state == "confirmed"
        except SeatsLost:
            return True  # paid too late and refunded: nothing left to release
        except PaymentFailed:
            self.release(actor, basket)  # unstoppable for now: reconcile settles it
            return True
