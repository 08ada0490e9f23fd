"""Helpers for the booking tests: a controllable clock, a hall with a showtime, checks of
seat/booking/money consistency, and the worker process of the multi-process race test.

Run as a script (``python tests/booking_support.py SHOWTIME_ID SECONDS SEED START_AT``) it is one
race worker: it opens its own box office from the MARQUEE_* environment and sells
random groups of adjacent seats of one showtime until the hall is sold out or time is up,
then prints a JSON summary on stdout.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

if __name__ == "__main__":  # a race worker started as a script: make `core` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.bootstrap import BoxOffice
from core.errors import PaymentFailed
from core.layout import SeatLayout, layout_of
from core.models import Auditorium, Booking, Movie, PriceCard, Showtime, Theater
from core.payment_providers.simulated import SimulatedProvider
from core.services.access import Actor

# A1 wheelchair, A2 companion, A3-A6 standard | aisle | A7 standard, A8 blocked;
# B1-B4 standard | aisle | B5-B8 VIP.
LAYOUT = "==== SCREEN ====\nA  WCSSSS.SX\nB  SSSS.VVVV\n"


class Clock:
    """A clock tests move by hand: ``clock()`` is the current epoch time in seconds."""

    def __init__(self, start: float | None = None) -> None:
        # Whole seconds, so datetimes stored with millisecond precision compare exactly.
        self.now = float(int(time.time()) if start is None else start)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        self.now += seconds
        return self.now


@dataclass
class Hall:
    theater: Theater
    auditorium: Auditorium
    movie: Movie
    card: PriceCard
    showtime: Showtime
    layout: SeatLayout

    @property
    def showtime_id(self) -> str:
        return self.showtime.id


def make_hall(
    box_office: BoxOffice,
    admin: Actor,
    layout_text: str,
    *,
    starts_at: dt.datetime,
    tickets: dict[str, int] | None = None,
    surcharges: dict[str, int] | None = None,
) -> Hall:
    theater = box_office.venues.add_theater(admin, name="Rialto")
    auditorium = box_office.venues.add_auditorium(
        admin, theater_id=theater.id, name="Screen 1", layout_text=layout_text
    )
    movie = box_office.catalog.add_movie(admin, title="Metropolis", runtime_min=90)
    card = box_office.pricing.add_price_card(
        admin,
        name="Standard",
        tickets=tickets or {"adult": 1250, "child": 900},
        surcharges=surcharges if surcharges is not None else {"vip": 300},
    )
    showtime = box_office.schedule.add_showtime(
        admin,
        movie_id=movie.id,
        auditorium_id=auditorium.id,
        starts_at=starts_at,
        price_card_id=card.id,
    )
    return Hall(theater, auditorium, movie, card, showtime, layout_of(auditorium.layout))


def tomorrow(clock: Clock) -> dt.datetime:
    start = dt.datetime.fromtimestamp(clock.now, dt.UTC) + dt.timedelta(days=1)
    return start.replace(minute=0, second=0, microsecond=0)


def lose_the_database_after_each_charge(monkeypatch, lose) -> None:
    """The simulated acquirer takes the money, then ``lose()`` takes the database away:
    the moment between a charge and the write that confirms the booking."""
    charge = SimulatedProvider.start

    def charge_then_lose_the_database(provider, request):
        result = charge(provider, request)
        if result.state == "succeeded":
            lose()
        return result

    monkeypatch.setattr(SimulatedProvider, "start", charge_then_lose_the_database)


# -- consistency -----------------------------------------------------------------------------
def sold_seats(box_office: BoxOffice, showtime_id: str) -> dict[str, str]:
    """Seat id -> booking id, straight from the row documents."""
    return {
        f"{row.row}{number}": booking_id
        for row in box_office.store.seats.rows(showtime_id)
        for number, booking_id in row.sold.items()
    }


def live_holds(box_office: BoxOffice, showtime_id: str, now: float) -> dict[str, str]:
    """Seat id -> hold id of every hold that has not lapsed at ``now``."""
    return {
        f"{row.row}{number}": hold_id
        for row in box_office.store.seats.rows(showtime_id)
        for number, (hold_id, until) in row.held.items()
        if until >= now
    }


def showtime_bookings(box_office: BoxOffice, showtime_id: str) -> list[Booking]:
    return [b for b in box_office.store.bookings.find({}) if b.showtime_id == showtime_id]


def consistency_problems(box_office: BoxOffice, showtime_id: str) -> list[str]:
    """What is wrong between the row documents and the bookings of one showtime."""
    problems: list[str] = []
    sold = sold_seats(box_office, showtime_id)
    bookings = {b.id: b for b in showtime_bookings(box_office, showtime_id)}
    owners: dict[str, list[str]] = {}
    for booking in bookings.values():
        if booking.state != "confirmed":
            continue
        for seat in booking.active_seats:
            owners.setdefault(seat.seat_id, []).append(booking.reference)
            if sold.get(seat.seat_id) != booking.id:
                problems.append(
                    f"{seat.seat_id} is active in confirmed booking {booking.reference} "
                    f"but sold to {sold.get(seat.seat_id)!r}"
                )
    for seat_id, references in owners.items():
        if len(references) > 1:
            problems.append(f"{seat_id} is active in several bookings: {references}")
    for seat_id, booking_id in sold.items():
        booking = bookings.get(booking_id)
        if booking is None:
            problems.append(f"{seat_id} is sold to unknown booking {booking_id}")
        elif booking.state != "confirmed":
            problems.append(f"{seat_id} is sold to {booking.state} booking {booking.reference}")
        elif seat_id not in {s.seat_id for s in booking.active_seats}:
            problems.append(f"{seat_id} is sold to {booking.reference}, which does not list it")
    active = sum(len(b.active_seats) for b in bookings.values() if b.state == "confirmed")
    if active != len(sold):
        problems.append(f"{len(sold)} seats sold but {active} active seats in confirmed bookings")
    return problems


# -- money at the simulated acquirer ------------------------------------------------------------
# Test cards the simulated acquirer and the Stripe stand-in both know.
APPROVED, DECLINED = "4242424242424242", "4000000000000002"


def ledger_entries(box_office: BoxOffice) -> dict[str, dict]:
    """The simulated acquirer's books, as it shows them."""
    return box_office.payments.get(None, "simulated").ledger_entries()


