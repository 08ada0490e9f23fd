"""Two box-office servers on one database, as behind a load balancer: clerks racing
for the same seats through both sell each seat once, and a sale retried at the other
server after its own died is the same sale, paid once."""

from __future__ import annotations

import random
import threading

import pytest
from booking_support import consistency_problems, sold_seats
from server_support import clerk, two_servers

from client.remote import RemoteBoxOffice
from core.errors import SeatsTaken
from core.records import SaleOrder
from core.services.access import Actor

ANYONE = Actor.public()  # the face's actor argument: the servers take the clerk from the token
CLERKS = 8
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
