"""Two box-office servers on one database, as behind a load balancer: clerks racing
for the same seats through both sell each seat once, and a sale retried at the other
server after its own died is the same sale, paid once."""

from __future__ import annotations

import random
import threading
import time

import pytest
from api_support import STAFF
from booking_support import consistency_problems, net_charged, sold_seats
from server_support import clerk, start, stop, two_servers

from client.remote import RemoteBoxOffice
from core.bootstrap import open_box_office
from core.errors import NotSellable, SeatsTaken, StorageError
from core.records import SaleOrder
from core.services.access import Actor
from core.services.sell import sale_hold

ANYONE = Actor.public()  # the face's actor argument: the servers take the clerk from the token
CLERKS = 8
LATER = 60 * 60  # reconcile an hour later: every hold has lapsed, the grace is over
SEATS = ["A3", "A4", "A5", "A6", "B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8"]


@pytest.fixture
def servers(box_office):
    with two_servers(box_office) as made:
        yield made


def test_clerks_racing_through_two_servers_sell_each_seat_once(servers, box_office):
    hall, started = servers
    clerks = [clerk(started[n % 2][1]) for n in range(CLERKS)]
    sold: list[tuple[str, str]] = []  # (seat, reference) of every sale a clerk was told of
    refused: list[str] = []
    failures: list[BaseException] = []
    go = threading.Barrier(CLERKS)

    def sell_everything(remote: RemoteBoxOffice, seed: int) -> None:
        try:
            sell_in_turn(remote, random.Random(seed).sample(SEATS, len(SEATS)))
        except BaseException as error:  # the test fails on it, not the thread alone
            failures.append(error)

    def sell_in_turn(remote: RemoteBoxOffice, order: list[str]) -> None:
        go.wait()
        for seat in order:
            sale = SaleOrder(hall.showtime_id, (seat,), "simulated", override_rules=True)
            try:
                booking = remote.sales.sell(ANYONE, sale).booking
            except SeatsTaken:
                refused.append(seat)
                continue
            sold.append((seat, booking.reference))

    threads = [threading.Thread(target=sell_everything, args=(c, n)) for n, c in enumerate(clerks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    assert sorted(seat for seat, _ in sold) == sorted(SEATS)  # each seat sold, once
    assert len(refused) == CLERKS * len(SEATS) - len(SEATS)
    assert set(sold_seats(box_office, hall.showtime_id)) == set(SEATS)
    assert consistency_problems(box_office, hall.showtime_id) == []


def test_a_sale_retried_at_the_other_server_after_a_crash_is_sold_once(servers, box_office):
    hall, ((first, first_url), (_second, second_url)) = servers
    order = SaleOrder(hall.showtime_id, ("B1", "B2"), "simulated", key="till-2-sale-0001")
    made = clerk(first_url).sales.sell(ANYONE, order).booking
    first.kill()  # the server dies; the till never heard the answer and tries elsewhere
    first.wait(timeout=30)

    again = clerk(second_url).sales.sell(ANYONE, order).booking

    assert again.reference == made.reference and again.state == "confirmed"
    bookings = box_office.store.bookings.find({})
    assert [(b.reference, b.paid) for b in bookings] == [(made.reference, made.total)]
    assert sold_seats(box_office, hall.showtime_id) == {"B1": made.id, "B2": made.id}


def test_a_server_killed_mid_sale_then_the_sale_retried_at_the_other_is_sold_once(
    servers, box_office, config
):
    """The first server dies while it sells (its booking is written, the answer never
    comes); the till sends the same sale, same key, to the other server. Whatever the
    moment of death, once reconcile has settled what was left open the seats are sold
    once, to one booking, and the money was taken once."""
    hall, ((first, first_url), (_second, second_url)) = servers
    order = SaleOrder(hall.showtime_id, ("B3", "B4"), "simulated", key="till-3-sale-0001")
    till = RemoteBoxOffice(first_url, retries=0)
    till.sign_in(*STAFF)
    lost: list[BaseException] = []

    def sell() -> None:
        try:
            till.sales.sell(ANYONE, order)
        except StorageError as error:  # the server died under the request
            lost.append(error)

    selling = threading.Thread(target=sell)
    selling.start()
    while not box_office.store.bookings.of_hold(sale_hold(order.key)) and selling.is_alive():
        pass  # the moment the sale's booking is written, the server dies
    first.kill()
    first.wait(timeout=30)
    selling.join(timeout=30)

    other = clerk(second_url)
    try:
        again = other.sales.sell(ANYONE, order).booking
    except NotSellable:  # killed between the charge and the confirmation: still being paid
        with open_box_office(config, clock=lambda: time.time() + LATER) as later:
            later.reconcile.run(Actor.local_admin())
        again = other.sales.sell(ANYONE, order).booking

    # A booking the dead server left unpaid ended without money; one was sold, paid once.
    bookings = box_office.store.bookings.find({})
    assert [b.reference for b in bookings if b.state == "confirmed"] == [again.reference]
    assert sum(net_charged(box_office, b.id) for b in bookings) == again.total == again.paid
    assert all(b.paid == 0 for b in bookings if b.id != again.id)
    assert sold_seats(box_office, hall.showtime_id) == {"B3": again.id, "B4": again.id}
    assert consistency_problems(box_office, hall.showtime_id) == []


def test_seats_held_through_one_server_stay_held_when_it_is_killed_and_restarted(
    servers, box_office
):
    """A hold lives in the database, not in a server: when the server it was made
    through dies, the other server refuses its seats to anyone else, and the basket
    is paid for through a server started in the dead one's place."""
    hall, ((first, first_url), (_second, second_url)) = servers
    till = clerk(first_url)
    basket = till.booking.new_basket(ANYONE, hall.showtime_id, "counter")
    basket = till.booking.hold(ANYONE, basket.id, ["B5", "B6"])
    first.kill()
    first.wait(timeout=30)

    rival = clerk(second_url)
    other = rival.booking.new_basket(ANYONE, hall.showtime_id, "counter")
    with pytest.raises(SeatsTaken) as taken:
        rival.booking.hold(ANYONE, other.id, ["B6", "B7"])
    assert "B6" in taken.value.unavailable and "B7" not in taken.value.unavailable

    restarted, restarted_url = start()
    try:
        same = RemoteBoxOffice(restarted_url, till.token)  # the same session, a new server
        assert same.booking.basket(ANYONE, basket.id).seats == ["B5", "B6"]
        booking = same.checkout.checkout(ANYONE, basket.id, "simulated")
        assert booking.state == "confirmed"
    finally:
        stop(restarted)
    assert sold_seats(box_office, hall.showtime_id) == {"B5": booking.id, "B6": booking.id}
    assert consistency_problems(box_office, hall.showtime_id) == []
