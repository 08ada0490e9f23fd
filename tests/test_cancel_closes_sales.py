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
    office, manager = offices
    basket = office.booking.new_basket(kiosk, hall.showtime_id)
    basket = office.booking.hold(kiosk, basket.id, ["A1", "A2", "B3"])

    manager.schedule.cancel_showtime(admin, hall.showtime_id)

    with pytest.raises(SeatsLost):
        office.checkout.checkout(kiosk, basket.id, "simulated")
    lost = office.store.bookings.get(office.store.baskets.get(basket.id).booking_id)
    assert lost.state == "refunded"
    assert lost.paid == 0 == net_charged(office, lost.id)
    assert sold_seats(office, hall.showtime_id) == {}
    assert consistency_problems(office, hall.showtime_id) == []


def test_stale_cached_showtime_cannot_hold(offices, hall, kiosk, admin):
    office, manager = offices
    office.booking.new_basket(kiosk, hall.showtime_id)  # the kiosk now caches the showtime
    manager.schedule.cancel_showtime(admin, hall.showtime_id)

    with pytest.raises(NotSellable):
        basket = office.booking.new_basket(kiosk, hall.showtime_id)
        basket = office.booking.hold(kiosk, basket.id, ["A1"])
    with pytest.raises(NotSellable):
        basket = office.booking.new_basket(kiosk, hall.showtime_id)
        basket = office.booking.hold(kiosk, basket.id, ["A2", "A3", "B1"])
    assert sold_seats(office, hall.showtime_id) == {}


def test_cancelling_in_the_same_process_refuses_new_baskets(offices, hall, kiosk, admin):
    office, _ = offices
    office.booking.new_basket(kiosk, hall.showtime_id)
    office.schedule.cancel_showtime(admin, hall.showtime_id)
    with pytest.raises(NotSellable):
        office.booking.new_basket(kiosk, hall.showtime_id)


def test_cancelled_before_any_hold_stays_closed(offices, hall, kiosk, admin):
    office, manager = offices
    office.booking.new_basket(kiosk, hall.showtime_id)
    manager.schedule.cancel_showtime(admin, hall.showtime_id)  # no row documents existed yet
    for seats in (["A1"], ["B4", "B5"]):
        with pytest.raises(NotSellable):
            office.booking.hold(kiosk, office.booking.new_basket(kiosk, hall.showtime_id).id, seats)


def test_hold_made_before_cancellation_cannot_be_sold_by_a_retry(offices, hall, kiosk, admin):
    office, manager = offices
    sold_before = office.booking.new_basket(kiosk, hall.showtime_id)
    sold_before = office.booking.hold(kiosk, sold_before.id, ["A1"])
    confirmed = office.checkout.checkout(kiosk, sold_before.id, "simulated")
    manager.schedule.cancel_showtime(admin, hall.showtime_id)
    # A sale made before the cancellation stands, and retrying it stays idempotent.
    assert office.inventory.sell(
        hall.showtime_id, hall.layout, ["A1"], confirmed.hold_id, confirmed.id
    )
    # Anything else is refused, even a seat that is free.
    assert not office.inventory.sell(hall.showtime_id, hall.layout, ["A2"], "h", "b" * 24)
    with pytest.raises(NotSellable):  # not "taken": no other seat of it is on sale either
        office.booking.hold(kiosk, office.booking.new_basket(kiosk, hall.showtime_id).id, ["A1"])


def test_removed_showtime_cannot_be_sold_from_a_cache(offices, hall, kiosk, admin):
    office, manager = offices
    basket = office.booking.new_basket(kiosk, hall.showtime_id)
    manager.schedule.remove_showtime(admin, hall.showtime_id)
    with pytest.raises(NotSellable):
        office.booking.hold(kiosk, basket.id, ["A1"])
