"""The checkout capability: requests and answers of CheckoutService."""

from __future__ import annotations

from core.basket import Basket
from core.models import Booking
from server.contract.base import Operation, Request


class CheckoutAbandonIn(Request):
    basket_id: str


class CheckoutBookingOfIn(Request):
    basket_id: str


class CheckoutCancelPaymentIn(Request):
    basket_id: str


class CheckoutCheckoutIn(Request):
    basket_id: str
    method: str
    tendered: int | None = None
    card: str | None = None
    override_rules: bool = False


class CheckoutFollowPaymentIn(Request):
    basket_id: str


class CheckoutPresentTestCardIn(Request):
    basket_id: str
    number: str


class CheckoutTakesTestCardsIn(Request):
    method: str


OPERATIONS = (
    Operation("checkout", "abandon", CheckoutAbandonIn, Basket | None, writes=True, positional=1),
    Operation("checkout", "booking_of", CheckoutBookingOfIn, Booking | None, positional=1),
    Operation(
        "checkout", "cancel_payment", CheckoutCancelPaymentIn, Booking, writes=True, positional=1
    ),
    Operation("checkout", "checkout", CheckoutCheckoutIn, Booking, writes=True, positional=2),
    Operation(
        "checkout", "follow_payment", CheckoutFollowPaymentIn, Booking, writes=True, positional=1
    ),
    Operation(
        "checkout", "present_test_card", CheckoutPresentTestCardIn, None, writes=True, positional=2
    ),
    Operation(
        "checkout", "takes_test_cards", CheckoutTakesTestCardsIn, bool, actor=False, positional=1
    ),
)
