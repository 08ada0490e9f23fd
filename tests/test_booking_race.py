"""Many kiosk processes race for the seats of one showtime; no seat is ever sold twice.

Each worker (tests/booking_support.py run as a script) opens its own box office on the
test's database and keeps claiming random, overlapping groups of 1-4 adjacent seats and
paying for them with the simulated card, until the hall is sold out or its time is up.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from booking_support import (
    Clock,
    consistency_problems,
    live_holds,
    make_hall,
    net_charged,
    sold_seats,
    tomorrow,
)
from server_support import kiosk_tokens

from core.layout import grid_layout
from core.seat_map import SeatState
from core.services.access import Actor

WORKERS = 8
WORKER_SECONDS = 30.0
SUPPORT = Path(__file__).resolve().parent / "booking_support.py"


pytest_plugins = ["server_fixtures"]  # pair_of_servers


@pytest.mark.processes
@pytest.mark.parametrize("through", ["engine", "two servers"])
def test_racing_kiosk_processes_never_sell_a_seat_twice(
    request, box_office, admin, config, through
):
    """Every kiosk on the engine itself, or every kiosk a client of one of two servers
    on the same database (half on each): the same race, the same checks."""
    hall = make_hall(
        box_office, admin, grid_layout(10, 12, vip_rows=("J",)), starts_at=tomorrow(Clock())
    )
    assert hall.layout.capacity == 120
    env = dict(os.environ) | {
        "MARQUEE_MONGO_URI": config.mongo.uri,
        "MARQUEE_DB_NAME": config.mongo.db_name,
        "MARQUEE_DATA_DIR": str(config.data_dir),
    }
    servers = [""] * WORKERS
    if through == "two servers":
        urls = [url for _process, url in request.getfixturevalue("pair_of_servers")]
        tokens = kiosk_tokens(box_office, admin, hall.theater.id, WORKERS)
        servers = [f"{urls[n % 2]} {token}" for n, token in enumerate(tokens)]
    start_at = time.time() + 4.0  # every worker begins at once, after its imports
    began = time.monotonic()
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                str(SUPPORT),
                hall.showtime_id,
                str(WORKER_SECONDS),
                str(seed),
                str(start_at),
            ],
            env=env | {"RACE_SERVER": servers[seed]},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in range(WORKERS)
    ]
    results = []
    try:
        for worker in workers:
            out, err = worker.communicate(timeout=WORKER_SECONDS + 25)
            assert worker.returncode == 0, err[-3000:]
            results.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    elapsed = time.monotonic() - began

    # The database agrees with itself: each sold seat belongs to exactly one confirmed
    # booking that lists it, and the counts match.
    assert consistency_problems(box_office, hall.showtime_id) == []
    sold = sold_seats(box_office, hall.showtime_id)
    bookings = {b.id: b for b in box_office.store.bookings.find({})}
    confirmed = [b for b in bookings.values() if b.state == "confirmed"]
    active = [seat.seat_id for b in confirmed for seat in b.active_seats]
    assert len(sold) == len(active) == len(set(active))
    for booking in confirmed:
        for seat in booking.active_seats:
            assert sold[seat.seat_id] == booking.id

    # What the workers were told agrees with the database.
    told = Counter()
    for result in results:
        for booking_id, state, seats in result["bookings"]:
            assert state == "confirmed"
            assert bookings[booking_id].state == "confirmed"
            assert sorted(s.seat_id for s in bookings[booking_id].active_seats) == sorted(seats)
            told.update(seats)
    assert all(count == 1 for count in told.values()), told.most_common(3)
    assert sum(told.values()) == len(sold)

    # Money: every booking kept exactly what it is owed.
    for booking in bookings.values():
        assert booking.paid == net_charged(box_office, booking.id), booking.reference
        assert booking.paid == (booking.total if booking.state == "confirmed" else 0)

    # The race really happened, and ended: sold out unless the time ran out.
    assert sum(r["taken"] for r in results) > 0, "no two workers ever wanted the same seat"
    seat_map = box_office.inventory.seat_map(
        Actor("check", "staff", (hall.theater.id,)), hall.showtime_id
    )
    if elapsed < WORKER_SECONDS:
        assert seat_map.count(SeatState.SOLD) == 120
    print(
        f"\n{len(confirmed)} bookings, {len(sold)} seats sold in {elapsed:.1f}s; "
        f"{sum(r['taken'] for r in results)} holds lost a race, "
        f"{sum(r['declined'] for r in results)} declines, "
        f"{sum(r['rounds'] for r in results)} rounds; other: "
        f"{[o for r in results for o in r['other']][:5]}"
    )


FRESH_SHOWTIMES = 30
FIRST_CLAIMERS = 6


def race_first_claims(
    box_office, kiosk: Actor, showtime_id: str, seats: list[str]
) -> tuple[list, list[str]]:
    """One seller per seat claims it at the same moment; returns (baskets, failures)."""
    baskets = [box_office.booking.new_basket(kiosk, showtime_id) for _ in seats]
    line_up = threading.Barrier(len(seats))
    failures: list[str] = []

    def claim(basket, seat_id):
        line_up.wait()
        try:
            box_office.booking.hold(kiosk, basket.id, [seat_id])
        except Exception as error:  # noqa: BLE001 - every failure is the finding
            failures.append(f"{seat_id}: {error}")

    threads = [
        threading.Thread(target=claim, args=(basket, seat_id))
        for basket, seat_id in zip(baskets, seats, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [box_office.booking.basket(kiosk, basket.id) for basket in baskets], failures


def test_first_claims_on_a_fresh_showtime_all_succeed(box_office, admin, clock):
    """Each of several sellers takes a different seat of a row nobody has claimed yet.

    The first claims of a showtime race each other for its row documents; no seller
    may be told a free seat was "just taken"."""
    hall = make_hall(box_office, admin, grid_layout(4, 8), starts_at=tomorrow(clock))
    seats = [f"C{n}" for n in range(2, 2 + FIRST_CLAIMERS)]
    kiosk = Actor("kiosk-1", "kiosk", (hall.theater.id,))
    for round_ in range(FRESH_SHOWTIMES):
        showtime = box_office.schedule.add_showtime(
            admin,
            movie_id=hall.movie.id,
            auditorium_id=hall.auditorium.id,
            starts_at=hall.showtime.starts_at + dt.timedelta(hours=3 * (round_ + 1)),
            price_card_id=hall.card.id,
        )
        baskets, failures = race_first_claims(box_office, kiosk, showtime.id, seats)
        assert failures == [], f"round {round_}: {failures}"
        held = live_holds(box_office, showtime.id, clock())
        assert held == {b.seats[0]: b.hold_id for b in baskets}
