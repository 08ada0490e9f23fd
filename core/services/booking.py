"""Selling seats: baskets that hold seats, quotes, payment, confirmation.

A *basket* is a booking in the state ``held``: it lives with the kiosk or clerk
that builds it, while its seats are held in the database with an expiry (a
restart loses nothing that matters: the holds lapse). When payment starts the
quote is frozen and the booking is written as ``pending_payment`` under an id
that every payment call's idempotency key derives from; payment then turns it
``confirmed``, selling the held seats in one atomic write per row.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from dataclasses import dataclass, field

from core.clock import Clock, utc_now
from core.config import BookingConfig, PricingConfig
from core.errors import (
    HoldExpired,
    InvalidInput,
    NotFound,
    NotSellable,
    PaymentFailed,
    PaymentTakenPendingSettlement,
    RuleViolation,
    SeatsTaken,
    StaleBooking,
)
from core.events import BookingConfirmed, ContactChanged, EventBus
from core.ids import readable_code
from core.layout import SeatLayout
from core.models import (
    BookedExtra,
    BookedSeat,
    Booking,
    Contact,
    Extra,
    HistoryEntry,
    MoneyMovement,
    PriceCard,
    Promo,
    Showtime,
)
from core.payments.provider import PaymentRequest, PaymentResult, failure_error
from core.quote import Quote, build_quote
from core.repo.client import storage_failures
from core.repo.store import Store
from core.seatmap import SeatMap, companions_without_wheelchair, single_seat_gaps
from core.services.access import Actor
from core.services.cache import TtlCache
from core.services.cash import CashDrawerService
from core.services.inventory import InventoryService
from core.services.paying import PaymentFollowing
from core.services.payments import PaymentMethods
from core.services.sales_window import SalesWindow
from core.services.validation import build

REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L look-alikes
DATABASE_GONE = storage_failures()  # the driver's errors: the database did not answer


@dataclass
class Basket:
    """What one customer is choosing: held seats, ticket types, extras, a promo."""

    showtime: Showtime
    layout: SeatLayout
    channel: str
    hold_id: str = field(default_factory=lambda: secrets.token_hex(12))
    seats: list[str] = field(default_factory=list)
    held_until: float = 0.0
    tickets: dict[str, str] = field(default_factory=dict)  # seat id -> ticket type
    extras: dict[str, int] = field(default_factory=dict)  # extra id -> quantity
    promo: Promo | None = None
    contact: Contact = field(default_factory=Contact)
    warnings: list[str] = field(default_factory=list)
    booking: Booking | None = None  # once payment has started
    extended: bool = False
    customer_id: str | None = None  # a customer signed in at the kiosk
    paid_unsettled: bool = False  # paid, but the database went away before confirming
    sales_closed_at: str = ""  # a late sale, made by staff after sales closed at this time

    @property
    def showtime_id(self) -> str:
        return self.showtime.id


class BookingService(PaymentFollowing):
    def __init__(
        self,
        store: Store,
        inventory: InventoryService,
        payments: PaymentMethods,
        events: EventBus,
        access,
        booking_config: BookingConfig,
        pricing_config: PricingConfig,
        drawers: CashDrawerService,
        clock: Clock = time.time,
    ) -> None:
        self._store = store
        self._drawers = drawers
        self._inventory = inventory
        self._payments = payments
        self._events = events
        self._access = access
        self._config = booking_config
        self._pricing = pricing_config
        self._clock = clock
        self._catalog: TtlCache = TtlCache()
        self.sales = SalesWindow(
            store, access, booking_config.sales_close_minutes_after_start, clock, self._catalog
        )

    # -- baskets --------------------------------------------------------------
    def new_basket(
        self, actor: Actor, showtime_id: str, channel: str = "kiosk", *, late: bool = False
    ) -> Basket:
        """Start a sale; after sales closed only staff may, with ``late`` (SalesClosed else)."""
        # Cached for a few seconds: a cancellation also closes the showtime's seat
        # inventory, so no hold or sale can succeed on a stale copy of it.
        showtime = self._catalog.get(
            f"showtime:{showtime_id}", lambda: self._store.showtimes.get(showtime_id)
        )
        self._access.require(actor, "sell", showtime.theater_id)
        if showtime.status != "scheduled":
            raise NotSellable("this showtime has been cancelled")
        closed = self.sales.admit(actor, showtime, late)
        basket = Basket(showtime, self._inventory.layout(showtime), channel)
        basket.sales_closed_at = closed
        return basket

    def hold(self, actor: Actor, basket: Basket, seat_ids: list[str]) -> Basket:
        """Add seats to the basket, all or none; raises SeatsTaken naming the lost ones."""
        self._access.require(actor, "sell", basket.showtime.theater_id)
        wanted = [s for s in dict.fromkeys(x.upper() for x in seat_ids) if s not in basket.seats]
        if len(basket.seats) + len(wanted) > self._config.max_seats_per_booking:
            limit = self._config.max_seats_per_booking
            raise RuleViolation("max_seats", f"at most {limit} seats per booking")
        if not wanted:
            return basket
        until = self._clock() + self._hold_seconds(basket.channel)
        self._inventory.claim(basket.showtime, basket.layout, wanted, basket.hold_id, until)
        earlier = list(basket.seats)
        if earlier and not self._inventory.extend(
            basket.showtime_id, basket.layout, earlier, basket.hold_id, until
        ):
            # The earlier seats' hold lapsed: take them again, or give it all up.
            try:
                self._inventory.claim(
                    basket.showtime, basket.layout, earlier, basket.hold_id, until
                )
            except SeatsTaken:
                self._inventory.release(basket.showtime_id, basket.layout, wanted, basket.hold_id)
                self.release(actor, basket)
                raise HoldExpired() from None
        basket.seats += wanted
        basket.held_until = until  # every seat of a basket shares the latest expiry
        basket.warnings = self._rule_warnings(basket)
        return basket

    def release(self, actor: Actor, basket: Basket, seat_ids: list[str] | None = None) -> Basket:
        """Give seats back (all of them by default), e.g. on cancel or idle timeout."""
        asked = basket.seats if seat_ids is None else [s.upper() for s in seat_ids]
        gone = [s for s in dict.fromkeys(asked) if s in basket.seats]
        self._inventory.release(basket.showtime_id, basket.layout, gone, basket.hold_id)
        basket.seats = [s for s in basket.seats if s not in gone]
        for seat_id in gone:
            basket.tickets.pop(seat_id, None)
        basket.warnings = self._rule_warnings(basket)
        return basket

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
        self.release(actor, basket)
        if basket.booking is None:
            return basket
        # Read it again: a reconcile or a changed basket may have moved it on since.
        booking = basket.booking = self._store.bookings.get(basket.booking.id)
        if booking.state == "pending_payment" and not booking.paid:
            now = self._now()
            closed = booking.model_copy(
                update={
                    "state": "cancelled",
                    "history": [
                        *booking.history,
                        HistoryEntry(at=now, by=actor.subject, event="abandoned"),
                    ],
                }
            )
            basket.booking = self._store.bookings.save(closed)
            if booking.promo_code:
                self._store.promos.give_back_use(booking.promo_code.lower())
        return basket

    def toggle_seat(self, actor: Actor, basket: Basket, seat_id: str) -> Basket:
        seat_id = seat_id.upper()
        if seat_id in basket.seats:
            return self.release(actor, basket, [seat_id])
        return self.hold(actor, basket, [seat_id])

    def set_tickets(self, basket: Basket, tickets: dict[str, str]) -> Basket:
        card = self.price_card(basket)
        for seat_id, ticket_type in tickets.items():
            if seat_id not in basket.seats:
                raise InvalidInput("tickets", f"seat {seat_id} is not in this booking")
            if ticket_type not in card.tickets:
                types = ", ".join(card.tickets)
                raise InvalidInput("tickets", f"no ticket type {ticket_type!r} (use {types})")
            basket.tickets[seat_id] = ticket_type
        return basket

    def set_extras(self, basket: Basket, extras: dict[str, int]) -> Basket:
        for extra_id, quantity in extras.items():
            extra = self._extra(extra_id)
            if not extra.active:
                raise InvalidInput("extras", f"{extra.name} is not on sale")
            if not 0 <= quantity <= 50:
                raise InvalidInput("extras", f"quantity of {extra.name} must be 0 to 50")
        basket.extras = {k: v for k, v in (basket.extras | extras).items() if v > 0}
        return basket

    def apply_promo(self, basket: Basket, code: str | None) -> Basket:
        if not code:
            basket.promo = None
            return basket
        promo = self.promo_for(code)
        refusal = promo.refusal(basket.showtime, dt.datetime.fromtimestamp(self._clock(), dt.UTC))
        card = self.price_card(basket)
        if promo.kind == "fixed" and promo.currency != card.currency:
            refusal = (
                f"promo code {promo.code} is in {promo.currency}, prices are in {card.currency}"
            )
        if refusal:
            raise RuleViolation("promo", refusal)
        basket.promo = promo
        return basket

    def promo_for(self, code: str) -> Promo:
        try:
            return self._store.promos.get(code.strip().lower())
        except NotFound:
            raise RuleViolation(
                "promo", f"promo code {code.strip().upper()} is not valid"
            ) from None

    def forget_showtime(self, showtime_id: str) -> None:
        """Drop this process's cached copy of a showtime (it was cancelled or removed)."""
        self._catalog.discard(f"showtime:{showtime_id}")

    def price_card(self, basket: Basket) -> PriceCard:
        card_id = basket.showtime.price_card_id
        return self._catalog.get(f"card:{card_id}", lambda: self._store.price_cards.get(card_id))

    def _extra(self, extra_id: str) -> Extra:
        return self._catalog.get(f"extra:{extra_id}", lambda: self._store.extras.get(extra_id))

    def quote(self, basket: Basket) -> Quote:
        card = self.price_card(basket)
        default_type = next(iter(card.tickets))
        seats = [
            (basket.layout.seat(seat_id), basket.tickets.get(seat_id, default_type))
            for seat_id in basket.seats
        ]
        extras = [(self._extra(k), n) for k, n in basket.extras.items()]
        return build_quote(
            card, seats, extras, promo=basket.promo, tax_rate_bp=self._pricing.tax_rate_bp
        )

    # -- paying --------------------------------------------------------------
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
        self._enforce_rules(actor, basket, override_rules)
        quote = self.quote(basket)
        booking = self._current_booking(actor, basket, quote)
        basket.booking = booking
        attempt = booking.payment_attempts + 1
        request = PaymentRequest(
            idempotency_key=f"{booking.id}:pay:{attempt}",
            amount=booking.total,
            currency=booking.currency,
            reference=booking.reference,
            description=f"Marquee {booking.reference}",
            tendered=tendered,
            card=card,
        )
        result = provider.start(request)
        if result.state == "pending":
            movement = self.movement("payment", request, result, provider.name, shift_id)
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
        movement = self.movement("payment", request, result, provider_name, shift_id)
        if result.state == "cancelled":
            basket.booking = self._record(booking, movement)
            raise PaymentFailed(
                f"payment cancelled{': ' + result.failure if result.failure else ''}"
            )
        if result.state != "succeeded":
            basket.booking = self._record(booking, movement)
            raise failure_error(result)
        try:
            confirmed = self.confirm_paid(booking, movement, actor.subject, basket.layout)
        except StaleBooking:  # a reconcile or a webhook confirmed it at the same moment
            confirmed = self._store.bookings.get(booking.id)
        except DATABASE_GONE:
            # The money is taken; the seats stay held for the booking, which
            # reconcile confirms as soon as the database answers again.
            basket.paid_unsettled = True
            raise PaymentTakenPendingSettlement(booking.reference) from None
        return self._after_settling(basket, confirmed)

    def confirm_paid(
        self, booking: Booking, payment: MoneyMovement, by: str, layout: SeatLayout | None = None
    ) -> Booking:
        """Sell the seats in one atomic write per row and mark the booking confirmed."""
        recorded = any(
            m.idempotency_key == payment.idempotency_key and m.state == "succeeded"
            for m in booking.payments
        )
        if recorded and booking.state != "pending_payment":
            return booking  # settled already: never count a payment twice
        payments = booking.payments if recorded else [*booking.payments, payment]
        layout = layout or self._inventory.layout_for(booking.showtime_id)
        seat_ids = [seat.seat_id for seat in booking.seats]
        sold = self._inventory.sell(
            booking.showtime_id, layout, seat_ids, booking.hold_id, booking.id
        )
        now = self._now()
        if sold:
            updated = booking.model_copy(
                update={
                    "state": "confirmed",
                    "confirmed_at": now,
                    "payments": payments,
                    "history": [*booking.history, HistoryEntry(at=now, by=by, event="confirmed")],
                }
            )
            saved = self._store.bookings.save(updated)
            reachable = bool(saved.contact.email or saved.contact.phone)
            self._events.publish(
                BookingConfirmed(saved.id, saved.reference, saved.showtime_id, reachable)
            )
            return saved
        lost = booking.model_copy(
            update={
                "state": "refund_due",
                "payments": payments,
                "history": [*booking.history, HistoryEntry(at=now, by=by, event="seats lost")],
            }
        )
        saved = self._store.bookings.save(lost)
        return self._refund_lost(saved, payment, by)

    def _refund_lost(self, booking: Booking, payment: MoneyMovement, by: str) -> Booking:
        from core.services.aftersales import refund_through_provider

        return refund_through_provider(
            self._store,
            self._payments,
            booking,
            payment,
            booking.paid,
            [],
            by,
            final_state="refunded",
            now=self._now(),
            shift_id=payment.shift_id,  # handed back at once, from the drawer it went into
        )

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
            closed = old.model_copy(
                update={
                    "state": "cancelled",
                    "history": [
                        *old.history,
                        HistoryEntry(
                            at=self._now(), by=actor.subject, event="replaced by a changed basket"
                        ),
                    ],
                }
            )
            self._store.bookings.save(closed)
            if old.promo_code:
                self._store.promos.give_back_use(old.promo_code.lower())
        basket.extended = False
        return self._start_booking(actor, basket, quote)

    def _start_booking(self, actor: Actor, basket: Basket, quote: Quote) -> Booking:
        self._extend_for_payment(basket)
        if basket.promo is not None and not self._store.promos.take_use(basket.promo.id):
            raise RuleViolation("promo", f"promo code {basket.promo.code} has been used up")
        now = self._now()
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
            held_until=dt.datetime.fromtimestamp(basket.held_until, dt.UTC),
            contact=basket.contact,
            customer_id=basket.customer_id,
            created_by=actor.subject,
            created_at=now,
            history=[HistoryEntry(at=now, by=actor.subject, event="payment started")],
        )
        booking = self._store.bookings.insert_unique_reference(booking, REFERENCE_ALPHABET)
        if basket.sales_closed_at:
            self.sales.record_late(actor, booking, basket.sales_closed_at)
        return booking

    def _extend_for_payment(self, basket: Basket) -> None:
        """Give payment time once: a fresh hold needs nothing, a lapsed one fails."""
        now = self._clock()
        if basket.held_until < now:
            raise HoldExpired()
        if basket.extended or basket.held_until - now > 120:
            return
        until = now + self._hold_seconds(basket.channel)
        if not self._inventory.extend(
            basket.showtime_id, basket.layout, basket.seats, basket.hold_id, until
        ):
            raise HoldExpired()
        basket.held_until, basket.extended = until, True

    def set_contact(
        self,
        actor: Actor,
        booking_id: str,
        *,
        email: str | None = None,
        phone: str | None = None,
        reminders: bool | None = None,
    ) -> Booking:
        """Store where the tickets should go; the notification service sends them."""
        booking = self._store.bookings.get(booking_id)
        self._access.require(actor, "sell", booking.theater_id)
        contact = build(
            Contact,
            email=email or booking.contact.email,
            phone=phone or booking.contact.phone,
            reminders=booking.contact.reminders if reminders is None else reminders,
        )
        now = self._now()
        saved = self._store.bookings.save(
            booking.model_copy(
                update={
                    "contact": contact,
                    "history": [
                        *booking.history,
                        HistoryEntry(at=now, by=actor.subject, event="contact details added"),
                    ],
                }
            )
        )
        self._events.publish(ContactChanged(saved.id, saved.reference, saved.showtime_id))
        return saved

    # -- rules ---------------------------------------------------------------
    def _rule_warnings(self, basket: Basket) -> list[str]:
        """Notes, in plain words, of what the companion rule will say at checkout."""
        companions = companions_without_wheelchair([basket.layout.seat(s) for s in basket.seats])
        if not companions:
            return []
        ids = ", ".join(seat.id for seat in companions)
        return [f"companion seat {ids} can only be booked with a wheelchair space"]

    def gap_warnings(self, basket: Basket, seat_map: SeatMap) -> list[str]:
        """Single empty seats this basket would leave, judged on a seat map the caller
        already has (a kiosk's live map), so holding a seat costs no extra read."""
        if self._config.gap_rule == "off" or not basket.seats:
            return []
        gaps = single_seat_gaps(seat_map, set(basket.seats))
        return [f"this would leave a single empty seat at {', '.join(gaps)}"] if gaps else []

    def _enforce_rules(self, actor: Actor, basket: Basket, override: bool) -> None:
        staff_override = override and actor.role in {"staff", "manager", "admin"}
        seats = [basket.layout.seat(s) for s in basket.seats]
        companions = companions_without_wheelchair(seats)
        if companions and not staff_override:
            ids = ", ".join(seat.id for seat in companions)
            raise RuleViolation(
                "companion",
                f"companion seat {ids} can only be booked together with a "
                "wheelchair space; please choose the wheelchair space too or another seat",
            )
        if self._config.gap_rule == "refuse" and not staff_override:
            seat_map = self._inventory.seat_map(actor, basket.showtime_id, basket.hold_id)
            gaps = single_seat_gaps(seat_map, set(basket.seats))
            if gaps:
                raise RuleViolation(
                    "gap",
                    f"please don't leave single empty seat {', '.join(gaps)}; "
                    "move over by one seat",
                )

    # -- helpers --------------------------------------------------------------
    def _hold_seconds(self, channel: str) -> float:
        minutes = (
            self._config.hold_minutes_counter
            if channel == "counter"
            else (self._config.hold_minutes_kiosk)
        )
        return minutes * 60.0

    def _now(self) -> dt.datetime:
        return utc_now(self._clock)

    def movement(
        self,
        kind: str,
        request: PaymentRequest,
        result: PaymentResult,
        provider: str,
        shift_id: str = "",
    ) -> MoneyMovement:
        return MoneyMovement(
            kind=kind,
            provider=provider,
            idempotency_key=request.idempotency_key,
            amount=result.amount,
            state=result.state,
            provider_ref=result.provider_ref,
            failure=result.failure,
            change_due=result.change_due,
            shift_id=shift_id,
            at=self._now(),
            action=result.action if result.state == "pending" else {},
        )

    def _record(self, booking: Booking, movement: MoneyMovement) -> Booking:
        return self._store.bookings.save(
            booking.model_copy(update={"payments": [*booking.payments, movement]})
        )
