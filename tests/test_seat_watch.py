"""Live seat changes reach a watcher in another process's box office within 2 seconds."""

from __future__ import annotations

import datetime as dt
import threading
import time

from core.bootstrap import open_box_office
from core.seat_map import SeatState
from core.services.access import Actor


def small_show(box_office, admin):
    theater = box_office.venues.add_theater(admin, name="Lux")
    hall = box_office.venues.add_auditorium(
        admin, theater_id=theater.id, name="1", layout_text="== SCREEN ==\nA  SSSSSS\n"
    )
    movie = box_office.catalog.add_movie(admin, title="Vertigo", runtime_min=128)
    card = box_office.pricing.add_price_card(admin, name="N", tickets={"adult": 900})
    show = box_office.schedule.add_showtime(
        admin,
        movie_id=movie.id,
        auditorium_id=hall.id,
        price_card_id=card.id,
        starts_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1),
    )
    return show, Actor(subject="kiosk:a", role="kiosk", theaters=(theater.id,))


def test_a_watcher_sees_another_box_office_take_a_seat(box_office, admin, config):
    show, kiosk = small_show(box_office, admin)
    seen: list[SeatState] = []
    arrived = threading.Event()

    def on_change(seat_map):
        seen.append(seat_map.state("A3"))
        arrived.set()

    stop = threading.Event()
    watcher = threading.Thread(
        target=box_office.inventory.watch, args=(kiosk, show.id, on_change, stop), daemon=True
    )
    watcher.start()
    time.sleep(0.3)
    other = open_box_office(config)  # a second kiosk: its own connection and services
    try:
        basket = other.booking.new_basket(kiosk, show.id)
        began = time.monotonic()
        basket = other.booking.hold(kiosk, basket.id, ["A3"])
        assert arrived.wait(2.0), "no change reported within 2 seconds"
        assert time.monotonic() - began < 2.0
        assert seen[-1] == SeatState.HELD
    finally:
        stop.set()
        watcher.join(timeout=5)
        other.close()
    assert not watcher.is_alive()


def test_a_burst_of_changes_costs_the_watcher_a_few_reads_each_giving_the_map(
    box_office, admin, config, monkeypatch
):
    show, kiosk = small_show(box_office, admin)
    reads, maps = [], []
    read_rows = box_office.inventory._seats.rows

    def counted_rows(showtime_id):
        reads.append(time.monotonic())
        return read_rows(showtime_id)

    monkeypatch.setattr(box_office.inventory._seats, "rows", counted_rows)
    stop = threading.Event()
    watcher = threading.Thread(
        target=box_office.inventory.watch,
        args=(kiosk, show.id, maps.append, stop),
        kwargs={"min_gap_s": 0.5},
        daemon=True,
    )
    watcher.start()
    time.sleep(0.3)
    other = open_box_office(config)
    try:
        for seat in ["A1", "A2", "A3", "A4", "A5", "A6"]:  # six changes in quick succession
            other.booking.hold(kiosk, other.booking.new_basket(kiosk, show.id).id, [seat])
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and (not maps or maps[-1].state("A6") != "held"):
            time.sleep(0.05)
    finally:
        stop.set()
        watcher.join(timeout=5)
        other.close()
    assert maps and all(maps[-1].state(s) == SeatState.HELD for s in ["A1", "A3", "A6"])
    looks = reads[1:]  # after the first picture
    assert len(maps) <= len(looks) <= 8  # one read per look, not one per change and map
    assert all(b - a >= 0.45 for a, b in zip(looks, looks[1:], strict=False))
