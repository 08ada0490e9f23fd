"""A sale as one command: hold the seats, price them, take the payment, confirm.

For the CLI's ``marquee book`` (and any caller that has the whole order at once).
Whatever fails after the seats are held, the sale is abandoned before the error
goes back: the seats are given back and an unpaid booking is closed.
"""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import replace

from core.errors import InvalidInput, NotSellable, SeatsLost
from core.models import Booking
from core.records import Sale as Sale
from core.records import SaleOrder as SaleOrder
from core.repo.store import Store
from core.services.access import Access, Actor
from core.services.booking import BookingService
from core.services.checkout import CheckoutService
from core.services.payment_methods import PaymentMethods

KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class SellService:
    def __init__(
        self,
        store: Store,
        baskets: BookingService,
        checkout: CheckoutService,
        payments: PaymentMethods,
        access: Access,
    ) -> None:
        self._store = store
        self._baskets = baskets
        self._checkout = checkout
        self._payments = payments
        self._access = access

    def sell(self, actor: Actor, order: SaleOrder) -> Sale:
        """Sell ``order`` and return the confirmed booking, or raise a domain error after
        giving back what was held. A payment made away from the screen (a phone, a
        reader) comes back pending with the basket that follows it
        (``checkout.follow_payment``), its seats still held; a webhook or reconcile
        settles it if nobody follows it.

        With ``order.key`` the sale's seats are held, and its booking started, under a
        hold named for the key: asked again with the same key, a confirmed sale is
        returned as it was, one still being paid is refused, and one that ended
        unpaid (declined, abandoned, expired) is tried anew."""
        self._payments.get(actor, order.pay)  # an unknown method fails before any seat is held
        presented = order.card if self._checkout.takes_test_cards(order.pay) else None
        if order.card is not None and order.pay != "simulated" and presented is None:
            raise InvalidInput("card", "is only for --pay simulated or a reader in test mode")
        earlier = self._earlier(actor, order.key) if order.key else None
        if earlier is not None:
            return Sale(earlier, self._baskets.sold_quote(earlier))
        channel = order.channel or ("counter" if order.pay == "cash" else "cli")
        baskets = self._baskets
        hold_id = sale_hold(order.key) if order.key else None
        basket_id = baskets.new_basket(
            actor, order.showtime_id, channel, late=order.late, hold_id=hold_id
        ).id
        try:
            sale = self._sell_with(actor, order, basket_id, presented)
        except BaseException:
            with suppress(Exception):  # a basket of one command: nobody continues it
                baskets.discard(actor, basket_id)
            raise
        if sale.booking.state != "pending_payment":
            with suppress(Exception):  # a basket of one command: nobody continues it
                baskets.discard(actor, basket_id)
            return sale
        return replace(sale, basket_id=basket_id)

    def _sell_with(
        self,
        actor: Actor,
        order: SaleOrder,
        basket_id: str,
        presented: str | None,
    ) -> Sale:
        baskets = self._baskets
        baskets.hold(actor, basket_id, list(order.seat_ids))
        try:
            baskets.set_tickets(actor, basket_id, order.tickets)
            baskets.set_extras(actor, basket_id, order.extras)
            baskets.apply_promo(actor, basket_id, order.promo)
            baskets.set_buyer(actor, basket_id, order.contact)
            quote = baskets.quote(actor, basket_id)
            booking = self._checkout.checkout(
                actor,
                basket_id,
                order.pay,
                tendered=order.tendered,
                card=None if presented else order.card,
                override_rules=order.override_rules,
            )
            if booking.state == "pending_payment" and presented:
                self._checkout.present_test_card(actor, basket_id, presented)
        except BaseException:
            with suppress(Exception):  # the first error is the one to show
                self._checkout.abandon(actor, basket_id)
            raise
        return Sale(booking, quote)

    def _earlier(self, actor: Actor, key: str) -> Booking | None:
        """The confirmed booking an earlier sale under ``key`` made, if any."""
        for booking in self._store.bookings.of_hold(sale_hold(key)):
            self._access.require(actor, "sell", booking.theater_id)
            if booking.state == "confirmed":
                return booking
            if booking.state == "pending_payment":
                raise NotSellable(
                    f"sale {key} is still being paid (booking {booking.reference}); "
                    "reconcile settles it"
                )
            if booking.state in {"refund_due", "refunded"}:
                raise SeatsLost(
                    f"sale {key} lost its seats and was refunded (booking {booking.reference})"
                )
        return None


def sale_hold(key: str) -> str:
    """The hold (and so the booking) a sale under the caller's ``key`` is made with."""
    if not KEY.match(key):
        raise InvalidInput("key", "must be 8 to 64 letters, digits, '-' or '_'")
    return f"sale-{key}"
