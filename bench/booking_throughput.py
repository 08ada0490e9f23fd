"""Booking throughput: N kiosk-like processes sell out one large showtime.

Each client process opens its own box office (as a kiosk would) and books random
groups of 1-4 adjacent seats with the simulated provider: hold, pay, confirm,
through the real services, until the hall is sold out. A client learns which
seats are gone from its seat map, re-read once a second as a kiosk's live map
is, and from the SeatsTaken errors it gets. The clock starts once every client
has started and connected. In the same run the bench measures the raw rate of
conditional single-document updates from the same number of processes on the
same server, and prints the ratio.

    python bench/booking_throughput.py [--clients 16] [--rows 40] [--seats 50]
                                       [--past-showtimes 0]

Last line: RESULT bookings_per_s=<float> hold_p99_ms=<float> raw_ops_per_s=<float> ratio=<float>
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.bootstrap import open_box_office  # noqa: E402
from core.config import load_config  # noqa: E402
from core.errors import SeatsTaken  # noqa: E402
from core.layout import (
    SeatLayout,  # noqa: E402
    grid_layout,  # noqa: E402
)
from core.repo.embedded import EmbeddedServer  # noqa: E402
from core.repo.inventory import SeatInventoryRepository, row_key  # noqa: E402
from core.services.access import Actor  # noqa: E402

REFRESH_S = 1.0  # how often a client re-reads the seat map, like a kiosk's live map
ADMIN = Actor.local_admin()
KIOSK = Actor(subject="bench-kiosk", role="kiosk", theaters=("bench",))


def environment(uri: str, db_name: str, data_dir: str) -> dict[str, str]:
    return {"MARQUEE_MONGO_URI": uri, "MARQUEE_DB_NAME": db_name, "MARQUEE_DATA_DIR": data_dir}


def seed(env: dict[str, str], rows: int, seats: int) -> tuple[str, SeatLayout]:
    box_office = open_box_office(load_config(environ=env, cwd=Path(env["MARQUEE_DATA_DIR"])))
    box_office.connection.client.drop_database(env["MARQUEE_DB_NAME"])
    box_office.store.ensure_indexes()
    theater = box_office.venues.add_theater(ADMIN, name="Bench", theater_id="bench")
    hall = box_office.venues.add_auditorium(
        ADMIN, theater_id=theater.id, name="Hall", layout_text=grid_layout(rows, seats)
    )
    movie = box_office.catalog.add_movie(ADMIN, title="Bench", runtime_min=100)
    card = box_office.pricing.add_price_card(ADMIN, name="Bench", tickets={"adult": 1000})
    show = box_office.schedule.add_showtime(
        ADMIN,
        movie_id=movie.id,
        auditorium_id=hall.id,
        price_card_id=card.id,
        starts_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1),
    )
    layout = box_office.venues.layout(ADMIN, hall.id)
    box_office.inventory.seat_map(ADMIN, show.id)
    box_office.close()
    return show.id, layout


def add_past_showtimes(env: dict[str, str], count: int, layout: SeatLayout) -> None:
    """Sold-out rows of ``count`` earlier showtimes, as a box office's database has."""
    from pymongo import MongoClient

    client = MongoClient(env["MARQUEE_MONGO_URI"])
    collection = client[env["MARQUEE_DB_NAME"]]["seat_rows"]
    for show in range(count):
        show_id, booking_id = f"past{show}", f"past-booking-{show}"
        collection.insert_many(
            {
                "_id": row_key(show_id, row.label),
                "showtime_id": show_id,
                "row": row.label,
                "sold": {f"s{seat.number}": booking_id for seat in row.cells if seat},
            }
            for row in layout.rows
        )
    client.close()


def pick_group(rows: list[list[str]], taken: set[str], rng: random.Random) -> list[str]:
    """A random run of 1-4 adjacent seats that this client believes are free.

    Rows are tried in a random order and the first with such a run gives one
    of its runs, so a pick costs a row or two of work rather than the hall."""
    size = rng.randint(1, 4)
    order = rng.sample(range(len(rows)), len(rows))
    for want in range(size, 0, -1):
        for index in order:
            runs, run = [], []
            for seat in rows[index]:
                run = run + [seat] if seat not in taken else []
                if len(run) >= want:
                    runs.append(run[-want:])
            if runs:
                return rng.choice(runs)
    return []


def unavailable_seats(box_office, actor: Actor, show_id: str) -> set[str]:
    return box_office.inventory.seat_map(actor, show_id).not_free()


