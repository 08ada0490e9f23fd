"""After the sale: finding bookings, cancelling and refunding (whole or in part),
exchanging seats or showtimes, and reconciling payments a crash left unsettled.

Partial refunds give back the cancelled seats' share: a promo discount is
shared across the eligible tickets in proportion to their price, rounded half
up; extras are refunded only with the last seat.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from core.clock import Clock, utc_now
from core.errors import (
    DomainError,
    InvalidInput,
    NoOpenShift,
    NotFound,
    NotSellable,
    SeatsTaken,
    StaleBooking,
)
from core.events import BookingCancelled, BookingExchanged, BookingRefunded, EventBus
from core.models import BookedSeat, Booking, HistoryEntry, MoneyMovement
from core.payments.provider import PaymentRequest, failure_error
from core.quote import round_half_up_div
from core.repo.store import Store
from core.services.access import Access, Actor
from core.services.booking import BookingService
from core.services.cash import CashDrawerService
from core.services.inventory import InventoryService
from core.services.payments import PaymentMethods, pending_result, uses_drawer

RECONCILE_GRACE = dt.timedelta(minutes=5)


class PaymentStillOpen(Exception):
    """A payment that could be neither confirmed nor stopped right now."""


def refund_through_provider(
    store: Store,
    payments: PaymentMethods,
    booking: Booking,
    payment: MoneyMovement | None,
    amount: int,
    seat_ids: list[str],
    by: str,
    *,
    final_state: str,
    now: dt.datetime,
    events: EventBus | None = None,
    shift_id: str = "",
) -> Booking:
    """Give ``amount`` back through the provider that took the money; record the outcome.

    Cash comes out of a drawer: ``shift_id`` names the shift it is recorded
    against. The booking is saved as ``refund_due`` first when the refund fails,
    so the money owed is never forgotten."""
    payment = payment or _last_payment(booking)
    refunds = sum(1 for m in booking.payments if m.kind == "refund")
    key = f"{booking.id}:refund:{refunds + 1}"
    if amount > 0 and payment is not None:
        provider = payments.get(None, payment.provider)
        if uses_drawer(provider) and not shift_id:
            raise NoOpenShift()
        result = provider.refund(payment.provider_ref, amount, key)
        movement = MoneyMovement(
            kind="refund",
            provider=payment.provider,
            idempotency_key=key,
            amount=amount,
            state="succeeded" if result.state == "succeeded" else result.state,
            provider_ref=result.provider_ref,
            failure=result.failure,
            shift_id=shift_id if uses_drawer(provider) else "",
            at=now,
            seats=seat_ids,
        )
        ok = result.state == "succeeded"
    else:
        movement, ok = None, True
    state = final_state if ok else "refund_due"
    event = (
        f"refunded {amount} for {', '.join(seat_ids) or 'the booking'}"
        if ok
        else (f"refund of {amount} failed: {movement.failure}")
    )
    updated = booking.model_copy(
        update={
            "state": state,
            "payments": [*booking.payments, *([movement] if movement else [])],
            "history": [*booking.history, HistoryEntry(at=now, by=by, event=event)],
        }
    )
    saved = store.bookings.save(updated)
    if ok and events is not None:
        events.publish(
            BookingRefunded(saved.id, saved.reference, saved.showtime_id, tuple(seat_ids), amount)
        )
    return saved


def _last_payment(booking: Booking) -> MoneyMovement | None:
    paid = [m for m in booking.payments if m.kind == "payment" and m.state == "succeeded"]
    return paid[-1] if paid else None


@dataclass(frozen=True)
class ReconcileOutcome:
    reference: str
    before: str
    after: str
    note: str


class AfterSalesService:
    def __init__(
        self,
        store: Store,
        inventory: InventoryService,
        booking: BookingService,
        payments: PaymentMethods,
        events: EventBus,
        access: Access,
        drawers: CashDrawerService,
        clock: Clock = time.time,
    ) -> None:
        self._store = store
        self._drawers = drawers
        self._inventory = inventory
        self._booking = booking
        self._payments = payments
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
        wanted = {"showtime_id": showtime_id, "state": state}
        query = {field: value for field, value in wanted.items() if value}
        if contact:
            by_field = {"contact.email": contact.lower(), "contact.phone": contact}
            found = self._store.bookings.find_any(query | {k: v} for k, v in by_field.items())
        else:
            found = self._store.bookings.find(query)
        return [b for b in found if actor.works_at(b.theater_id) or actor.role == "admin"]

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
        if booking.state != "confirmed":
            raise NotSellable(f"booking {booking.reference} is {booking.state.replace('_', ' ')}")
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
        amount = booking.paid - new_total if refund else 0
        now = self._now()
        changed = booking.model_copy(update={"seats": seats, "total": new_total})
        final = ("refunded" if refund else "cancelled") if everything else "confirmed"
        saved = refund_through_provider(
            self._store,
            self._payments,
            changed,
            None,
            max(amount, 0),
            chosen,
            actor.subject,
            final_state=final,
            now=now,
            events=self._events,
            shift_id=shift_id,
        )
        self._access.record(
            actor,
            "refund" if refund and amount > 0 else "cancellation",
            saved.reference,
            saved.theater_id,
            {"seats": chosen, "refunded": max(amount, 0), "state": [booking.state, saved.state]},
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
        difference: charged through ``pay`` if dearer, refunded if cheaper."""
        booking = self.booking(actor, reference)
        self._access.require(actor, "bookings.cancel", booking.theater_id)
        if booking.state != "confirmed":
            raise NotSellable(f"booking {booking.reference} is {booking.state.replace('_', ' ')}")
        old = booking.active_seats
        new_ids = [s.upper() for s in seat_ids]
        if len(new_ids) != len(old):
            raise InvalidInput("seats", f"choose {len(old)} seat(s), one for each ticket")
        target = self._store.showtimes.get(showtime_id or booking.showtime_id)
        # Seats kept across the move (shifting along a row) are already this booking's.
        kept = (
            {s.seat_id for s in old} & set(new_ids) if target.id == booking.showtime_id else set()
        )
        if len(kept) == len(new_ids):
            raise InvalidInput("seats", "those are the seats already booked")
        # Moving a customer who has a ticket is no new sale: allowed after sales closed.
        basket = self._booking.new_basket(actor, target.id, channel="counter", late=True)
        basket.hold_id = f"{booking.id}x{len(booking.history)}"
        self._booking.hold(actor, basket, [s for s in new_ids if s not in kept])
        card = self._store.price_cards.get(target.price_card_id)
        try:
            new_seats = [
                BookedSeat(
                    seat_id=seat_id,
                    category=basket.layout.seat(seat_id).category,
                    ticket_type=seat.ticket_type,
                    price=card.price(seat.ticket_type, basket.layout.seat(seat_id).category),
                )
                for seat_id, seat in zip(new_ids, old, strict=True)
            ]
        except KeyError as missing:
            self._booking.release(actor, basket)
            raise InvalidInput("tickets", f"no {missing} tickets at that showtime") from None
        difference = sum(s.price for s in new_seats) - sum(s.price for s in old)
        refund_shift = ""
        if difference < 0:
            try:  # a cheaper exchange gives money back: that takes the right to refund
                self._access.require(actor, "bookings.refund", booking.theater_id)
                refund_shift = self._refund_shift(actor, booking, target.theater_id)
            except DomainError:
                self._booking.release(actor, basket)
                raise
        payments = list(booking.payments)
        if difference > 0:
            payments.append(
                self._charge_difference(actor, booking, basket, difference, pay, tendered)
            )
        if not self._inventory.sell(target.id, basket.layout, new_ids, basket.hold_id, booking.id):
            self._booking.release(actor, basket)
            if difference > 0:  # the difference was taken: give it back, on the record
                charged = booking.model_copy(update={"payments": payments})
                refund_through_provider(
                    self._store,
                    self._payments,
                    charged,
                    payments[-1],
                    difference,
                    new_ids,
                    actor.subject,
                    final_state="confirmed",
                    now=self._now(),
                    events=self._events,
                    shift_id=payments[-1].shift_id,
                )
            raise SeatsTaken(new_ids)
        self._inventory.unsell(
            booking.showtime_id,
            self._inventory.layout_for(booking.showtime_id),
            [s.seat_id for s in old if s.seat_id not in kept],
            booking.id,
        )
        now = self._now()
        seats = [
            s.model_copy(update={"status": "exchanged"}) if s.status == "active" else s
            for s in booking.seats
        ] + new_seats
        moved = booking.model_copy(
            update={
                "showtime_id": target.id,
                "theater_id": target.theater_id,
                "seats": seats,
                "total": booking.total + difference,
                "payments": payments,
                "history": [
                    *booking.history,
                    HistoryEntry(
                        at=now,
                        by=actor.subject,
                        event=exchange_note(old, new_ids, target.id, booking.showtime_id),
                    ),
                ],
            }
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
            saved = refund_through_provider(
                self._store,
                self._payments,
                moved,
                None,
                -difference,
                new_ids,
                actor.subject,
                final_state="confirmed",
                now=now,
                shift_id=refund_shift,
            )
        else:
            saved = self._store.bookings.save(moved)
        old_ids = tuple(s.seat_id for s in old)
        self._events.publish(
            BookingExchanged(
                saved.id, saved.reference, saved.showtime_id, old_ids, tuple(new_ids), difference
            )
        )
        return saved

    def _charge_difference(self, actor, booking, basket, amount, pay, tendered) -> MoneyMovement:
        if not pay:
            self._booking.release(actor, basket)
            raise InvalidInput("pay", "the new seats cost more; say how the difference is paid")
        try:
            provider = self._payments.get(actor, pay)
            shift_id = self._drawers.shift_for(actor, basket.showtime.theater_id, provider)
        except DomainError:
            self._booking.release(actor, basket)
            raise
        key = f"{booking.id}:exchange:{len(booking.history)}"
        request = PaymentRequest(
            key, amount, booking.currency, booking.reference, tendered=tendered
        )
        result = provider.start(request)
        if result.state != "succeeded":
            self._booking.release(actor, basket)
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
            at=self._now(),
        )

    def open_payments(self, actor: Actor) -> int:
        """Bookings whose payment started and has not settled (for the dashboard)."""
        self._access.require(actor, "bookings.read")
        return self._store.bookings.count({"state": "pending_payment"})

    # -- reconciling after a crash ------------------------------------------------
    def reconcile(self, actor: Actor) -> list[ReconcileOutcome]:
        """Settle bookings whose payment started but never finished (a crash, a lost reply,
        the database gone when the payment was taken).

        Paid ones are confirmed at once, while their seats are still held for them,
        or refunded if the seats are gone; unpaid ones whose hold has lapsed expire
        and free their seats. A payment still in progress is left to its kiosk."""
        self._access.require(actor, "payments.reconcile")
        outcomes = []
        now = self._now()
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
        booking_id = idempotency_key.split(":", 1)[0]
        try:
            booking = self._store.bookings.get(booking_id)
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
        movement = self._booking.movement("payment", request, result, pending.provider)
        try:
            settled = self._booking.confirm_paid(booking, movement, "webhook")
        except StaleBooking:
            return None  # the kiosk confirmed it at the same moment
        return ReconcileOutcome(booking.reference, booking.state, settled.state, "reported paid")

    def _confirm_found(
        self, booking: Booking, provider_name: str, request_key: str, result
    ) -> ReconcileOutcome:
        request = PaymentRequest(request_key, result.amount, booking.currency, booking.reference)
        movement = self._booking.movement("payment", request, result, provider_name)
        settled = self._booking.confirm_paid(booking, movement, "reconcile")
        note = "paid; confirmed" if settled.state == "confirmed" else "paid; seats gone, refunded"
        return ReconcileOutcome(booking.reference, booking.state, settled.state, note)

    def _expire(self, booking: Booking) -> ReconcileOutcome:
        layout = self._inventory.layout_for(booking.showtime_id)
        self._inventory.release(
            booking.showtime_id, layout, [s.seat_id for s in booking.seats], booking.hold_id
        )
        if booking.promo_code:
            self._store.promos.give_back_use(booking.promo_code.lower())
        now = self._now()
        expired = booking.model_copy(
            update={
                "state": "expired",
                "history": [
                    *booking.history,
                    HistoryEntry(at=now, by="reconcile", event="payment never made"),
                ],
            }
        )
        self._store.bookings.save(expired)
        return ReconcileOutcome(booking.reference, booking.state, "expired", "no payment found")

    def _refund_shift(self, actor: Actor, booking: Booking, theater_id: str = "") -> str:
        """The caller's drawer shift a refund of ``booking`` comes out of ("" if not cash)."""
        payment = _last_payment(booking)
        if payment is None:
            return ""
        provider = self._payments.get(None, payment.provider)
        return self._drawers.shift_for(actor, theater_id or booking.theater_id, provider)

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
            key = f"{booking.id}:pay:{attempt}"
            for name in self._payments.names():
                result = self._payments.get(None, name).find(key)
                if result is not None and result.state == "succeeded":
                    return name, key, result
        return None

    def _now(self) -> dt.datetime:
        return utc_now(self._clock)


def remaining_total(booking: Booking, kept: list[BookedSeat]) -> int:
    """What the kept seats (and the extras, while any seat is kept) cost after the discount."""
    if not kept:
        return 0
    tickets = sum(seat.price for seat in kept)
    extras = sum(extra.unit_price * extra.quantity for extra in booking.extras)
    # What the discount was worked out on: every ticket but those exchanged away,
    # and the extras too when the promo applied to the whole order.
    on_extras = extras if booking.discount_on == "order" else 0
    discounted = sum(s.price for s in booking.seats if s.status != "exchanged") + on_extras
    share = round_half_up_div(booking.discount * (tickets + on_extras), discounted or 1)
    return max(tickets + extras - share, 0)


def exchange_note(old: list[BookedSeat], new_ids: list[str], target: str, source: str) -> str:
    note = f"exchanged {', '.join(s.seat_id for s in old)} for {', '.join(new_ids)}"
    return note + (f" at showtime {target}" if target != source else "")
