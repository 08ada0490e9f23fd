"""A basket is a record in the database: any process continues it by id, only its owner
sees it, a stale copy is never saved over a newer one, and a restart loses none."""

from __future__ import annotations

import pytest
from booking_support import assert_consistent, sold_seats
from kiosk_support import SIZE, choose_seats, make_kiosk, open_seat_map, seeded_demo
from pydantic import ValidationError

from core.bootstrap import open_box_office
from core.errors import NotFound, StaleBasket
from core.models import Contact
from core.services.access import Actor

demo = pytest.fixture(seeded_demo)


def test_a_second_box_office_continues_the_basket_and_checks_it_out(
    open_office, box_office, hall, kiosk
):
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, ["B1", "B5"])
    basket = box_office.booking.set_tickets(kiosk, basket.id, {"B1": "child"})
    other = open_office()  # another terminal's process, on the same database

    assert other.booking.basket(kiosk, basket.id) == basket
    other.booking.set_buyer(kiosk, basket.id, Contact(email="ada@example.com"))
    booking = other.checkout.checkout(kiosk, basket.id, "simulated")

    assert booking.state == "confirmed"
    assert [(s.seat_id, s.ticket_type) for s in booking.seats] == [
        ("B1", "child"),
        ("B5", "adult"),
    ]
    assert booking.contact.email == "ada@example.com"
    assert sold_seats(box_office, hall.showtime_id) == {"B1": booking.id, "B5": booking.id}
    assert box_office.booking.basket(kiosk, basket.id).seats == []  # the first process sees it
    assert_consistent(box_office, hall)


def test_a_restart_loses_no_basket(open_office, box_office, hall, kiosk, staff):
    """Every basket, with all its choices, is there for a new box office on the database."""
    popcorn = box_office.pricing.add_extra(Actor.local_admin(), name="Popcorn", price=550)
    first = box_office.booking.new_basket(kiosk, hall.showtime_id)
    first = box_office.booking.hold(kiosk, first.id, ["A3", "A4"])
    first = box_office.booking.set_extras(kiosk, first.id, {popcorn.id: 2})
    second = box_office.booking.new_basket(staff, hall.showtime_id, "counter")
    second = box_office.booking.hold(staff, second.id, ["B6"])
    second = box_office.booking.set_buyer(staff, second.id, Contact(phone="+44 20 7946 0000"))
    empty = box_office.booking.new_basket(kiosk, hall.showtime_id)
    box_office.close()

    restarted = open_office()

    assert restarted.booking.basket(kiosk, first.id) == first
    assert restarted.booking.basket(staff, second.id) == second
    assert restarted.booking.basket(kiosk, empty.id) == empty
    booking = restarted.checkout.checkout(kiosk, first.id, "simulated")
    assert booking.state == "confirmed" and booking.total == 2 * 1250 + 2 * 550


def test_only_the_actor_who_opened_a_basket_may_see_or_change_it(box_office, hall, kiosk):
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, ["A3"])
    stranger = Actor(subject="kiosk-2", role="kiosk", theaters=kiosk.theaters)
    manager = Actor(subject="m", role="manager", theaters=kiosk.theaters)

    asks = [
        lambda actor: box_office.booking.basket(actor, basket.id),
        lambda actor: box_office.booking.hold(actor, basket.id, ["A4"]),
        lambda actor: box_office.booking.release(actor, basket.id),
        lambda actor: box_office.booking.set_extras(actor, basket.id, {}),
        lambda actor: box_office.booking.quote(actor, basket.id),
        lambda actor: box_office.checkout.checkout(actor, basket.id, "simulated"),
        lambda actor: box_office.checkout.abandon(actor, basket.id),
    ]
    for actor in (stranger, manager):
        for ask in asks:
            with pytest.raises(NotFound, match=f"no basket '{basket.id}'"):
                ask(actor)
    assert box_office.booking.basket(kiosk, basket.id) == basket  # nothing changed
    with pytest.raises(NotFound, match="no basket 'nope'"):
        box_office.booking.basket(kiosk, "nope")


def test_a_stale_copy_is_never_saved_over_a_newer_change(open_office, box_office, hall, kiosk):
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    seen_here = box_office.booking.hold(kiosk, basket.id, ["A3"])
    seen_there = open_office().booking.basket(kiosk, basket.id)
    newer = box_office.booking.hold(kiosk, basket.id, ["A4"])

    with pytest.raises(StaleBasket):
        box_office.booking.save(seen_there, seats=["A3"])
    with pytest.raises(StaleBasket):
        box_office.booking.save(seen_here, promo_code="SAVE15")

    stored = box_office.booking.basket(kiosk, basket.id)
    assert stored == newer and stored.seats == ["A3", "A4"]
    assert stored.version == seen_here.version + 1


def test_abandoned_baskets_go_away_by_themselves(box_office, hall, kiosk, clock):
    """A TTL index on the expiry drops a basket a while after its hold lapsed."""
    indexes = box_office.store.database["baskets"].index_information()
    ttl = [i for i in indexes.values() if "expireAfterSeconds" in i]
    assert [(i["key"], i["expireAfterSeconds"]) for i in ttl] == [([("expires_at", 1)], 0)]
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    held = box_office.booking.hold(kiosk, basket.id, ["A3"])
    assert held.expires_at.timestamp() > held.held_until > clock()
    assert held.expires_at > basket.expires_at  # a later hold keeps it longer


def test_the_basket_a_caller_gets_is_read_only(box_office, hall, kiosk):
    """Screens and commands get a frozen copy: a change goes through a service call."""
    basket = box_office.booking.hold(
        kiosk, box_office.booking.new_basket(kiosk, hall.showtime_id).id, ["A3"]
    )
    with pytest.raises(ValidationError, match="frozen"):
        basket.seats = ["A4"]
    with pytest.raises(ValidationError, match="frozen"):
        basket.booking_id = "b1"
    assert box_office.booking.basket(kiosk, basket.id).seats == ["A3"]


async def test_the_kiosk_shows_the_basket_as_stored_and_another_process_can_read_it(demo, config):
    """The kiosk's screens keep the id and the view each service call returned."""
    app = make_kiosk(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_seat_map(pilot)
        chosen = await choose_seats(pilot, 2)
        shown = app.basket
        assert shown.seats == chosen
        with open_box_office(config) as other:
            assert other.booking.basket(app.actor, shown.id) == shown
        assert app.errors == []