def client(
    env: dict,
    show_id: str,
    rows: list[list[str]],
    start: mp.Event,
    results: mp.Queue,
    seed_value: int,
) -> None:
    """A kiosk-like process on the engine itself, as a terminal ran before the server."""
    os.environ.update(env)
    box_office = open_box_office(load_config(environ=env, cwd=Path(env["MARQUEE_DATA_DIR"])))
    try:
        sell_out(box_office, KIOSK, show_id, rows, start, results, seed_value)
    finally:
        box_office.close()


def sell_out(
    box_office,
    actor: Actor,
    show_id: str,
    rows: list[list[str]],
    start: mp.Event,
    results: mp.Queue,
    seed_value: int,
    timed: bool = False,
) -> None:
    """Sell groups of seats until the hall is gone, and report how it went.

    ``box_office`` is the engine or a client of the box-office server: they have
    the same face. ``timed``: report when each seat's sale was asked for and answered."""
    rng = random.Random(seed_value)
    taken: set[str] = set()
    holds_ms: list[float] = []
    sold_at: dict[str, tuple[float, float]] = {}  # seat -> (sale asked, sale answered)
    booked = seats_sold = conflicts = 0
    basket = None
    results.put("ready")
    start.wait()
    refreshed = time.perf_counter()
    while True:
        if time.perf_counter() - refreshed > REFRESH_S:
            # A kiosk's seat map follows the hall live; refresh the picture as it would.
            taken = unavailable_seats(box_office, actor, show_id) | (
                taken & set(basket.seats if basket else ())
            )
            refreshed = time.perf_counter()
        group = pick_group(rows, taken, rng)
        if not group:
            # Believed sold out: look once at the real map before giving up.
            taken = unavailable_seats(box_office, actor, show_id)
            refreshed = time.perf_counter()
            if not pick_group(rows, taken, rng):
                break
            continue
        if basket is None:  # a new customer; one who lost a seat just picks another
            basket = box_office.booking.new_basket(actor, show_id, channel="kiosk")
        began = time.perf_counter()
        try:
            basket = box_office.booking.hold(actor, basket.id, group)
        except SeatsTaken as error:
            holds_ms.append((time.perf_counter() - began) * 1000)
            taken.update(error.unavailable)
            conflicts += 1
            continue
        holds_ms.append((time.perf_counter() - began) * 1000)
        asked = time.time()
        box_office.checkout.checkout(actor, basket.id, "simulated")
        if timed:
            sold_at.update(dict.fromkeys(group, (asked, time.time())))
        basket = None
        taken.update(group)
        booked += 1
        seats_sold += len(group)
    results.put(
        {
            "booked": booked,
            "seats": seats_sold,
            "conflicts": conflicts,
            "holds_ms": holds_ms,
            "sold_at": sold_at,
            "finished": time.perf_counter(),
        }
    )


def raw_updates(
    uri: str, db_name: str, seconds: float, start: mp.Event, results: mp.Queue, index: int
) -> None:
    from pymongo import MongoClient

    collection = MongoClient(uri)[db_name]["bench_raw"]
    key = f"doc-{index}"
    collection.update_one({"_id": key}, {"$set": {"n": 0}}, upsert=True)
    results.put("ready")
    start.wait()
    done, deadline = 0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        collection.update_one({"$and": [{"_id": key}, {"n": {"$gte": 0}}]}, {"$inc": {"n": 1}})
        done += 1
    results.put(done)


