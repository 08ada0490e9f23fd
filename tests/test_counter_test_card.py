"""The simulated card moves no money: a real till neither offers nor takes it; the demo
and a box office in test mode (``payments.test_mode``, as the tests run) do."""

from __future__ import annotations

import datetime as dt

import pytest
from api_support import terminal_client

from core.errors import PermissionDenied
from core.repo.marks import DEMO_MARK


def test_a_real_till_neither_offers_nor_takes_the_simulated_card(open_office, hall, staff):
    real = open_office(payments={"test_mode": False})
    till = terminal_client(real, "counter", hall.theater.id)
    assert till.settings.counter_payment_methods == ["cash"]
    basket = real.booking.new_basket(staff, hall.showtime_id, "counter")
    real.booking.hold(staff, basket.id, ["A3"])
    with pytest.raises(PermissionDenied, match="moves no money"):
        real.checkout.checkout(staff, basket.id, "simulated")
    assert real.booking.basket(staff, basket.id).booking_id is None  # nothing started
    # A kiosk sale in the demo's own way is not the counter's business.
    kiosk = real.booking.new_basket(staff, hall.showtime_id, "kiosk")
    real.booking.hold(staff, kiosk.id, ["A4"])
    assert real.checkout.checkout(staff, kiosk.id, "simulated").state == "confirmed"


def test_the_demo_and_test_mode_offer_it_labelled_as_a_test_card(open_office, hall, staff):
    testing = open_office()  # the tests' environment: test mode
    till = terminal_client(testing, "counter", hall.theater.id)
    assert till.settings.counter_payment_methods == ["cash", "simulated"]
    label = testing.payments.choice(staff, "simulated").label
    assert label == "Test card (no money moves)"
    demo = open_office(payments={"test_mode": False}, kiosk={"payment_methods": ["paypal"]})
    demo.store.marks.put(DEMO_MARK, dt.datetime.now(dt.UTC))  # what seeding the demo does
    till = terminal_client(demo, "counter", hall.theater.id)  # the test card even so
    assert till.settings.counter_payment_methods == ["cash", "paypal", "simulated"]
    basket = demo.booking.new_basket(staff, hall.showtime_id, "counter")
    demo.booking.hold(staff, basket.id, ["A3"])
    assert demo.checkout.checkout(staff, basket.id, "simulated").state == "confirmed"
