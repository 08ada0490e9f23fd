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
    NotFound,
    NotSellable,
    PaymentFailed,
    PaymentTakenPendingSettlement,
    RuleViolation,
    SeatsLost,
    StaleBasket,
    StaleBooking,
)
from core.ids import readable_code
from core.models import BookedExtra, BookedSeat, Booking, HistoryEntry, MoneyMovement
from core.payment_providers.keys import payment_key
from core.payment_providers.provider import PaymentRequest, PaymentResult, failure_error
from core.quote import Quote
from core.repo.client import storage_failures
from core.repo.store import Store
from core.services.access import Access, Actor
from core.services.booking import REFERENCE_ALPHABET, BookingService
from core.services.cash import CashDrawerService
from core.services.confirmation import Confirmation
from core.services.payment_methods import PaymentMethods, payment_movement, pending_result
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
        # Baskets whose payment was taken while the database was away: this process
        # saw the money go through, so walking away must not give their seats back.
        self._paid_unsettled: set[str] = set()

    # -- paying ------------------------------------------------------------------
    def checkout(
        self,
        actor: Actor,
        basket_id: str,
        method: str,
        *,
        tendered: int | None = None,
        card: str | None = None,
        override_rules: bool = False,
    ) -> Booking:
        """Freeze the quote, take the payment and confirm; the seats stay held on a decline.

        Cash needs the seller's open drawer shift at this theater: the payment
        is recorded against it in the same save that confirms the booking."""
        basket = self._baskets.basket(actor, basket_id)
        self._access.require(actor, "sell", basket.theater_id)
        provider = self._payments.get(actor, method)
        if basket.channel == "counter":
            self._payments.check_at_counter(method)
        shift_id = self._drawers.shift_for(actor, basket.theater_id, provider)
        if not basket.seats:
            raise InvalidInput("seats", "choose at least one seat")
        self._baskets.enforce_rules(actor, basket, override_rules)
        quote = self._baskets.quote_of(basket)
        basket, booking = self._current_booking(actor, basket, quote)
        if booking.outstanding_payment() is not None:
            # The last payment's answer never came (its server died, say): stop it before
            # another starts, or settle it if it got through. Never a second charge.
            booking = self._cancel_payment(actor, basket)
            if booking.state == "confirmed":
                return booking
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
            return self._record(booking, movement)
        return self._settle(actor, basket, booking, request, result, provider.name, shift_id)

    def _settle(
        self,
        actor: Actor,
        basket: Basket,
        booking: Booking,
        request: PaymentRequest,
        result: PaymentResult,
        provider_name: str,
        shift_id: str = "",
    ) -> Booking:
        """Act on a payment's outcome: confirm, keep the hold for a retry, or refund.

        ``booking`` is the copy the outcome was read against; a stale copy's
        save is refused, so two settlers record once."""
        movement = payment_movement(request, result, provider_name, utc_now(self._clock), shift_id)
        if result.state == "cancelled":
            self._record(booking, movement)
            raise PaymentFailed(
                f"payment cancelled{': ' + result.failure if result.failure else ''}"
            )
        if result.state != "succeeded":
            self._record(booking, movement)
            raise failure_error(result)
        try:  # the layout is cached, but reading it may need the database too
            layout = self._baskets.layout_of(basket)
            confirmed = self._confirmation.confirm_paid(booking, movement, actor.subject, layout)
        except StaleBooking:  # a reconcile or a webhook confirmed it at the same moment
            confirmed = self._store.bookings.get(booking.id)
        except DATABASE_GONE:
            # The money is taken; the seats stay held for the booking, which
            # reconcile confirms as soon as the database answers again.
            self._paid_unsettled.add(basket.id)
            raise PaymentTakenPendingSettlement(booking.reference) from None
        return self._after_settling(basket, confirmed)

    # -- following a payment made away from the screen ------------------------------
    def follow_payment(self, actor: Actor, basket_id: str) -> Booking:
        """Check on a pending payment once; settle it when it is done.

        Returns the booking, still ``pending_payment`` while the customer is
        paying. Raises PaymentFailed on a decline (the seats stay held),
        HoldExpired when time ran out first, SeatsLost when a late payment found
        the seats gone (it is refunded)."""
        basket = self._baskets.basket(actor, basket_id)
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

    def cancel_payment(self, actor: Actor, basket_id: str) -> Booking:
        """The customer gave up paying this way: stop the reader or the phone link.

        A payment that got through meanwhile is settled like any other."""
        return self._cancel_payment(actor, self._baskets.basket(actor, basket_id))

    def _cancel_payment(self, actor: Actor, basket: Basket) -> Booking:
        booking, pending, provider = self._open_payment(basket)
        if pending is None:
            return self._after_settling(basket, booking)
        result = provider.cancel(pending_result(pending))
        if result.state == "succeeded":
            return self._settle_once(actor, basket, booking, pending, result)
        if result.state != "cancelled":
            # The payment could not be stopped: keep the booking for reconcile.
            raise PaymentFailed(f"could not stop the payment: {result.failure or 'no answer'}")
        return self._record(booking, self._closing(pending, result))

    def booking_of(self, actor: Actor, basket_id: str) -> Booking | None:
        """The booking the basket became once payment started, as it is now."""
        basket = self._baskets.basket(actor, basket_id)
        return self._store.bookings.get(basket.booking_id) if basket.booking_id else None

    def present_test_card(self, actor: Actor, basket_id: str, number: str) -> None:
        """Test mode: a simulated card reader reads a typed test card number."""
        booking = self.booking_of(actor, basket_id)
        pending = booking.outstanding_payment() if booking else None
        if pending is None:
            raise NotSellable("no card payment is waiting")
        provider = self._payments.get(actor, pending.provider)
        present = getattr(provider, "present_test_card", None)
        if present is None:
            raise InvalidInput("card", f"{provider.label} takes no test cards")
        present(pending_result(pending), number)

    def takes_test_cards(self, method: str) -> bool:
        return bool(getattr(self._payments.get(None, method), "takes_test_cards", False))

    def abandon(self, actor: Actor, basket_id: str) -> Basket | None:
        """The customer walked away: free the seats and close an unpaid booking.

        A booking whose payment never succeeded is cancelled and its promo use
        given back; one that was paid is left alone (it is confirmed or refunded).
        A payment still in progress is stopped first; if it got through, it is settled.
        A payment taken while the database was away keeps its seats for reconcile (and
        nothing is read: the database may still be away); None then."""
        if basket_id in self._paid_unsettled:
            return None
        basket = self._baskets.basket(actor, basket_id)
        if basket.booking_id is not None and self._payment_got_through(actor, basket):
            return self._baskets.basket(actor, basket_id)
        return self._walk_away(actor, basket_id)

    def _walk_away(self, actor: Actor, basket_id: str) -> Basket:
        """Give the seats back and close the basket's booking if it was never paid."""
        basket = self._baskets.release(actor, basket_id)
        if basket.booking_id is not None:
            # Read it again: a reconcile or a changed basket may have moved it on since.
            booking = self._paying_booking(basket)
            if booking.state == "pending_payment" and not booking.paid:
                self._close_unpaid(booking, actor, "abandoned")
        return basket

    # -- the pending booking -------------------------------------------------------
    def _current_booking(
        self, actor: Actor, basket: Basket, quote: Quote
    ) -> tuple[Basket, Booking]:
        """The basket (saved) and its booking for this payment attempt.

        A retry after a decline reuses it, so its payments share one record; if
        the seats or the total changed since, or a reconcile closed it, the old
        one is closed and a new one is started."""
        if basket.booking_id is None:
            return self._start_booking(actor, basket, quote)
        old = self._store.bookings.get(basket.booking_id)
        same = [s.seat_id for s in old.seats] == basket.seats and old.total == quote.total
        if old.state == "pending_payment" and same:
            return basket, old
        if old.state == "pending_payment":
            self._close_unpaid(old, actor, "replaced by a changed basket")
        return self._start_booking(actor, self._baskets.save(basket, extended=False), quote)

    def _start_booking(self, actor: Actor, basket: Basket, quote: Quote) -> tuple[Basket, Booking]:
        basket = self._baskets.extend_for_payment(basket)
        promo = self._baskets.promo_of(basket)
        if promo is not None and not self._store.promos.take_use(promo.id):
            raise RuleViolation("promo", f"promo code {promo.code} has been used up")
        layout = self._baskets.layout_of(basket)
        now = utc_now(self._clock)
        seats = [
            BookedSeat(
                seat_id=seat_id,
                category=layout.seat(seat_id).category,
                ticket_type=ticket_type,
                price=line.amount,
            )
            for line in quote.lines  # a ticket line names its seat and type, an extra's its id
            if line.kind == "ticket"
            and (seat_id := line.seat_id)
            and (ticket_type := line.ticket_type)
        ]
        extras = [
            BookedExtra(
                extra_id=extra_id,
                name=line.description,
                quantity=line.quantity,
                unit_price=line.unit_amount,
            )
            for line in quote.lines
            if line.kind == "extra" and (extra_id := line.item_id)
        ]
        booking = build(
            Booking,
            id=secrets.token_hex(12),
            reference=readable_code(6, REFERENCE_ALPHABET),
            showtime_id=basket.showtime_id,
            theater_id=basket.theater_id,
            channel=basket.channel,
            state="pending_payment",
            seats=seats,
            extras=extras,
            promo_code=quote.promo_code,
            currency=quote.currency,
            total=quote.total,
            discount=quote.discount,
            discount_on=promo.applies_to if promo else "tickets",
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
        return self._baskets.save(basket, booking_id=booking.id), booking

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
            booking = self._paying_booking(basket)
            self._record(booking, self._closing(pending, result))
            self._walk_away(actor, basket.id)
        else:
            self._baskets.release(actor, basket.id)

    def _open_payment(self, basket: Basket):
        """The basket's booking read afresh, with its payment in progress and that
        payment's provider (both None once a webhook, a reconcile or a decline settled it)."""
        booking = self._paying_booking(basket)
        pending = booking.outstanding_payment()
        if booking.state != "pending_payment" or pending is None:
            return booking, None, None
        return booking, pending, self._payments.get(None, pending.provider)

    def _settle_once(self, actor, basket, booking, pending: MoneyMovement, result) -> Booking:
        request = PaymentRequest(
            pending.idempotency_key, pending.amount, booking.currency, booking.reference
        )
        try:
            return self._settle(actor, basket, booking, request, result, pending.provider)
        except StaleBooking:
            # A webhook or a reconcile settled it at the same moment.
            booking = self._paying_booking(basket)
            return self._after_settling(basket, booking)

    def _after_settling(self, basket: Basket, booking: Booking) -> Booking:
        """The basket once its booking is settled (here, or by a webhook or reconcile):
        empty when confirmed; SeatsLost when the payment came too late and is refunded."""
        if booking.state == "confirmed" and basket.seats:
            self._empty(basket)
        elif booking.state in {"refund_due", "refunded"}:
            raise SeatsLost(
                "the payment arrived after your seats were taken by someone else; "
                f"it is being refunded in full (booking {booking.reference})"
            )
        return booking

    def _empty(self, basket: Basket) -> None:
        """Empty the basket of a confirmed sale. Two looks at one payment may both get here:
        emptying is the same whichever does it, so the second saves over the fresh copy."""
        try:
            self._baskets.save(basket, seats=[], tickets={}, warnings=[])
        except StaleBasket:
            fresh = self._store.baskets.get(basket.id)
            if fresh.seats:
                self._baskets.save(fresh, seats=[], tickets={}, warnings=[])

    def _closing(self, pending: MoneyMovement, result) -> MoneyMovement:
        return pending.model_copy(
            update={"state": "cancelled", "failure": result.failure, "at": utc_now(self._clock)}
        )

    def _paying_booking(self, basket: Basket) -> Booking:
        """The booking a basket became when its payment started, read afresh."""
        if basket.booking_id is None:
            raise NotFound("booking of basket", basket.id)
        return self._store.bookings.get(basket.booking_id)

    def _payment_got_through(self, actor: Actor, basket: Basket) -> bool:
        booking = self._paying_booking(basket)
        if booking.state != "pending_payment" or booking.outstanding_payment() is None:
            return False
        try:
            return self._cancel_payment(actor, basket).state == "confirmed"
        except SeatsLost:
            return True  # paid too late and refunded: nothing left to release
        except PaymentFailed:
            self._baskets.release(actor, basket.id)  # unstoppable for now: reconcile settles it
            return True
