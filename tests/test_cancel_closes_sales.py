"""Cancelling a showtime stops its sales at once, in every process.

Sellers cache showtime records for a few seconds, so the cancellation itself
closes the showtime's seat inventory: a hold or sale after it fails even in a
process whose cached copy still says "scheduled", and a payment that arrives
after it is refunded.
"""

from __future__ import annotations

import pytest
from booking_support import (
    Clock,
    consistency_problems,
    make_hall,
    net_charged,
    sold_seats,
    tomorrow,
)

from core.bootstrap import open_box_office
from core.errors import NotSellable, SeatsLost
from core.services.access import Actor

LAYOUT = "==== SCREEN ====\nA  SSSS.SSSS\nB  SSSS.SSSS\n"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def offices(config, clock):
    """Two processes' worth of services: a kiosk's and a manager's."""
    kiosk_office = open_box_office(config, clock=clock)
    manager_office = open_box_office(config, clock=clock)
    yield kiosk_office, manager_office
    kiosk_office.connection.client.drop_database(config.mongo.db_name)
    kiosk_office.close()
    manager_office.close()


@pytest.fixture
def hall(offices, admin, clock):
    return make_hall(offices[0], admin, LAYOUT, starts_at=tomorrow(clock))


@pytest.fixture
def kiosk(hall) -> Actor:
    return Actor(subject="kiosk-1", role="kiosk", theaters=(hall.theater.id,))


def test_payment_after_cancellation_is_refunded(offices, hall, kiosk, admin):
    box_office, manager = offices
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, ["A1", "A2", "B3"])

    manager.schedule.cancel_showtime(admin, hall.showtime_id)

    with pytest.raises(SeatsLost):
        box_office.checkout.checkout(kiosk, basket.id, "simulated")
    lost = box_office.store.bookings.get(box_office.store.baskets.get(basket.id).booking_id)
    assert lost.state == "refunded"
    assert lost.paid == 0 == net_charged(box_office, lost.id)
    assert sold_seats(box_office, hall.showtime_id) == {}
    assert consistency_problems(box_office, hall.showtime_id) == []


def test_stale_cached_showtime_cannot_hold(offices, hall, kiosk, admin):
    box_office, manager = offices
    box_office.booking.new_basket(kiosk, hall.showtime_id)  # the kiosk now caches the showtime
    manager.schedule.cancel_showtime(admin, hall.showtime_id)

    with pytest.raises(NotSellable):
        basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
        basket = box_office.booking.hold(kiosk, basket.id, ["A1"])
    with pytest.raises(NotSellable):
        basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
        basket = box_office.booking.hold(kiosk, basket.id, ["A2", "A3", "B1"])
    assert sold_seats(box_office, hall.showtime_id) == {}


def test_cancelling_in_the_same_process_refuses_new_baskets(offices, hall, kiosk, admin):
    box_office, _ = offices
    box_office.booking.new_basket(kiosk, hall.showtime_id)
    box_office.schedule.cancel_showtime(admin, hall.showtime_id)
    with pytest.raises(NotSellable):
        box_office.booking.new_basket(kiosk, hall.showtime_id)


def test_cancelled_before_any_hold_stays_closed(offices, hall, kiosk, admin):
    box_office, manager = offices
    box_office.booking.new_basket(kiosk, hall.showtime_id)
    manager.schedule.cancel_showtime(admin, hall.showtime_id)  # no row documents existed yet
    for seats in (["A1"], ["B4", "B5"]):
        with pytest.raises(NotSellable):
            box_office.booking.hold(
                kiosk, box_office.booking.new_basket(kiosk, hall.showtime_id).id, seats
            )


def test_hold_made_before_cancellation_cannot_be_sold_by_a_retry(offices, hall, kiosk, admin):
    box_office, manager = offices
    sold_before = box_office.booking.new_basket(kiosk, hall.showtime_id)
    sold_before = box_office.booking.hold(kiosk, sold_before.id, ["A1"])
    confirmed = box_office.checkout.checkout(kiosk, sold_before.id, "simulated")
    manager.schedule.cancel_showtime(admin, hall.showtime_id)
    # A sale made before the cancellation stands, and retrying it stays idempotent.
    assert box_office.inventory.sell(
        hall.showtime_id, hall.layout, ["A1"], confirmed.hold_id, confirmed.id
    )
    # Anything else is refused, even a seat that is free.
    assert not box_office.inventory.sell(hall.showtime_id, hall.layout, ["A2"], "h", "b" * 24)
    with pytest.raises(NotSellable):  # not "taken": no other seat of it is on sale either
        box_office.booking.hold(
            kiosk, box_office.booking.new_basket(kiosk, hall.showtime_id).id, ["A1"]
        )


def test_removed_showtime_cannot_be_sold_from_a_cache(offices, hall, kiosk, admin):
    box_office, manager = offices
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    manager.schedule.remove_showtime(admin, hall.showtime_id)
    with pytest.raises(NotSellable):
        box_office.booking.hold(kiosk, basket.id, ["A1"])
