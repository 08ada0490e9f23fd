"""Building a sale: baskets that hold seats, ticket types, extras, a promo, the quote.

Every command takes a basket's id, reads the basket record, and saves its change
in one conditional write (core/basket.py), returning the new record: any process
can continue a basket, and only the actor who opened it may. The seats are held
in the seat inventory with an expiry; checkout (core/services/checkout.py) turns
a basket into a booking and takes the payment.
"""

from __future__ import annotations

import secrets
import time

from core.basket import Basket, expiry_of
from core.clock import Clock, utc_now
from core.config import BookingConfig, PricingConfig
from core.errors import (
    AlreadyExists,
    HoldExpired,
    IdempotencyKeyReused,
    InvalidInput,
    NotFound,
    NotSellable,
    RuleViolation,
    SeatsTaken,
)
from core.events import ContactChanged, EventBus
from core.layout import SeatLayout
from core.models import Booking, Contact, Extra, PriceCard, Promo, Showtime
from core.phones import e164
from core.quote import Quote, build_quote, quote_of
from core.records import ShowtimeInfo
from core.repo.store import Store
from core.seat_map import SeatMap, companions_without_wheelchair, gap_warnings, single_seat_gaps
from core.services.access import Access, Actor
from core.services.cache import TtlCache
from core.services.inventory import InventoryService
from core.services.sales_window import SalesWindow
from core.services.validation import build

REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L look-alikes