def net_charged(box_office: BoxOffice, booking_id: str) -> int:
    """What the simulated acquirer kept for a booking: payments less refunds."""
    entries = ledger_entries(box_office)
    payments = {
        key: entry
        for key, entry in entries.items()
        if key.startswith(f"pay:{booking_id}:") and entry["state"] == "succeeded"
    }
    refunds = [
        entry
        for key, entry in entries.items()
        if key.startswith("refund:") and entry.get("payment") in payments
    ]
    return sum(e["amount"] for e in payments.values()) - sum(e["amount"] for e in refunds)


# -- shared by the booking engine tests -----------------------------------------------------
DECLINED = "4000000000000002"
HOLD_S = 8 * 60  # hold_minutes_kiosk
GRACE_S = 5 * 60  # RECONCILE_GRACE


def states(box_office, actor, hall, hold_id: str = "") -> dict[str, str]:
    seat_map = box_office.inventory.seat_map(actor, hall.showtime_id, hold_id)
    return {status.seat.id: str(status.state) for status in seat_map}


def buy(box_office, actor, hall, seats, **checkout):
    basket = box_office.booking.new_basket(actor, hall.showtime_id)
    basket = box_office.booking.hold(actor, basket.id, seats)
    return box_office.checkout.checkout(actor, basket.id, "simulated", **checkout)


def assert_consistent(box_office, hall):
    assert consistency_problems(box_office, hall.showtime_id) == []


def declined(box_office, actor, showtime_id: str, seats: list[str]):
    """A basket holding ``seats`` whose card was just declined: its booking waits for
    another card. The basket as stored."""
    basket = box_office.booking.new_basket(actor, showtime_id)
    basket = box_office.booking.hold(actor, basket.id, seats)
    with pytest.raises(PaymentFailed):
        box_office.checkout.checkout(actor, basket.id, "simulated", card=DECLINED)
    return box_office.booking.basket(actor, basket.id)


