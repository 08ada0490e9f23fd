"""Building a sale: baskets that hold seats, ticket types, extras, a promo, the quote.

The seats of a basket are held in the database with an expiry (a restart loses
nothing that matters: the holds lapse); checkout (core/services/checkout.py)
turns a basket into a booking and takes the payment.
"""

from __future__ import annotations

import time

from core.basket import Basket
from core.clock import Clock, utc_now
from core.config import BookingConfig, PricingConfig
from core.errors import HoldExpired, InvalidInput, NotFound, NotSellable, RuleViolation, SeatsTaken
from core.events import ContactChanged, EventBus
from core.models import Booking, Contact, Extra, PriceCard, Promo
from core.quote import Quote, build_quote, quote_of
from core.repo.store import Store
from core.seatmap import SeatMap, companions_without_wheelchair, single_seat_gaps
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
    ) -> None:
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
        refusal = promo.refusal(basket.showtime, utc_now(self._clock))
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

    def sold_quote(self, booking: Booking) -> Quote:
        """The quote a booking was sold at (a sale asked for again by its key)."""
        return quote_of(booking, self._pricing.tax_rate_bp)

    def extend_for_payment(self, basket: Basket) -> None:
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

    def enforce_rules(self, actor: Actor, basket: Basket, override: bool) -> None:
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
