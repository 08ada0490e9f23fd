"""Checkout: freezing the basket's quote into a pending booking, taking the payment, confirming.

When payment starts the quote is frozen and the booking is written as
``pending_payment`` under an id that every payment call's idempotency key derives
from; payment then turns it ``confirmed``, selling the held seats in one atomic
write per row. A payment the customer makes away from the screen (a card reader,
a phone) is recorded as pending, followed until it is done, and stopped when the
customer gives up or time runs out.
"""

from __future__ import annotations

import secrets
import time

from core.basket import Basket
from core.clock import Clock, utc_at, utc_now
from core.errors import (
    HoldExpired,
    InvalidInput,
    NotSellable,
    PaymentFailed,
    PaymentTakenPendingSettlement,
    RuleViolation,
    SeatsLost,
    StaleBooking,
)
from core.ids import readable_code
from core.models import BookedExtra, BookedSeat, Booking, HistoryEntry, MoneyMovement
from core.payments.keys import payment_key
from core.payments.provider import PaymentRequest, PaymentResult, failure_error
from core.quote import Quote
from core.repo.client import storage_failures
from core.repo.store import Store
from core.services.access import Access, Actor
from core.services.booking import REFERENCE_ALPHABET, BookingService
from core.services.cash import CashDrawerService
from core.services.confirmation import Confirmation
from core.services.payments import PaymentMethods, payment_movement, pending_result
from core.services.validation import build

DATABASE_GONE = storage_failures()  # the driver's errors: the database did not answer