class BookingService:
    def __init__(
        self,
        store: Store,
        inventory: InventoryService,
        events: EventBus,
        access: Access,
        booking_config: BookingConfig,
        pricing_config: PricingConfig,
        clock: Clock = time.time,
        country: str = "US",
    ) -> None:
        self._country = country  # box_office.country: a theater's that has none
        self._store = store
        self._inventory = inventory
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
        self,
        actor: Actor,
        showtime_id: str,
        channel: str = "kiosk",
        *,
        late: bool = False,
        hold_id: str | None = None,
        key: str | None = None,
    ) -> Basket:
        """Start a sale; after sales closed only staff may, with ``late`` (SalesClosed else).

        ``hold_id`` names the hold (a sale retried under its key, an exchange). ``key``
        (the caller's own, at most once per sale) names the basket: asked again with the
        same key, the basket the first call opened is answered."""
        showtime = self._showtime(showtime_id)
        self._access.require(actor, "sell", showtime.theater_id)
        if showtime.status != "scheduled":
            raise NotSellable("this showtime has been cancelled")
        closed = self.sales.admit(actor, showtime, late)
        basket = build(
            Basket,
            id=key or secrets.token_hex(12),
            showtime_id=showtime.id,
            theater_id=showtime.theater_id,
            owner=actor.subject,
            channel=channel,
            hold_id=hold_id or secrets.token_hex(12),
            expires_at=expiry_of(self._clock(), utc_now(self._clock)),
            sales_closed_at=closed,
        )
        try:
            return self._store.baskets.insert(basket)
        except AlreadyExists:
            if key is None:
                raise
        first = self.basket(actor, basket.id)  # only its owner's key finds it
        if first.showtime_id != showtime.id or first.channel != channel:
            raise IdempotencyKeyReused
        return first

    def basket(self, actor: Actor, basket_id: str) -> Basket:
        """The basket as it is now; only the actor who opened it may see it."""
        try:
            basket = self._store.baskets.get(basket_id)
        except NotFound:
            raise NotFound("basket", basket_id) from None
        if basket.owner != actor.subject:
            raise NotFound("basket", basket_id)
        return basket

    def discard(self, actor: Actor, basket_id: str) -> None:
        """Forget a basket nobody will continue (a one-command sale, an exchange)."""
        self._store.baskets.delete(self.basket(actor, basket_id).id)

    def save(self, basket: Basket, **changes: object) -> Basket:
        """Save ``changes`` to a basket read earlier, in one write (StaleBasket if it moved on)."""
        return self._store.baskets.save(basket.changed(**changes))

    def hold(self, actor: Actor, basket_id: str, seat_ids: list[str]) -> Basket:
        """Add seats to the basket, all or none; raises SeatsTaken naming the lost ones."""
        basket = self.basket(actor, basket_id)
        self._access.require(actor, "sell", basket.theater_id)
        wanted = [s for s in dict.fromkeys(x.upper() for x in seat_ids) if s not in basket.seats]
        if len(basket.seats) + len(wanted) > self._config.max_seats_per_booking:
            limit = self._config.max_seats_per_booking
            raise RuleViolation("max_seats", f"at most {limit} seats per booking")
        if not wanted:
            return basket
        showtime, layout = self._showtime(basket.showtime_id), self.layout_of(basket)
        until = self._clock() + self._hold_seconds(basket.channel)
        self._inventory.claim(showtime, layout, wanted, basket.hold_id, until)
        earlier = list(basket.seats)
        if earlier and not self._inventory.extend(
            basket.showtime_id, layout, earlier, basket.hold_id, until
        ):
            # The earlier seats' hold lapsed: take them again, or give it all up.
            try:
                self._inventory.claim(showtime, layout, earlier, basket.hold_id, until)
            except SeatsTaken:
                self._inventory.release(basket.showtime_id, layout, wanted, basket.hold_id)
                self._release(basket, None)
                raise HoldExpired() from None
        seats = earlier + wanted
        # Every seat of a basket shares the latest expiry.
        return self.save(
            basket, seats=seats, held_until=until, warnings=self._rule_warnings(layout, seats)
        )

    def release(self, actor: Actor, basket_id: str, seat_ids: list[str] | None = None) -> Basket:
        """Give seats back (all of them by default), e.g. on cancel or idle timeout."""
        return self._release(self.basket(actor, basket_id), seat_ids)

    def _release(self, basket: Basket, seat_ids: list[str] | None) -> Basket:
        asked = basket.seats if seat_ids is None else [s.upper() for s in seat_ids]
        gone = [s for s in dict.fromkeys(asked) if s in basket.seats]
        layout = self.layout_of(basket)
        self._inventory.release(basket.showtime_id, layout, gone, basket.hold_id)
        seats = [s for s in basket.seats if s not in gone]
        tickets = {k: v for k, v in basket.tickets.items() if k not in gone}
        warnings = self._rule_warnings(layout, seats)
        return self.save(basket, seats=seats, tickets=tickets, warnings=warnings)

    def toggle_seat(self, actor: Actor, basket_id: str, seat_id: str) -> Basket:
        seat_id = seat_id.upper()
        if seat_id in self.basket(actor, basket_id).seats:
            return self.release(actor, basket_id, [seat_id])
        return self.hold(actor, basket_id, [seat_id])

    def set_tickets(self, actor: Actor, basket_id: str, tickets: dict[str, str]) -> Basket:
        basket = self.basket(actor, basket_id)
        card = self.price_card(basket)
        for seat_id, ticket_type in tickets.items():
            if seat_id not in basket.seats:
                raise InvalidInput("tickets", f"seat {seat_id} is not in this booking")
            if ticket_type not in card.tickets:
                types = ", ".join(card.tickets)
                raise InvalidInput("tickets", f"no ticket type {ticket_type!r} (use {types})")
        if not tickets:
            return basket
        return self.save(basket, tickets=basket.tickets | tickets)

    def set_extras(self, actor: Actor, basket_id: str, extras: dict[str, int]) -> Basket:
        basket = self.basket(actor, basket_id)
        for extra_id, quantity in extras.items():
            extra = self._extra(extra_id)
            if not extra.active:
                raise InvalidInput("extras", f"{extra.name} is not on sale")
            if not 0 <= quantity <= 50:
                raise InvalidInput("extras", f"quantity of {extra.name} must be 0 to 50")
        if not extras:
            return basket
        kept = {k: v for k, v in (basket.extras | extras).items() if v > 0}
        return self.save(basket, extras=kept)

    def apply_promo(self, actor: Actor, basket_id: str, code: str | None) -> Basket:
        basket = self.basket(actor, basket_id)
        if not code:
            return self.save(basket, promo_code=None) if basket.promo_code else basket
        promo = self.promo_for(code)
        refusal = promo.refusal(self._showtime(basket.showtime_id), utc_now(self._clock))
        card = self.price_card(basket)
        if promo.kind == "fixed" and promo.currency != card.currency:
            refusal = (
                f"promo code {promo.code} is in {promo.currency}, prices are in {card.currency}"
            )
        if refusal:
            raise RuleViolation("promo", refusal)
        return self.save(basket, promo_code=promo.code)

    def set_buyer(
        self,
        actor: Actor,
        basket_id: str,
        contact: Contact,
        customer_id: str | None = None,
    ) -> Basket:
        """Where the tickets go and, for a signed-in customer, whose booking it will be."""
        basket = self.basket(actor, basket_id)
        if contact.phone:
            phone = self._phone(contact.phone, basket.theater_id)
            contact = contact.model_copy(update={"phone": phone})
        return self.save(basket, contact=contact, customer_id=customer_id or basket.customer_id)

    def _phone(self, phone: str, theater_id: str) -> str:
        """``phone`` in E.164, read as a number of the theater's country."""
        theater = self._store.theaters.get(theater_id)
        return e164(phone, theater.country or self._country)

    def promo_of(self, basket: Basket) -> Promo | None:
        return self.promo_for(basket.promo_code) if basket.promo_code else None

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

    def _showtime(self, showtime_id: str) -> Showtime:
        # Cached for a few seconds: a cancellation also closes the showtime's seat
        # inventory, so no hold or sale can succeed on a stale copy of it.
        return self._catalog.get(
            f"showtime:{showtime_id}", lambda: self._store.showtimes.get(showtime_id)
        )

    def showtime_of(self, basket: Basket) -> Showtime:
        return self._showtime(basket.showtime_id)

    def layout_of(self, basket: Basket) -> SeatLayout:
        """The seat layout of the basket's showtime (cached per auditorium)."""
        return self._inventory.layout(self._showtime(basket.showtime_id))

    def selling(self, actor: Actor, infos: list[ShowtimeInfo]) -> list[ShowtimeInfo]:
        """The showtimes of ``infos`` the caller may still sell now."""
        return self.sales.selling(actor, infos)

    def closed_at(self, showtime: Showtime) -> str:
        """When sales of ``showtime`` closed, as the theater's wall-clock time; "" while open."""
        return self.sales.closed_at(showtime)

    def price_card(self, basket: Basket) -> PriceCard:
        card_id = self._showtime(basket.showtime_id).price_card_id
        return self._catalog.get(f"card:{card_id}", lambda: self._store.price_cards.get(card_id))

    def _extra(self, extra_id: str) -> Extra:
        return self._catalog.get(f"extra:{extra_id}", lambda: self._store.extras.get(extra_id))

    def quote(self, actor: Actor, basket_id: str) -> Quote:
        return self.quote_of(self.basket(actor, basket_id))

    def quote_of(self, basket: Basket) -> Quote:
        """The price of a basket already read (the caller checked whose it is)."""
        card = self.price_card(basket)
        layout = self.layout_of(basket)
        default_type = next(iter(card.tickets))
        seats = [
            (layout.seat(seat_id), basket.tickets.get(seat_id, default_type))
            for seat_id in basket.seats
        ]
        extras = [(self._extra(k), n) for k, n in basket.extras.items()]
        return build_quote(
            card, seats, extras, promo=self.promo_of(basket), tax_rate_bp=self._pricing.tax_rate_bp
        )

    def sold_quote(self, booking: Booking) -> Quote:
        """The quote a booking was sold at (a sale asked for again by its key)."""
        return quote_of(booking, self._pricing.tax_rate_bp)

    def extend_for_payment(self, basket: Basket) -> Basket:
        """Give payment time once: a fresh hold needs nothing, a lapsed one fails."""
        now = self._clock()
        if basket.held_until < now:
            raise HoldExpired()
        if basket.extended or basket.held_until - now > 120:
            return basket
        until = now + self._hold_seconds(basket.channel)
        if not self._inventory.extend(
            basket.showtime_id, self.layout_of(basket), basket.seats, basket.hold_id, until
        ):
            raise HoldExpired()
        return self.save(basket, held_until=until, extended=True)

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
        if phone:
            phone = self._phone(phone, booking.theater_id)
        contact = build(
            Contact,
            email=email or booking.contact.email,
            phone=phone or booking.contact.phone,
            reminders=booking.contact.reminders if reminders is None else reminders,
        )
        noted = booking.noted(
            by=actor.subject,
            at=utc_now(self._clock),
            event="contact details added",
            contact=contact,
        )
        saved = self._store.bookings.save(noted)
        self._events.publish(ContactChanged(saved.id, saved.reference, saved.showtime_id))
        return saved

    # -- rules ---------------------------------------------------------------
    def _rule_warnings(self, layout: SeatLayout, seats: list[str]) -> list[str]:
        """Notes, in plain words, of what the companion rule will say at checkout."""
        companions = companions_without_wheelchair([layout.seat(s) for s in seats])
        if not companions:
            return []
        ids = ", ".join(seat.id for seat in companions)
        return [f"companion seat {ids} can only be booked with a wheelchair space"]

    def gap_warnings(self, basket: Basket, seat_map: SeatMap) -> list[str]:
        """Single empty seats this basket would leave, judged on a seat map the caller
        already has (a kiosk's live map), so holding a seat costs no extra read."""
        return gap_warnings(self._config.gap_rule, list(basket.seats), seat_map)

    def enforce_rules(self, actor: Actor, basket: Basket, override: bool) -> None:
        staff_override = override and actor.role in {"staff", "manager", "admin"}
        layout = self.layout_of(basket)
        companions = companions_without_wheelchair([layout.seat(s) for s in basket.seats])
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