class SlowProvider:
    """The box office's own simulated card, with something happening while the customer pays."""

    def __init__(self, card, meanwhile) -> None:
        self._card = card
        self.meanwhile = meanwhile

    def __getattr__(self, name: str):
        return getattr(self._card, name)

    def start(self, request):
        if self.meanwhile is not None:
            meanwhile, self.meanwhile = self.meanwhile, None
            meanwhile()
        return self._card.start(request)


def slow_card(box_office, meanwhile) -> None:
    box_office.payments.add(SlowProvider(box_office.payments.get(None, "simulated"), meanwhile))


# -- the race worker ------------------------------------------------------------------------------
def race_worker(
    showtime_id: str, seconds: float, seed: int, start_at: float = 0.0, server: str = ""
) -> dict:
    """A kiosk racing for seats: on the engine itself (its own box office on the test's
    database), or with ``server`` ("URL TOKEN") as a paired kiosk of a box-office server."""
    from core.bootstrap import open_box_office
    from core.config import load_config

    if server:
        from client.remote import RemoteBoxOffice

        url, token = server.split()
        with RemoteBoxOffice(url, token) as remote:
            # The actor argument keeps the face; the server takes the kiosk from the token.
            return race(remote, Actor.public(), showtime_id, seconds, seed, start_at)
    with open_box_office(load_config()) as box_office:
        theater_id = box_office.store.showtimes.get(showtime_id).theater_id
        actor = Actor(subject=f"kiosk-{seed}", role="kiosk", theaters=(theater_id,))
        return race(box_office, actor, showtime_id, seconds, seed, start_at)


def race(
    box_office, actor: Actor, showtime_id: str, seconds: float, seed: int, start_at: float
) -> dict:
    """Claim random, overlapping groups of 1-4 seats and pay for them until the hall is
    sold out or the time is up; ``box_office`` is the engine or a client of a server."""
    from core.errors import DomainError, PaymentFailed, SeatsTaken
    from core.seat_map import SeatState

    rng = random.Random(seed)
    stats = {"seed": seed, "bookings": [], "taken": 0, "declined": 0, "other": [], "rounds": 0}
    layout = box_office.inventory.seat_map(actor, showtime_id).layout
    time.sleep(max(0.0, start_at - time.time()))  # all workers start together
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        stats["rounds"] += 1
        seat_map = box_office.inventory.seat_map(actor, showtime_id)
        free = [s.seat.id for s in seat_map if s.state == SeatState.FREE]
        if not free:
            if seat_map.count(SeatState.HELD) == 0:
                break  # sold out
            time.sleep(0.05)
            continue
        # Mostly aim at a free seat, sometimes anywhere: overlaps are the point.
        start = layout.seat(
            rng.choice(free) if rng.random() < 0.7 else rng.choice([s.id for s in layout.seats])
        )
        row = layout.row(start.row).seats
        size = rng.randint(1, 4)
        first = max(0, min(start.number - 1, len(row) - size))
        group = [seat.id for seat in row[first : first + size]]
        basket = box_office.booking.new_basket(actor, showtime_id)
        try:
            basket = box_office.booking.hold(actor, basket.id, group)
        except SeatsTaken:
            stats["taken"] += 1
            continue
        try:
            if rng.random() < 0.1:
                try:
                    box_office.checkout.checkout(
                        actor, basket.id, "simulated", card="4000000000000002"
                    )
                except PaymentFailed:
                    stats["declined"] += 1
                if rng.random() < 0.5:
                    basket = box_office.booking.release(actor, basket.id)
                    continue
            booking = box_office.checkout.checkout(actor, basket.id, "simulated")
            stats["bookings"].append(
                [booking.id, booking.state, [s.seat_id for s in booking.seats]]
            )
        except DomainError as error:
            stats["other"].append(f"{type(error).__name__}: {error}")
            if box_office.booking.basket(actor, basket.id).booking_id is None:
                box_office.booking.release(actor, basket.id)
    return stats


if __name__ == "__main__":
    showtime_arg, seconds_arg, seed_arg, start_arg = sys.argv[1:5]
    server_arg = os.environ.get("RACE_SERVER", "")
    result = race_worker(
        showtime_arg, float(seconds_arg), int(seed_arg), float(start_arg), server_arg
    )
    print(json.dumps(result))
