"""Sales report speed: a database with a million sold tickets, then ``marquee report sales``.

Fills a fresh embedded database (its own server in a temporary directory) with
realistic confirmed bookings of 1-6 tickets over many showtimes, days and four
theaters in different time zones: adult and child tickets, VIP seats, extras,
promo discounts, full and partial refunds. The bookings are built as the
booking engine stores them and written in bulk, in the order they were sold
(as a box office writes them), through the booking repository, which writes
their sales lines as every booking save does. Then it times the
sales report over the whole range through the report service (the median of a
few runs) and checks its totals against the sums kept while filling. The extras
report (quantity and revenue per extra) is timed and checked the same way.

    python bench/report_bench.py [--tickets 1000000] [--runs 5]

Before the last line: EXTRAS extras_report_s=<float>
Last line: RESULT tickets=<int> sales_report_s=<float>

With ``--heatmap``, the seat heatmap instead (see bench/heatmap_bench.py): a year of
showtimes of one hall and their bookings, then ``marquee report seats``, timed.

    python bench/report_bench.py --heatmap [--runs 5]

Last line: RESULT heatmap_s=<float> showtimes=<int>
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import heapq
import itertools
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rich.progress import (  # noqa: E402
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from core.bootstrap import BoxOffice, open_box_office  # noqa: E402
from core.config import load_config  # noqa: E402
from core.layout import (
    grid_layout,  # noqa: E402
    layout_of,  # noqa: E402
)
from core.models import (  # noqa: E402
    Auditorium,
    BookedExtra,
    BookedSeat,
    Booking,
    HistoryEntry,
    MoneyMovement,
    Showtime,
)
from core.payment_providers.keys import payment_key, refund_key  # noqa: E402
from core.quote import remaining_total  # noqa: E402
from core.repo.embedded import EmbeddedServer  # noqa: E402
from core.services.access import Actor  # noqa: E402
from core.services.booking import REFERENCE_ALPHABET  # noqa: E402

ADMIN = Actor.local_admin()
ZONES = ("Europe/London", "America/New_York", "America/Los_Angeles", "Asia/Tokyo")
SHOWS_PER_DAY = 12  # per theater
FILL = 0.7  # share of a hall's seats sold, on average
SALES_WINDOW = dt.timedelta(hours=72)  # a showtime sells over the days before it
PRICES = {"adult": 1250, "child": 900}
VIP = 300
EXTRAS = {"popcorn": ("Popcorn", 650), "soda": ("Soda", 400), "combo": ("Combo", 1100)}
FIRST_DAY = dt.date(2030, 1, 1)
T = TypeVar("T")


class Hall:
    def __init__(self, auditorium: Auditorium) -> None:
        layout = layout_of(auditorium.layout)
        self.auditorium = auditorium
        self.seats = [(seat.id, str(seat.category)) for seat in layout.seats]


def seed(box_office: BoxOffice, tickets: int) -> tuple[list[Showtime], dict[str, Hall]]:
    """Theaters, halls, movies, a price card, extras and enough showtimes for ``tickets``."""
    card = box_office.pricing.add_price_card(
        ADMIN, name="Standard", tickets=PRICES, surcharges={"vip": VIP}
    )
    for extra_id, (name, price) in EXTRAS.items():
        box_office.pricing.add_extra(ADMIN, name=name, price=price, extra_id=extra_id)
    movies = [
        box_office.catalog.add_movie(ADMIN, title=f"Feature {n}", runtime_min=100) for n in range(8)
    ]
    halls = {}
    layout = grid_layout(16, 20, aisles=(10,), vip_rows=("H", "I"))
    for n, zone in enumerate(ZONES):
        theater = box_office.venues.add_theater(ADMIN, name=f"Cinema {n}", timezone=zone)
        hall = box_office.venues.add_auditorium(
            ADMIN, theater_id=theater.id, name="Screen 1", layout_text=layout
        )
        halls[hall.id] = Hall(hall)
    capacity = next(iter(halls.values())).auditorium.capacity
    needed = -(-tickets // int(capacity * FILL)) * 11 // 10  # and some to spare
    days = -(-needed // (SHOWS_PER_DAY * len(halls)))
    showtimes = []
    for day in range(days):
        for hall in halls.values():
            for slot in range(SHOWS_PER_DAY):
                starts = dt.datetime.combine(
                    FIRST_DAY + dt.timedelta(days=day), dt.time(10), dt.UTC
                ) + dt.timedelta(minutes=slot * 115)
                showtimes.append(
                    Showtime(
                        id=f"s{day}-{hall.auditorium.theater_id}-{slot}",
                        movie_id=movies[(day + slot) % len(movies)].id,
                        theater_id=hall.auditorium.theater_id,
                        auditorium_id=hall.auditorium.id,
                        price_card_id=card.id,
                        starts_at=starts,
                        ends_at=starts + dt.timedelta(minutes=110),
                    )
                )
    box_office.store.showtimes.insert_many(showtimes)
    return showtimes, halls


class Seller:
    """Makes bookings as the booking engine leaves them, and keeps the expected sums."""

    def __init__(self, showtimes: list[Showtime], halls: dict[str, Hall], seed_value: int = 7):
        self.rng = random.Random(seed_value)
        self.showtimes = showtimes
        self.halls = halls
        self.next_seat = Counter()
        self.expected = Counter()
        self.extras = Counter()  # (extra id, "quantity" | "revenue") -> sum

    def sales(self, tickets: int) -> Iterator[Booking]:
        """Bookings in the order they were sold, as a box office writes them: showtime
        after showtime, each sold over the three days before it starts."""
        waiting: list[tuple[dt.datetime, int, Booking]] = []  # a heap by time of sale
        sold, order = 0, itertools.count()
        for show in sorted(self.showtimes, key=lambda s: (s.starts_at, s.id)):
            while waiting and waiting[0][0] <= show.starts_at - SALES_WINDOW:
                yield heapq.heappop(waiting)[2]
            seats = len(self.halls[show.auditorium_id].seats)
            target = int(seats * self.rng.uniform(FILL - 0.2, FILL + 0.2))
            while sold < tickets and self.next_seat[show.id] < target:
                room = min(target - self.next_seat[show.id], tickets - sold)
                booking = self.booking(show, room)
                sold += len(booking.seats)
                heapq.heappush(waiting, (booking.confirmed_at, next(order), booking))
            if sold >= tickets:
                break
        while waiting:
            yield heapq.heappop(waiting)[2]

    def booking(self, show: Showtime, room: int) -> Booking:
        rng = self.rng
        hall = self.halls[show.auditorium_id]
        count = min(rng.randint(1, 6), room)
        first = self.next_seat[show.id]
        self.next_seat[show.id] += count
        seats = [
            BookedSeat(
                seat_id=seat_id,
                category=category,
                ticket_type=kind,
                price=PRICES[kind] + (VIP if category == "vip" else 0),
            )
            for (seat_id, category), kind in zip(
                hall.seats[first : first + count],
                rng.choices(["adult", "child"], weights=[4, 1], k=count),
                strict=True,
            )
        ]
        extras = [
            BookedExtra(
                extra_id=extra_id,
                name=EXTRAS[extra_id][0],
                quantity=rng.randint(1, 3),
                unit_price=EXTRAS[extra_id][1],
            )
            for extra_id in rng.sample(list(EXTRAS), k=rng.choice([0, 0, 0, 1, 2]))
        ]
        for extra in extras:
            self.extras.update({(extra.extra_id, "quantity"): extra.quantity})
            self.extras.update({(extra.extra_id, "revenue"): extra.amount})
        gross = sum(seat.price for seat in seats)
        extras_amount = sum(extra.amount for extra in extras)
        discount = (gross + 5) // 10 if rng.random() < 0.15 else 0  # a 10% promo, half up
        sold_at = show.starts_at - rng.uniform(0.005, 1.0) * SALES_WINDOW
        booking_id = secrets.token_hex(12)
        total = gross + extras_amount - discount
        payment = _movement("payment", payment_key(booking_id, 1), total, sold_at)
        booking = Booking(
            id=booking_id,
            reference="".join(rng.choices(REFERENCE_ALPHABET, k=8)),
            showtime_id=show.id,
            theater_id=show.theater_id,
            channel=rng.choice(["kiosk", "kiosk", "counter", "online"]),
            state="confirmed",
            seats=seats,
            extras=extras,
            promo_code="TENOFF" if discount else None,
            currency="USD",
            total=total,
            discount=discount,
            hold_id=secrets.token_hex(12),
            held_until=sold_at + dt.timedelta(minutes=8),
            payments=[payment],
            created_by="kiosk-1",
            created_at=sold_at - dt.timedelta(minutes=2),
            confirmed_at=sold_at,
            history=[
                HistoryEntry(at=sold_at, by="kiosk-1", event="payment started"),
                HistoryEntry(at=sold_at, by="kiosk-1", event="confirmed"),
            ],
            version=2,
        )
        booking = self._maybe_refund(booking, sold_at)
        refunded = sum(m.amount for m in booking.payments if m.kind == "refund")
        self.expected.update(
            bookings=1,
            tickets=count,
            gross=gross,
            extras=extras_amount,
            discounts=discount,
            refunds=refunded,
            net=booking.paid,
        )
        return booking

    def _maybe_refund(self, booking: Booking, sold_at: dt.datetime) -> Booking:
        """3% refunded in full, 3% give one seat back, as the after-sales service does."""
        roll = self.rng.random()
        if roll >= 0.06 or (roll >= 0.03 and len(booking.seats) == 1):
            return booking
        back = booking.seats if roll < 0.03 else booking.seats[-1:]
        seats = [
            s.model_copy(update={"status": "refunded"}) if s in back else s for s in booking.seats
        ]
        kept = [s for s in seats if s.status == "active"]
        total = remaining_total(booking, kept)
        at = sold_at + dt.timedelta(hours=1)
        refund = _movement("refund", refund_key(booking.id, 1), booking.total - total, at)
        return booking.model_copy(
            update={
                "state": "confirmed" if kept else "refunded",
                "seats": seats,
                "total": total,
                "payments": [*booking.payments, refund],
                "version": 3,
            }
        )


def _movement(kind: str, key: str, amount: int, at: dt.datetime) -> MoneyMovement:
    return MoneyMovement(
        kind=kind,
        provider="simulated",
        idempotency_key=key,
        amount=amount,
        state="succeeded",
        provider_ref=f"sim_{secrets.token_hex(6)}",
        at=at,
    )


def fill(box_office: BoxOffice, seller: Seller, tickets: int, batch: int) -> int:
    columns = (
        TextColumn("filling"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("tickets"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    sold, bookings = 0, []
    with Progress(*columns) as progress:
        task = progress.add_task("fill", total=tickets)
        for booking in seller.sales(tickets):
            bookings.append(booking)
            if len(bookings) == batch:
                box_office.store.bookings.insert_many(bookings)
                sold += sum(len(b.seats) for b in bookings)
                progress.update(task, completed=sold)
                bookings = []
        if bookings:
            box_office.store.bookings.insert_many(bookings)
            sold += sum(len(b.seats) for b in bookings)
            progress.update(task, completed=sold)
    return sold


def timed(runs: int, make: Callable[[], T]) -> tuple[T, list[float]]:
    """The last of ``runs`` calls of ``make()`` and the seconds each call took."""
    result, timings = None, []
    for _ in range(runs):
        began = time.perf_counter()
        result = make()
        timings.append(time.perf_counter() - began)
    return result, timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--batch", type=int, default=2000, help="bookings per insert")
    parser.add_argument("--heatmap", action="store_true", help="time the seat heatmap instead")
    args = parser.parse_args()
    if args.heatmap:
        heatmap(args.runs)
        return

    with fresh_box_office("report_bench") as box_office:
        showtimes, halls = seed(box_office, args.tickets)
        print(f"{len(showtimes)} showtimes in {len(halls)} theaters")
        seller = Seller(showtimes, halls)
        began = time.perf_counter()
        sold = fill(box_office, seller, args.tickets, args.batch)
        filled_s = time.perf_counter() - began
        bookings = seller.expected["bookings"]
        print(f"filled {sold} tickets in {bookings} bookings in {filled_s:.1f} s")

        report, timings = timed(args.runs, lambda: box_office.reports.sales(ADMIN))
        totals = report.totals
        print(
            f"sales report: {len(report.rows)} days; tickets {totals.tickets}, "
            f"gross {totals.gross}, extras {totals.extras}, discounts {totals.discounts}, "
            f"refunds {totals.refunds}, net {totals.net} (minor units)"
        )
        print("runs: " + ", ".join(f"{t:.2f} s" for t in timings))
        wanted = dict(seller.expected)
        found = {k: getattr(totals, k) for k in wanted}
        if found != wanted:
            print(f"MISMATCH: report {found} != filled {wanted}")
            sys.exit(1)

        extras, extras_timings = timed(args.runs, lambda: box_office.reports.extras(ADMIN))
        print(
            f"extras report: {len(extras.rows)} extras; quantity {extras.totals.quantity}, "
            f"revenue {extras.totals.revenue} (minor units)"
        )
        print("runs: " + ", ".join(f"{t:.2f} s" for t in extras_timings))
        found_extras = Counter()
        for row in extras.rows:
            found_extras.update({(row.extra_id, "quantity"): row.quantity})
            found_extras.update({(row.extra_id, "revenue"): row.revenue})
        if found_extras != seller.extras or extras.totals.revenue != totals.extras:
            print(f"MISMATCH: extras report {dict(found_extras)} != filled {dict(seller.extras)}")
            sys.exit(1)
    print(f"EXTRAS extras_report_s={statistics.median(extras_timings):.3f}")
    print(f"RESULT tickets={sold} sales_report_s={statistics.median(timings):.3f}")


def heatmap(runs: int) -> None:
    """The seat heatmap over a year of one hall's showtimes (bench/heatmap_bench.py)."""
    import heatmap_bench

    from client.remote import RemoteBoxOffice
    from server.app import create_app

    with fresh_box_office("heatmap_bench") as box_office:
        token = "mql_" + secrets.token_urlsafe(32)
        remote = RemoteBoxOffice.in_process(create_app(box_office, token=token), token)
        heatmap_bench.run(
            box_office,
            remote,
            ADMIN,
            timed,
            runs,
            hall_type=Hall,
            seller_type=Seller,
            prices=PRICES,
            vip=VIP,
        )


@contextlib.contextmanager
def fresh_box_office(name: str) -> Iterator[BoxOffice]:
    """A box office on a fresh embedded database in a temporary directory, removed after."""
    data_dir = tempfile.mkdtemp(prefix=f"marquee-{name}-")
    server = EmbeddedServer(Path(data_dir))
    env = {
        "MARQUEE_MONGO_URI": server.acquire(),
        "MARQUEE_DB_NAME": name,
        "MARQUEE_DATA_DIR": data_dir,
    }
    try:
        with open_box_office(load_config(environ=env, cwd=Path(data_dir))) as box_office:
            yield box_office
    finally:
        server.release()
        server.stop(force=True)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
