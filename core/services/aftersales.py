"""After the sale: finding bookings, cancelling and refunding (whole or in part), and
exchanging seats or showtimes.

Partial refunds give back the cancelled seats' share: a promo discount is
shared across the eligible tickets in proportion to their price, rounded half
up; extras are refunded only with the last seat.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from core.basket import Basket
from core.clock import Clock, utc_now
from core.errors import InvalidInput, NotSellable, SeatsTaken
from core.events import BookingCancelled, BookingExchanged, EventBus
from core.models import BookedSeat, Booking, BookingState, MoneyMovement, Showtime
from core.payment_providers.keys import exchange_key
from core.payment_providers.provider import PaymentRequest, failure_error
from core.quote import remaining_total
from core.repo.store import Store
from core.services.access import Access, Actor
from core.services.booking import BookingService
from core.services.cash import CashDrawerService
from core.services.inventory import InventoryService
from core.services.payment_methods import PaymentMethods
from core.services.refunds import Refund, Refunds, last_payment


class AfterSalesService:
    def __init__(
        self,
        store: Store,
        inventory: InventoryService,
        baskets: BookingService,
        payments: PaymentMethods,
        refunds: Refunds,
        events: EventBus,
        access: Access,
        drawers: CashDrawerService,
        clock: Clock = time.time,
    ) -> None:
        self._store = store
        self._drawers = drawers
        self._inventory = inventory
        self._baskets = baskets
        self._payments = payments
        self._refunds = refunds
        self._events = events
        self._access = access
        self._clock = clock

    # -- finding ---------------------------------------------------------------
    def booking(self, actor: Actor, reference: str) -> Booking:
        booking = self._store.bookings.by_reference(reference)
        self._access.require(actor, "bookings.read", booking.theater_id)
        return booking

    def bookings(
        self,
        actor: Actor,
        *,
        showtime_id: str | None = None,
        state: str | None = None,
        contact: str | None = None,
    ) -> list[Booking]:
        self._access.require(actor, "bookings.read")
        found = self._store.bookings.search(showtime_id=showtime_id, state=state, contact=contact)
        return [b for b in found if actor.works_at(b.theater_id) or actor.role == "admin"]

    def open_payments(self, actor: Actor) -> int:
        """Bookings whose payment started and has not settled (for the dashboard)."""
        self._access.require(actor, "bookings.read")
        return self._store.bookings.count_in_state("pending_payment")

    # -- cancelling and refunding ------------------------------------------------
    def cancel(
        self,
        actor: Actor,
        reference: str,
        seat_ids: list[str] | None = None,
        *,
        refund: bool = True,
        cash_from: Actor | None = None,
    ) -> Booking:
        """Cancel some seats (default all); paid seats get their share of the money back.

        A cash refund comes out of the caller's drawer, or ``cash_from``'s: the clerk
        at whose counter a manager approved it."""
        booking = self.booking(actor, reference)
        action = "bookings.refund" if refund and booking.paid else "bookings.cancel"
        self._access.require(actor, action, booking.theater_id)
        _require_confirmed(booking)
        active = [seat.seat_id for seat in booking.active_seats]
        chosen = [s.upper() for s in seat_ids] if seat_ids else active
        unknown = [s for s in chosen if s not in active]
        if unknown:
            raise InvalidInput("seats", f"{', '.join(unknown)} not in booking {booking.reference}")
        paying_out = cash_from or actor
        shift_id = self._refund_shift(paying_out, booking) if refund and booking.paid else ""
        layout = self._inventory.layout_for(booking.showtime_id)
        self._inventory.unsell(booking.showtime_id, layout, chosen, booking.id)
        everything = set(chosen) == set(active)
        status = "refunded" if refund else "cancelled"
        seats = [
            seat.model_copy(update={"status": status}) if seat.seat_id in chosen else seat
            for seat in booking.seats
        ]
        kept = [seat for seat in seats if seat.status == "active"]
        new_total = remaining_total(booking, kept)
        amount = max(booking.paid - new_total if refund else 0, 0)
        changed = booking.model_copy(update={"seats": seats, "total": new_total})
        final: BookingState = ("refunded" if refund else "cancelled") if everything else "confirmed"
        order = Refund(
            amount, tuple(chosen), actor.subject, final, utc_now(self._clock), shift_id=shift_id
        )
        saved = self._refunds.give_back(changed, order)
        self._access.record(
            actor,
            "refund" if refund and amount > 0 else "cancellation",
            saved.reference,
            saved.theater_id,
            {"seats": chosen, "refunded": amount, "state": [booking.state, saved.state]},
        )
        self._events.publish(
            BookingCancelled(saved.id, saved.reference, saved.showtime_id, tuple(chosen))
        )
        return saved

    # -- exchanging ----------------------------------------------------------------
    def exchange(
        self,
        actor: Actor,
        reference: str,
        seat_ids: list[str],
        *,
        showtime_id: str | None = None,
        pay: str | None = None,
        tendered: int | None = None,
    ) -> Booking:
        """Move a confirmed booking to other seats (or another showtime), settling the
        difference: charged through ``pay`` if dearer, refunded if cheaper.

        The new seats are held first; whatever fails before they are sold gives
        them back (a difference already charged is refunded, on the record)."""
        booking = self.booking(actor, reference)
        self._access.require(actor, "bookings.cancel", booking.theater_id)
        _require_confirmed(booking)
        old = booking.active_seats
        new_ids = [s.upper() for s in seat_ids]
        if len(new_ids) != len(old):
            raise InvalidInput("seats", f"choose {len(old)} seat(s), one for each ticket")
        target = self._store.showtimes.get(showtime_id or booking.showtime_id)
        # Seats kept across the move (shifting along a row) are already this booking's.
        same_show = target.id == booking.showtime_id
        kept = {s.seat_id for s in old} & set(new_ids) if same_show else set()
        if len(kept) == len(new_ids):
            raise InvalidInput("seats", "those are the seats already booked")
        # Moving a customer who has a ticket is no new sale: allowed after sales closed.
        hold_id = f"{booking.id}x{len(booking.history)}"
        basket = self._baskets.new_basket(
            actor, target.id, channel="counter", late=True, hold_id=hold_id
        )
        with self._given_back_on_failure(actor, basket):
            basket = self._baskets.hold(actor, basket.id, [s for s in new_ids if s not in kept])
            new_seats = self._priced(target, basket, new_ids, old)
            difference = sum(s.price for s in new_seats) - sum(s.price for s in old)
            refund_shift = ""
            if difference < 0:  # a cheaper exchange gives money back: that takes the right
                self._access.require(actor, "bookings.refund", booking.theater_id)
                refund_shift = self._refund_shift(actor, booking, target.theater_id)
            payments = list(booking.payments)
            if difference > 0:
                payments.append(self._charge(actor, booking, basket, difference, pay, tendered))
            self._sell_or_give_back(actor, booking, basket, new_ids, payments, difference)
        self._inventory.unsell(
            booking.showtime_id,
            self._inventory.layout_for(booking.showtime_id),
            [s.seat_id for s in old if s.seat_id not in kept],
            booking.id,
        )
        now = utc_now(self._clock)
        seats = [
            s.model_copy(update={"status": "exchanged"}) if s.status == "active" else s
            for s in booking.seats
        ] + new_seats
        moved = booking.noted(
            by=actor.subject,
            at=now,
            event=exchange_note(old, new_ids, target.id, booking.showtime_id),
            showtime_id=target.id,
            theater_id=target.theater_id,
            seats=seats,
            total=booking.total + difference,
            payments=payments,
        )
        self._access.record(
            actor,
            "exchange",
            booking.reference,
            target.theater_id,
            {
                "seats": [[s.seat_id for s in old], new_ids],
                "showtime": [booking.showtime_id, target.id],
                "difference": difference,
            },
        )
        if difference < 0:
            # The exchange's own message tells of this refund: no refund event of its own.
            back = Refund(
                -difference,
                tuple(new_ids),
                actor.subject,
                "confirmed",
                now,
                shift_id=refund_shift,
                announce=False,
            )
            saved = self._refunds.give_back(moved, back)
        else:
            saved = self._store.bookings.save(moved)
        old_ids = tuple(s.seat_id for s in old)
        self._events.publish(
            BookingExchanged(
                saved.id, saved.reference, saved.showtime_id, old_ids, tuple(new_ids), difference
            )
        )
        return saved

    @contextmanager
    def _given_back_on_failure(self, actor: Actor, basket: Basket) -> Iterator[None]:
        """The one place an exchange that fails gives its newly held seats back; the
        basket of an exchange is never continued, so it goes either way."""
        try:
            yield
        except BaseException:
            self._baskets.release(actor, basket.id)
            raise
        finally:
            with suppress(Exception):  # the first error is the one to show
                self._baskets.discard(actor, basket.id)

    def _priced(
        self, target: Showtime, basket: Basket, new_ids: list[str], old: list[BookedSeat]
    ) -> list[BookedSeat]:
        """The new seats, each with the ticket type of the seat it replaces, at today's price."""
        card = self._store.price_cards.get(target.price_card_id)
        layout = self._baskets.layout_of(basket)
        try:
            return [
                BookedSeat(
                    seat_id=seat_id,
                    category=layout.seat(seat_id).category,
                    ticket_type=seat.ticket_type,
                    price=card.price(seat.ticket_type, layout.seat(seat_id).category),
                )
                for seat_id, seat in zip(new_ids, old, strict=True)
            ]
        except KeyError as missing:
            raise InvalidInput("tickets", f"no {missing} tickets at that showtime") from None

    def _charge(self, actor, booking, basket, amount, pay, tendered) -> MoneyMovement:
        """Take the dearer exchange's difference through ``pay``."""
        if not pay:
            raise InvalidInput("pay", "the new seats cost more; say how the difference is paid")
        provider = self._payments.get(actor, pay)
        shift_id = self._drawers.shift_for(actor, basket.theater_id, provider)
        key = exchange_key(booking.id, len(booking.history))
        request = PaymentRequest(
            key, amount, booking.currency, booking.reference, tendered=tendered
        )
        result = provider.start(request)
        if result.state != "succeeded":
            raise failure_error(result)
        return MoneyMovement(
            kind="payment",
            provider=provider.name,
            idempotency_key=key,
            amount=amount,
            state="succeeded",
            provider_ref=result.provider_ref,
            change_due=result.change_due,
            shift_id=shift_id,
            at=utc_now(self._clock),
        )

    def _sell_or_give_back(self, actor, booking, basket, new_ids, payments, difference) -> None:
        """Sell the held seats to the booking; if they were lost, refund a charged difference."""
        if self._inventory.sell(
            basket.showtime_id,
            self._baskets.layout_of(basket),
            new_ids,
            basket.hold_id,
            booking.id,
        ):
            return
        if difference > 0:  # the difference was taken: give it back, on the record
            charged = booking.model_copy(update={"payments": payments})
            back = Refund(
                difference,
                tuple(new_ids),
                actor.subject,
                "confirmed",
                utc_now(self._clock),
                payment=payments[-1],
                shift_id=payments[-1].shift_id,
            )
            self._refunds.give_back(charged, back)
        raise SeatsTaken(new_ids)

    def _refund_shift(self, actor: Actor, booking: Booking, theater_id: str = "") -> str:
        """The caller's drawer shift a refund of ``booking`` comes out of ("" if not cash)."""
        payment = last_payment(booking)
        if payment is None:
            return ""
        provider = self._payments.get(None, payment.provider)
        return self._drawers.shift_for(actor, theater_id or booking.theater_id, provider)


def _require_confirmed(booking: Booking) -> None:
    if booking.state != "confirmed":
        raise NotSellable(f"booking {booking.reference} is {booking.state.replace('_', ' ')}")


def exchange_note(old: list[BookedSeat], new_ids: list[str], target: str, source: str) -> str:
    note = f"exchanged {', '.join(s.seat_id for s in old)} for {', '.join(new_ids)}"
    return note + (f" at showtime {target}" if target != source else "")