def bare_sales(
    uri: str,
    db_name: str,
    template: dict,
    seconds: float,
    start: mp.Event,
    results: mp.Queue,
    index: int,
) -> None:
    """A sale stripped to the four writes a crash-safe one needs, and nothing else.

    Claim, pending booking (written before the charge, so a crash after it can
    be reconciled), sell, confirm: with the engine's own query shapes and a real
    booking document, but no service code, no seat-map reads and no lost claims
    (each process sells its own rows). This is the ceiling for the engine here."""
    from pymongo import MongoClient

    database = MongoClient(uri)[db_name]
    seats, bookings = SeatInventoryRepository(database), database["bookings"]
    show, rows = f"bare-{index}", [f"R{n}" for n in range(200)]
    seats.create_rows(show, rows)
    results.put("ready")
    start.wait()
    claims_ms: list[float] = []
    done, deadline = 0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        row, number, now = rows[done // 50], done % 50 + 1, time.time()
        hold_id, booking_id = f"h-{index}-{done}", f"b-{index}-{done}"
        began = time.perf_counter()
        if not seats.claim(show, row, [number], hold_id, now + 480, now):
            raise RuntimeError("a bare claim was refused")
        claims_ms.append((time.perf_counter() - began) * 1000)
        pending = template | {"_id": booking_id, "reference": booking_id, "hold_id": hold_id}
        bookings.insert_one(pending | {"state": "pending_payment", "version": 0})
        seats.sell(show, row, [number], hold_id, booking_id, now)
        bookings.replace_one(
            {"$and": [{"_id": booking_id}, {"version": 0}]},
            pending | {"state": "confirmed", "version": 1},
        )
        done += 1
    results.put({"sales": done, "claims_ms": claims_ms})


def start_processes(target, args_for, count: int) -> tuple[list, mp.Event, mp.Queue]:
    """``count`` processes of ``target``, once each has said it is ready; each then
    waits for the event, and reports on the queue."""
    context = mp.get_context("spawn")
    start, results = context.Event(), context.Queue()
    processes = [
        context.Process(target=target, args=(*args_for(i), start, results, i)) for i in range(count)
    ]
    for process in processes:
        process.start()
    # Start the clock once every client has started and connected: on two cores,
    # sixteen interpreters importing their modules take several seconds.
    for _ in processes:
        if results.get(timeout=300) != "ready":
            raise RuntimeError("a client reported before it was ready")
    return processes, start, results


def run_processes(target, args_for, count: int) -> tuple[list, float]:
    processes, start, results = start_processes(target, args_for, count)
    began = time.perf_counter()
    start.set()
    outcomes = [results.get(timeout=600) for _ in processes]
    elapsed = time.perf_counter() - began
    for process in processes:
        process.join(timeout=30)
    return outcomes, elapsed


def percentile(ordered: list[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def bare_booking_template(uri: str, db_name: str) -> dict:
    """One booking the engine wrote, as the document the bare sales write."""
    from pymongo import MongoClient

    client = MongoClient(uri)
    try:
        document = client[db_name]["bookings"].find_one({"state": "confirmed"})
    finally:
        client.close()
    return {k: v for k, v in document.items() if k != "line_due"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rows", type=int, default=40)
    parser.add_argument("--seats", type=int, default=50)
    parser.add_argument("--raw-seconds", type=float, default=5.0)
    parser.add_argument(
        "--past-showtimes",
        type=int,
        default=0,
        help="sold-out earlier showtimes in the database beside the one on sale",
    )
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="marquee-bench-")
    server = EmbeddedServer(Path(data_dir))
    uri = server.acquire()
    db_name = "bench"
    env = environment(uri, db_name, data_dir)
    try:
        show_id, layout = seed(env, args.rows, args.seats)
        add_past_showtimes(env, args.past_showtimes, layout)
        rows = [[seat.id for seat in row.cells if seat] for row in layout.rows]
        capacity = sum(len(row) for row in rows)
        print(
            f"hall: {capacity} seats, {args.clients} client processes, simulated payments, "
            f"{args.past_showtimes} past showtimes in the database"
        )

        outcomes, elapsed = run_processes(client, lambda i: (env, show_id, rows), args.clients)
        booked = sum(o["booked"] for o in outcomes)
        seats = sum(o["seats"] for o in outcomes)
        conflicts = sum(o["conflicts"] for o in outcomes)
        holds = sorted(ms for o in outcomes for ms in o["holds_ms"])
        print(
            f"sold {seats}/{capacity} seats in {booked} bookings in {elapsed:.2f} s; "
            f"{conflicts} holds refused (seat already gone)"
        )

        raw, _ = run_processes(
            raw_updates, lambda i: (uri, db_name, args.raw_seconds), args.clients
        )
        raw_ops = sum(raw) / args.raw_seconds
        print(f"raw conditional update_one from {args.clients} processes: {raw_ops:.0f}/s")

        template = bare_booking_template(uri, db_name)
        bare, _ = run_processes(
            bare_sales, lambda i: (uri, db_name, template, args.raw_seconds), args.clients
        )
        bare_rate = sum(o["sales"] for o in bare) / args.raw_seconds
        claims = sorted(ms for o in bare for ms in o["claims_ms"])
        print(
            f"bare sales (4 writes, no service code, no lost claims): {bare_rate:.1f}/s, "
            f"claim p99 {percentile(claims, 0.99):.1f} ms, ratio {bare_rate / raw_ops:.3f}"
        )
    finally:
        server.release()
        server.stop(force=True)
    bookings_per_s = booked / elapsed
    hold_p50 = statistics.median(holds)
    hold_p99 = percentile(holds, 0.99)
    print(f"hold latency: p50 {hold_p50:.1f} ms, p99 {hold_p99:.1f} ms over {len(holds)} holds")
    print(
        f"RESULT bookings_per_s={bookings_per_s:.1f} hold_p99_ms={hold_p99:.1f} "
        f"raw_ops_per_s={raw_ops:.1f} ratio={bookings_per_s / raw_ops:.3f}"
    )


if __name__ == "__main__":
    main()
