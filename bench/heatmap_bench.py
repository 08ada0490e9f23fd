"""Seat heatmap speed (``python bench/report_bench.py --heatmap``): one hall with a year
of showtimes and their bookings, then ``marquee report seats``.

One hall of 320 seats with three showtimes a day for a year (1,095 showtimes), sold
about 70% full each, the middle rows first, in bookings of 1-6 seats (some refunded),
written through the booking repository (with their sales and seat lines, as every
booking save writes them). Then it times the heatmap: the service call (one
aggregation over the seat lines), and the whole command: the API call and the
terminal picture.
Both are checked against the counts kept while filling.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import statistics
from collections import Counter

from rich.console import Console

from client.remote import RemoteBoxOffice
from console.charts import heatmap_view
from core.bootstrap import BoxOffice
from core.layout import grid_layout
from core.models import Showtime

SHOWS_PER_DAY = 3
DAYS = 365


def seed_hall(
    box_office: BoxOffice, admin, hall_type, prices, vip
) -> tuple[list[Showtime], object]:
    """The theater, its hall, a movie, a price card and a year of showtimes."""
    card = box_office.pricing.add_price_card(
        admin, name="Standard", tickets=prices, surcharges={"vip": vip}
    )
    movie = box_office.catalog.add_movie(admin, title="Feature", runtime_min=100)
    theater = box_office.venues.add_theater(admin, name="Heatmap Cinema")
    hall = box_office.venues.add_auditorium(
        admin,
        theater_id=theater.id,
        name="Screen 1",
        layout_text=grid_layout(16, 20, aisles=(10,), vip_rows=("H", "I")),
    )
    first = dt.date(2030, 1, 1)
    showtimes = []
    for day in range(DAYS):
        for slot in range(SHOWS_PER_DAY):
            starts = dt.datetime.combine(first + dt.timedelta(days=day), dt.time(13), dt.UTC)
            starts += dt.timedelta(minutes=slot * 180)
            showtimes.append(
                Showtime(
                    id=f"h{day}-{slot}",
                    movie_id=movie.id,
                    theater_id=theater.id,
                    auditorium_id=hall.id,
                    price_card_id=card.id,
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(minutes=110),
                )
            )
    box_office.store.showtimes.insert_many(showtimes)
    return showtimes, hall_type(hall)


def preferred(rng: random.Random, seats: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The hall's seats in the order one showtime sells them: middle rows first, with
    some chance in it (a random key weighted by the distance from the middle)."""
    rows = sorted({seat_id[0] for seat_id, _ in seats})
    middle = (len(rows) - 1) * 0.55

    def key(seat: tuple[str, str]) -> float:
        return abs(rows.index(seat[0][0]) - middle) + rng.uniform(0, 6)

    return sorted(seats, key=key)


def fill_hall(box_office: BoxOffice, seller, showtimes: list[Showtime], batch: int) -> Counter:
    """Bookings for every showtime, written with their sales and seat lines as every
    booking save writes them; how many showtimes each seat was sold for."""
    hall = next(iter(seller.halls.values()))
    all_seats = list(hall.seats)
    bookings, counts = [], Counter()
    for show in showtimes:
        hall.seats = preferred(seller.rng, all_seats)
        target = int(len(all_seats) * seller.rng.uniform(0.5, 0.9))
        while seller.next_seat[show.id] < target:
            booking = seller.booking(show, target - seller.next_seat[show.id])
            bookings.append(booking)
            for seat in booking.active_seats if booking.state == "confirmed" else []:
                counts[seat.seat_id] += 1
        if len(bookings) >= batch:
            box_office.store.bookings.insert_many(bookings)
            bookings = []
    if bookings:
        box_office.store.bookings.insert_many(bookings)
    return counts


def run(box_office: BoxOffice, remote: RemoteBoxOffice, admin, timed, runs: int, **bench) -> None:
    """Seed, fill, time and check; prints the figures and the RESULT line."""
    import time

    began = time.perf_counter()
    showtimes, hall = seed_hall(
        box_office, admin, bench["hall_type"], bench["prices"], bench["vip"]
    )
    seller = bench["seller_type"](showtimes, {hall.auditorium.id: hall})
    counts = fill_hall(box_office, seller, showtimes, 2000)
    print(
        f"{len(showtimes)} showtimes of one hall, {sum(counts.values())} seats sold "
        f"in {seller.expected['bookings']} bookings, "
        f"filled in {time.perf_counter() - began:.1f} s"
    )
    hall_id, start, end = hall.auditorium.id, dt.date(2030, 1, 1), dt.date(2030, 12, 31)
    heatmap, timings = timed(
        runs, lambda: box_office.reports.seat_heatmap(admin, hall_id, start, end)
    )
    print("service runs: " + ", ".join(f"{t:.3f} s" for t in timings))

    def command() -> str:
        shown = remote.reports.seat_heatmap(admin, hall_id, start, end)
        console = Console(width=100, file=io.StringIO(), no_color=True)
        console.print(heatmap_view(shown))
        return console.file.getvalue()

    picture, command_timings = timed(runs, command)
    print("command (API and picture) runs: " + ", ".join(f"{t:.3f} s" for t in command_timings))
    print(picture)
    if heatmap.showtimes != len(showtimes) or heatmap.sold != dict(counts):
        print(f"MISMATCH: heatmap {heatmap.showtimes} showtimes, counts differ from the fill")
        raise SystemExit(1)
    print(f"SERVICE heatmap_service_s={statistics.median(timings):.3f}")
    seconds = statistics.median(command_timings)
    print(f"RESULT heatmap_s={seconds:.3f} showtimes={heatmap.showtimes}")