class CheckoutService:
    def __init__(
        self,
        store: Store,
        baskets: BookingService,
        payments: PaymentMethods,
        drawers: CashDrawerService,
        confirmation: Confirmation,
        access: Access,
        clock: Clock = time.time,
    ) -> None:
        self._store = store
        self._baskets = baskets
        self._payments = payments
        self._drawers = drawers
        self._confirmation = confirmation
        self._access = access
        self._clock = clock

    # -- paying ------------------------------------------------------------------
    def checkout(
        self,
        actor: Actor,
        basket: Basket,
        method: str,
        *,
        tendered: int | None = None,
        card: str | None = None,
        override_rules: bool = False,
    ) -> Booking:
        """Freeze the quote, take the payment and confirm; the seats stay held on a decline.

        Cash needs the seller's open drawer shift at this theater: the payment
        is recorded against it in the same save that confirms the booking."""
        self._access.require(actor, "sell", basket.showtime.theater_id)
        provider = self._payments.get(actor, method)
        shift_id = self._drawers.shift_for(actor, basket.showtime.theater_id, provider)
        if not basket.seats:
            raise InvalidInput("seats", "choose at least one seat")
        self._baskets.enforce_rules(actor, basket, override_rules)
        quote = self._baskets.quote(basket)
        booking = self._current_booking(actor, basket, quote)
        basket.booking = booking
        request = PaymentRequest(
            idempotency_key=payment_key(booking.id, booking.payment_attempts + 1),
            amount=booking.total,
            currency=booking.currency,
            reference=booking.reference,
            description=f"Marquee {booking.reference}",
            tendered=tendered,
            card=card,
        )
        result = provider.start(request)
        if result.state == "pending":
            movement = payment_movement(
                request, result, provider.name, utc_now(self._clock), shift_id
            )
            basket.booking = self._record(booking, movement)
            return basket.booking
        return self.settle(actor, basket, request, result, provider.name, shift_id=shift_id)

    def settle(
        self,
        actor: Actor,
        basket: Basket,
        request: PaymentRequest,
        result: PaymentResult,
        provider_name: str,
        booking: Booking | None = None,
        shift_id: str = "",
    ) -> Booking:
        """Act on a payment's outcome: confirm, keep the hold for a retry, or refund.

        ``booking`` is the copy the outcome was read against (default: the
        basket's); a stale copy's save is refused, so two settlers record once."""
        booking = booking or basket.booking
        movement = payment_movement(request, result, provider_name, utc_now(self._clock), shift_id)
        if result.state == "cancelled":
            basket.booking = self._record(booking, movement)
            raise PaymentFailed(
                f"payment cancelled{': ' + result.failure if result.failure else ''}"
            )
        if result.state != "succeeded":
            basket.booking = self._record(booking, movement)
            raise failure_error(result)
        try:
            confirmed = self._confirmation.confirm_paid(
                booking, movement, actor.subject, basket.layout
            )
        except StaleBooking:  # a reconcile or a webhook confirmed it at the same moment
            confirmed = self._store.bookings.get(booking.id)
        except DATABASE_GONE:
            # The money is taken; the seats stay held for the booking, which
            # reconcile confirms as soon as the database answers again.
            basket.paid_unsettled = True
            raise PaymentTakenPendingSettlement(booking.reference) from None
        return self._after_settling(basket, confirmed)

    # -- following a payment made away from the screen ------------------------------
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

    def abandon(self, actor: Actor, basket: Basket) -> Basket:
        """The customer walked away: free the seats and close an unpaid booking.

        A booking whose payment never succeeded is cancelled and its promo use
        given back; one that was paid is left alone (it is confirmed or refunded).
        A payment still in progress is stopped first; if it got through, it is settled.
        A payment taken while the database was away keeps its seats for reconcile."""
        if basket.paid_unsettled:
            return basket
        if basket.booking is not None and self._payment_got_through(actor, basket):
            return basket
        self._baskets.release(actor, basket)
        if basket.booking is None:
            return basket
        # Read it again: a reconcile or a changed basket may have moved it on since.
        booking = basket.booking = self._store.bookings.get(basket.booking.id)
        if booking.state == "pending_payment" and not booking.paid:
            basket.booking = self._close_unpaid(booking, actor, "abandoned")
        return basket

    # -- the pending booking -------------------------------------------------------
    def _current_booking(self, actor: Actor, basket: Basket, quote: Quote) -> Booking:
        """The basket's booking for this payment attempt.

        A retry after a decline reuses it, so its payments share one record; if
        the seats or the total changed since, or a reconcile closed it, the old
        one is closed and a new one is started."""
        old = basket.booking
        if old is None:
            return self._start_booking(actor, basket, quote)
        old = self._store.bookings.get(old.id)
        same = [s.seat_id for s in old.seats] == basket.seats and old.total == quote.total
        if old.state == "pending_payment" and same:
            return old
        if old.state == "pending_payment":
            self._close_unpaid(old, actor, "replaced by a changed basket")
        basket.extended = False
        return self._start_booking(actor, basket, quote)

    def _start_booking(self, actor: Actor, basket: Basket, quote: Quote) -> Booking:
        self._baskets.extend_for_payment(basket)
        if basket.promo is not None and not self._store.promos.take_use(basket.promo.id):
            raise RuleViolation("promo", f"promo code {basket.promo.code} has been used up")
        now = utc_now(self._clock)
        seats = [
            BookedSeat(
                seat_id=line.seat_id,
                category=basket.layout.seat(line.seat_id).category,
                ticket_type=line.ticket_type,
                price=line.amount,
            )
            for line in quote.lines
            if line.kind == "ticket"
        ]
        extras = [
            BookedExtra(
                extra_id=line.item_id,
                name=line.description,
                quantity=line.quantity,
                unit_price=line.unit_amount,
            )
            for line in quote.lines
            if line.kind == "extra"
        ]
        booking = build(
            Booking,
            id=secrets.token_hex(12),
            reference=readable_code(6, REFERENCE_ALPHABET),
            showtime_id=basket.showtime_id,
            theater_id=basket.showtime.theater_id,
            channel=basket.channel,
            state="pending_payment",
            seats=seats,
            extras=extras,
            promo_code=quote.promo_code,
            currency=quote.currency,
            total=quote.total,
            discount=quote.discount,
            discount_on=basket.promo.applies_to if basket.promo else "tickets",
            tax_included=quote.tax_included,
            hold_id=basket.hold_id,
            held_until=utc_at(basket.held_until),
            contact=basket.contact,
            customer_id=basket.customer_id,
            created_by=actor.subject,
            created_at=now,
            history=[HistoryEntry(at=now, by=actor.subject, event="payment started")],
        )
        booking = self._store.bookings.insert_unique_reference(booking, REFERENCE_ALPHABET)
        if basket.sales_closed_at:
            self._baskets.sales.record_late(actor, booking, basket.sales_closed_at)
        return booking

    def _close_unpaid(self, booking: Booking, actor: Actor, why: str) -> Booking:
        """Cancel a booking whose payment never succeeded and give its promo use back."""
        closed = booking.moved_to("cancelled", by=actor.subject, at=utc_now(self._clock), event=why)
        saved = self._store.bookings.save(closed)
        if booking.promo_code:
            self._store.promos.give_back_use(booking.promo_code.lower())
        return saved

    def _record(self, booking: Booking, movement: MoneyMovement) -> Booking:
        return self._store.bookings.save(
            booking.model_copy(update={"payments": [*booking.payments, movement]})
        )

    # -- settling ------------------------------------------------------------------
    def _give_up(self, actor: Actor, basket: Basket, pending: MoneyMovement, result) -> None:
        """Time ran out while paying: free the seats; close the booking if the payment stopped.

        A payment that could not be stopped leaves the booking pending for
        reconcile, which confirms it if it is paid and the seats are still free."""
        if result.state == "cancelled":
            basket.booking = self._record(basket.booking, self._closing(pending, result))
            self.abandon(actor, basket)
        else:
            self._baskets.release(actor, basket)

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
            update={"state": "cancelled", "failure": result.failure, "at": utc_now(self._clock)}
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
            self._baskets.release(actor, basket)  # unstoppable for now: reconcile settles it
            return True
